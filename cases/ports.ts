/**
 * The small interfaces through which the domain reaches the outside world. The composition root
 * (server/app.ts) passes implementations in; tests pass the same real ones.
 */
import type { Tx } from "../db/connect.ts";
import type { Channel, cases, Priority } from "../db/schema/cases.ts";
import type { DomainEvent } from "./events.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

export interface EnqueueOptions {
  /** Deterministic id (no ':'): enqueueing the same id again while it is pending is a no-op. */
  jobId?: string;
  delayMs?: number;
  /** Total tries including the first (default 1). */
  attempts?: number;
  /** Base of the exponential backoff between tries (default 1000 ms). */
  backoffMs?: number;
}

/** Schedules background work. `J` maps job names to their payloads; payloads hold ids, never secrets. */
export interface JobScheduler<J> {
  enqueue<K extends keyof J & string>(name: K, data: J[K], options?: EnqueueOptions): Promise<void>;
  cancel(jobId: string): Promise<void>;
}

export interface EventSink {
  publish(events: readonly DomainEvent[]): void;
}

export type Clock = () => Date;

/**
 * Asks routing to look at a queue (or every queue) soon. Called after commit; the implementation
 * coalesces bursts, so calling it for every change is cheap.
 */
export interface RoutingTrigger {
  request(queueId: string | "all"): void;
}

/** What routing needs to know to place a new case. */
export interface NewCaseFacts {
  channel: Channel;
  contactId: string;
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
}

/** Hooks routing provides to the case core; they run inside the case's transaction. */
export interface CaseRoutingHooks {
  placeNewCase(tx: Tx, facts: NewCaseFacts): Promise<QueuePlacement>;
  /** A case stopped occupying an agent (resolved, closed, transferred, re-queued): e.g. start wrap-up. */
  capacityReleased(
    tx: Tx,
    uow: UnitOfWork,
    release: { agentId: string; caseId: string; channel: Channel; queueId: string | null; at: Date },
  ): Promise<void>;
}

/** The machine accepted an event on a case; `auditId` is the audit row when state or assignee changed. */
export interface CaseTransition {
  before: typeof cases.$inferSelect;
  after: typeof cases.$inferSelect;
  event: { type: string; at: number };
  auditId: number | null;
  at: Date;
}

/** Runs inside the transaction of every accepted case event (e.g. to decide a customer update). */
export type TransitionHook = (tx: Tx, uow: UnitOfWork, transition: CaseTransition) => Promise<void>;

/** Jobs that the case core schedules; server/jobs registers their handlers. */
export type CaseJobs = {
  /** Close a resolved case once its close delay has passed (the handler re-checks). */
  "close-resolved-case": { caseId: string };
  /** Deliver one queued outbound interaction through its channel. */
  "deliver-interaction": { interactionId: string };
};
