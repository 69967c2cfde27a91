/**
 * What automation needs from the rest of the app, handed in by the composition root, and the jobs
 * it runs (declared on the one job catalogue).
 */
import type { RoutingDeps } from "../routing/ports.ts";
import type { EventDepths } from "./loop-guard.ts";
import type { RuleCache } from "./rule-cache.ts";
import type { AutomationEvent } from "./rule-schema.ts";

/**
 * Calls an outbound webhook endpoint with a payload about a case. The webhooks module provides it;
 * without one the `call_webhook` action is recorded as skipped ("webhooks not configured").
 */
export interface WebhookPort {
  callWebhook(endpointId: string, payload: Record<string, unknown>, caseId: string): Promise<void>;
}

export interface AutomationDeps {
  routing: RoutingDeps;
  rules: RuleCache;
  depths: EventDepths;
  webhooks: WebhookPort | null;
}

/** What an event job carries: which case, what happened, how deep in an automation chain. */
export interface AutomationEventJob {
  caseId: string;
  /** `schedule` when only the case's time-rule schedule needs refreshing (an agent's reply). */
  event: AutomationEvent | "schedule";
  /** Names the triggering event: a rule fires at most once per case for one key. */
  key: string;
  /** 0 for a change a person or a channel made; n+1 for a change automation made at depth n. */
  depth: number;
  /** The key of the change that started the chain (its own key at depth 0). */
  root: string;
  /** The message of an `interaction.created` event. */
  interactionId?: string;
}

export interface AutomationJobs {
  /** Run event rules for a committed change and refresh the case's time-rule schedule. */
  "automation-event": AutomationEventJob;
  /** Fire the time rules that fell due (read from the due-time index). */
  "automation-sweep": Record<string, never>;
  /** Write schedule rows of a newly created or enabled time rule for every open case. */
  "automation-backfill": { ruleId: string };
}

declare module "../cases/ports.ts" {
  interface JobCatalogue extends AutomationJobs {}
}
