/**
 * One job interface, two drivers: BullMQ when REDIS_URL is set (jobs shared by every process,
 * surviving restarts of any one), in-process otherwise. Handlers are idempotent and re-check the
 * database, because a job can run late, twice, or not at all after a crash — the periodic sweep
 * finds what a lost job should have done.
 */
import type { EnqueueOptions } from "../../cases/ports.ts";

export interface JobContext {
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
}

export type JobHandler<T = unknown> = (data: T, context: JobContext) => Promise<void>;

export interface JobQueue {
  register<T>(name: string, handler: JobHandler<T>, options?: { concurrency?: number }): void;
  enqueue(name: string, data: unknown, options?: EnqueueOptions): Promise<void>;
  cancel(jobId: string): Promise<void>;
  /** Runs `name` every `intervalMs`, one run at a time across all processes. */
  every(name: string, intervalMs: number): Promise<void>;
  start(): Promise<void>;
  /** Stops taking jobs and waits for running ones. */
  close(): Promise<void>;
  readonly driver: "in-process" | "bullmq";
}

export interface JobEvents {
  onFailed?(name: string, jobId: string, error: unknown, final: boolean): void;
  onCompleted?(name: string, durationMs: number): void;
}

export const DEFAULT_BACKOFF_MS = 1000;

export function backoffDelay(baseMs: number, attempt: number): number {
  return baseMs * 2 ** (attempt - 1);
}
