/** What the outbound core needs from the rest of the app, handed in by the composition root. */
import type { CountryCode } from "libphonenumber-js";
import type { Clock, EventSink, JobScheduler } from "../cases/ports.ts";
import type { Db } from "../db/connect.ts";

/** Places a call through the telephony provider; Twilio asks `url` for TwiML once someone answers. */
export interface OutboundCalls {
  placeCall(input: {
    to: string;
    from: string;
    url: string;
    statusCallback?: string;
    /** Seconds the phone rings before the call counts as unanswered. */
    timeoutSeconds: number;
    /** Ask the provider to tell a person from an answering machine. */
    machineDetection: boolean;
  }): Promise<{ sid: string }>;
}

/** Schedules the outbound core's jobs (the list import). */
export type OutboundScheduler = Pick<JobScheduler, "enqueue">;

/** Agents' presence, as routing keeps it. */
export interface OutboundPresence {
  /** Takes an agent out of the dialer's pool (and inbound routing) until they come back. */
  setAway(agentId: string, reason: string): Promise<void>;
}

export interface OutboundDeps {
  db: Db;
  clock: Clock;
  jobs: OutboundScheduler;
  /** Null when no telephony provider is configured: progressive and predictive campaigns cannot run. */
  calls: OutboundCalls | null;
  presence: OutboundPresence;
  publicUrl: string;
  defaultCountry: CountryCode;
  defaultTimeZone: string;
  log: { warn(details: Record<string, unknown>, message: string): void };
  /** Where committed facts go (webhooks hear dispositions); absent in tools that need none. */
  events?: EventSink;
}

/** Job names of the outbound core. */
export const OUTBOUND_IMPORT_JOB = "outbound-import";
export const OUTBOUND_DIALER_JOB = "outbound-dialer";

declare module "../cases/ports.ts" {
  interface JobCatalogue {
    /** Imports (or continues importing) one uploaded call list, in batches. */
    [OUTBOUND_IMPORT_JOB]: { importId: string };
    /** One dialer pass over every running progressive or predictive campaign. */
    [OUTBOUND_DIALER_JOB]: Record<string, never>;
  }
}
