/**
 * Which queue every job runs on. Jobs are queued by kind, each kind with its own concurrency, so a
 * long job of one kind never waits for, or holds up, a job of another: a 100,000-row import
 * (bulk) runs beside offer expiry (realtime) instead of in front of it.
 *
 * The payload types live where each job is defined (they extend `JobCatalogue` in cases/ports.ts);
 * this map must name every one of them — tsc refuses a job without a queue or a queue entry for a
 * job that does not exist.
 */
import type { JobCatalogue, JobName } from "../../cases/ports.ts";

export const JOB_KINDS = ["realtime", "delivery", "periodic", "bulk"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Jobs the server itself schedules (the domain's own are declared beside their code). */
export interface SystemJobs {
  /** Repairs what lost jobs should have done: overdue offers, waiting cases, stranded outbound, due closes, vanished agents. */
  "maintenance-sweep": Record<string, never>;
  /** The disconnect grace period of an agent ran out: offline if no console reconnected. */
  "check-agent-connection": { agentId: string };
  /** Live queue figures to supervisors and places in line to visitors, once a second. */
  "push-live-stats": Record<string, never>;
  /** Flag SLA targets that became at risk or breached, and run escalation rules on them. */
  "sla-monitor": Record<string, never>;
}

declare module "../../cases/ports.ts" {
  interface JobCatalogue extends SystemJobs {}
}

/** The whole app's jobs: name to payload. */
export type Jobs = JobCatalogue;

/** Where each job runs, for any catalogue (tests use small ones of their own). */
export type QueueLayout<J> = {
  kindOf: { [K in keyof J]: JobKind };
  concurrency: Record<JobKind, number>;
};

export const JOB_KIND_OF = {
  // Someone is waiting on these within seconds: an offer ringing, an agent's wrap-up ending, a
  // caller on hold, a console that dropped.
  "expire-offer": "realtime",
  "route-queue": "realtime",
  "check-agent-connection": "realtime",
  "voice-wait-timeout": "realtime",
  "close-resolved-case": "realtime",
  // Messages leaving for providers: retried with backoff, must not queue behind timers' bursts.
  "deliver-interaction": "delivery",
  "send-status-update": "delivery",
  "send-system-mail": "delivery",
  // Repeating work, one run at a time per name; a late run is only a stale figure.
  "maintenance-sweep": "periodic",
  "push-live-stats": "periodic",
  "push-live-metrics": "periodic",
  "sla-monitor": "periodic",
  "metrics-intervals": "periodic",
  "outbound-dialer": "periodic",
  // Long jobs over many rows.
  "outbound-import": "bulk",
  "run-export": "bulk",
} as const satisfies Record<JobName, JobKind>;

/**
 * Default concurrency per kind, per process. Periodic gets four, not one: six periodic jobs share
 * it and two of them (the sweep, interval figures) can take seconds, which must not hold up the
 * once-a-second live pushes. Bulk gets one: an import is already batched and a second at once
 * would only compete for the database with the first.
 */
export const DEFAULT_CONCURRENCY: Record<JobKind, number> = {
  realtime: 8,
  delivery: 8,
  periodic: 4,
  bulk: 1,
};

export function appQueueLayout(concurrency: Partial<Record<JobKind, number>> = {}): QueueLayout<Jobs> {
  return { kindOf: JOB_KIND_OF, concurrency: { ...DEFAULT_CONCURRENCY, ...concurrency } };
}

/** Names of jobs that take no payload: the only ones that can run on an interval. */
export type PeriodicJobName<J> = {
  [K in keyof J & string]: J[K] extends Record<string, never> ? K : never;
}[keyof J & string];

/** What an admin sees of one failed job: no payload, since it may hold anything a handler got. */
export interface FailedJob {
  id: string;
  name: string;
  /** The error's message, cut short; never the payload or a stack. */
  error: string;
  failedAt: Date;
  attempts: number;
}

export interface QueueStats {
  queue: JobKind;
  kind: JobKind;
  concurrency: number;
  waiting: number;
  delayed: number;
  active: number;
  /** Seconds the oldest job ready to run has been waiting; null when none is. */
  oldestWaitingSeconds: number | null;
  /** Failed jobs kept (the most recent ones), retryable. */
  failed: number;
  recentFailed: FailedJob[];
}

/** How many failed jobs each queue keeps for inspection and retry. */
export const FAILED_KEPT = 1000;
export const RECENT_FAILED_SHOWN = 20;

/** An error's message as an admin may see it: one line, bounded. */
export function failureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
