/**
 * One job interface, two drivers: BullMQ when REDIS_URL is set (jobs shared by every process,
 * surviving restarts of any one), in-process otherwise. Handlers are idempotent and re-check the
 * database, because a job can run late, twice, or not at all after a crash — the periodic sweep
 * finds what a lost job should have done.
 */
import type { JobScheduler } from "../../cases/ports.ts";
import type { Jobs, PeriodicJobName, QueueStats } from "./job-catalogue.ts";

export interface JobContext {
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
}

export type JobHandler<T = unknown> = (data: T, context: JobContext) => Promise<void>;

/**
 * Jobs typed against a catalogue (name to payload; the app's by default). Each job runs on the
 * queue of its kind (job-catalogue.ts), and each queue has its own concurrency.
 */
export interface JobQueue<J extends object = Jobs> extends JobScheduler<J> {
  register<K extends keyof J & string>(name: K, handler: JobHandler<J[K]>): void;
  /** Runs `name` every `intervalMs`, one run at a time across all processes. */
  every(name: PeriodicJobName<J>, intervalMs: number): Promise<void>;
  /** Refuses to start unless every job of the catalogue has a handler. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for running ones. */
  close(): Promise<void>;
  /** Each queue's backlog and its recent failures, for admins and /metrics. */
  stats(): Promise<QueueStats[]>;
  /** Runs a failed job again; false when `queue` holds no failed job with that id. */
  retryFailed(queue: string, jobId: string): Promise<boolean>;
  readonly driver: "in-process" | "bullmq";
}

/** Names of the catalogue that have no handler: a process with any refuses to start. */
export function missingHandlers(kindOf: object, handlers: ReadonlyMap<string, unknown>): string[] {
  return Object.keys(kindOf).filter((name) => !handlers.has(name));
}

export interface JobEvents {
  onFailed?(name: string, jobId: string, error: unknown, final: boolean): void;
  onCompleted?(name: string, durationMs: number): void;
}

export const DEFAULT_BACKOFF_MS = 1000;

export function backoffDelay(baseMs: number, attempt: number): number {
  return baseMs * 2 ** (attempt - 1);
}
