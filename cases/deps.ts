/** What every case service needs, handed in by the composition root. */
import type { CountryCode } from "libphonenumber-js";
import type { Db } from "../db/connect.ts";
import type { CaseMachine, CasePolicy } from "./case-machine.ts";
import type { ChannelSenders } from "./channel-sender.ts";
import type { CustomFieldCache } from "./custom-fields.ts";
import type { CaseRoutingHooks, Clock, EventSink, RoutingTrigger, TransitionHook } from "./ports.ts";
import type { Outbox } from "./unit-of-work.ts";

export interface CaseDeps {
  db: Db;
  events: EventSink;
  jobs: Outbox;
  clock: Clock;
  machine: CaseMachine;
  policy: CasePolicy;
  /** Country assumed for phone numbers written without a country code. */
  defaultCountry?: CountryCode;
  /** Routing's side of the case lifecycle; without it cases stay in no queue and nobody is told. */
  routing?: RoutingTrigger;
  routingHooks?: CaseRoutingHooks;
  /** Hooks that add their rows to every accepted case event's write (SLA clocks, customer updates). */
  transitionHooks?: TransitionHook[];
  /** The channels that can send, for handing queued messages over (filled in as channels are set up). */
  senders?: ChannelSenders;
  onAfterCommitError?: (error: unknown) => void;
  /** Custom field definitions, cached briefly; without it they are read on each use. */
  customFields?: CustomFieldCache;
}
