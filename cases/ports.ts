/**
 * The small interfaces through which the domain reaches the outside world. The composition root
 * (server/app.ts) passes implementations in; tests pass the same real ones.
 */
import type { Executor } from "../db/connect.ts";
import type { Channel, cases, Priority } from "../db/schema/cases.ts";
import type { CasePlan } from "./case-plan.ts";
import type { CaseContext } from "./case-store.ts";
import type { DomainEvent } from "./events.ts";

export interface EnqueueOptions {
  /** Deterministic id (no ':'): enqueueing the same id again while it is pending is a no-op. */
  jobId?: string;
  delayMs?: number;
  /** Total tries including the first (default 1). */
  attempts?: number;
  /** Base of the exponential backoff between tries (default 1000 ms). */
  backoffMs?: number;
}

/**
 * Every background job by name, with its payload: the one catalogue `enqueue` is typed against.
 * Each part of the app adds its own jobs where it defines them (`declare module` on this file), so
 * the case core never imports the layers above it; server/jobs/job-catalogue.ts then gives every
 * name its queue, and tsc fails if a name has none. Payloads hold ids, never secrets.
 */
export interface JobCatalogue {
  /** Close a resolved case once its close delay has passed (the handler re-checks). */
  "close-resolved-case": { caseId: string };
  /** Deliver one queued outbound interaction through its channel. */
  "deliver-interaction": { interactionId: string };
}

export type JobName = keyof JobCatalogue & string;

/** Schedules background work, typed against a catalogue (by default the whole app's). */
export interface JobScheduler<J = JobCatalogue> {
  enqueue<K extends keyof J & string>(name: K, data: J[K], options?: EnqueueOptions): Promise<void>;
  /** Drops a pending job of `name` with this id (a no-op if it already ran or is running). */
  cancel(name: keyof J & string, jobId: string): Promise<void>;
}

export interface EventSink {
  publish(events: readonly DomainEvent[]): void;
}

export type Clock = () => Date;

/**
 * Asks routing to look at a queue (or every queue) soon. Called after commit; the implementation
 * coalesces bursts, so calling it for every change is cheap.
 */
/** A case that just joined (or came back to) its queue. */
export interface QueuedCase {
  row: typeof cases.$inferSelect;
  /** The contact's name, when the change knew it: the offer's push then reads nothing. */
  contactName?: string | null;
  /** Never offered before (a new case entering its queue): nobody missed it yet. */
  firstTime: boolean;
}

export interface RoutingTrigger {
  request(queueId: string | "all"): void;
  /** A case joined (or came back to) its queue: match it against the agents free for it. */
  caseQueued?(queued: QueuedCase): void;
  /** An agent has room again: match them against the cases waiting for them. */
  agentFreed?(agentId: string): void;
}

/** What routing needs to know to place a new case. */
export interface NewCaseFacts {
  channel: Channel;
  contactId: string;
  /** The contact's attributes (assignment rules may look at them); empty for a new contact. */
  contactAttributes: Record<string, unknown>;
  /** The contact's custom field values (rules' `contactFields`); empty for a new contact. */
  contactFields?: Record<string, unknown>;
  /** The case's custom field values (rules' `customFields`): empty for a case just opened. */
  caseFields?: Record<string, unknown>;
  /** The agent who last served the contact, if any (sticky routing). */
  lastAssigneeId: string | null;
  channelAddress: string | null;
  subject: string;
  body: string;
  priority: Priority;
  /** The queue of the mailbox or number it came to, if the channel knows one. */
  queueHint: string | null;
}

/** Routing's answers for a new case: its queue, maybe another priority, the agent to try first. */
export interface QueuePlacement {
  queueId: string | null;
  priority?: Priority;
  stickyAgentId?: string | null;
  /** The assignment rule that chose the queue, and whether it looks at custom fields. */
  rule?: { id: string; onFields: boolean };
}

/** Hooks routing provides to the case core: they decide, and add what they write to the case's plan. */
export interface CaseRoutingHooks {
  /** `executor` is where cached configuration is refreshed from (an open transaction, if any). */
  placeNewCase(executor: Executor, facts: NewCaseFacts): Promise<QueuePlacement>;
  /** What the case core needs to know of a queue (from routing's configuration cache). */
  queueSettings(
    executor: Executor,
    queueId: string,
  ): Promise<{ name: string; dispositionRequired: boolean } | null>;
  /** A case stopped occupying an agent (resolved, closed, transferred, re-queued): e.g. start wrap-up. */
  capacityReleased(
    plan: CasePlan,
    release: { agentId: string; caseId: string; channel: Channel; queueId: string | null; at: Date },
  ): Promise<void>;
}

/**
 * The machine accepted an event on a case. `after` is the row as it will be written; `audit` is the
 * position of the transition's audit row in the plan when state or assignee changed.
 */
export interface CaseTransition {
  before: typeof cases.$inferSelect;
  after: typeof cases.$inferSelect;
  event: { type: string; at: number };
  audit: number | null;
  at: Date;
  context: CaseContext;
}

/** Runs for every accepted case event, adding its rows to the same write (SLA clocks, customer updates). */
export type TransitionHook = (transition: CaseTransition, plan: CasePlan) => Promise<void>;

/** Jobs that the case core schedules; server/jobs registers their handlers. */
export type CaseJobs = Pick<JobCatalogue, "close-resolved-case" | "deliver-interaction">;
