/**
 * Jobs in this process, on timers. Same semantics as the BullMQ driver where it matters: a job id
 * that is pending, running or waiting for a retry is not added again; failures retry with
 * exponential backoff. Pending jobs die with the process: every job here is one the sweep or the
 * next start re-derives from the database.
 */
import { randomUUID } from "node:crypto";
import type { EnqueueOptions } from "../../cases/ports.ts";
import {
  backoffDelay,
  DEFAULT_BACKOFF_MS,
  type JobEvents,
  type JobHandler,
  type JobQueue,
} from "./job-queue.ts";

/** setTimeout cannot wait longer than this; longer delays re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

interface Entry {
  name: string;
  /** Delay asked for when enqueued before start(); applied when the queue starts. */
  initialDelayMs: number;
  data: unknown;
  attempts: number;
  backoffMs: number;
  timer?: NodeJS.Timeout;
}

export class InProcessJobQueue implements JobQueue {
  readonly driver = "in-process" as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly jobs = new Map<string, Entry>();
  private readonly running = new Set<Promise<void>>();
  private readonly intervals: NodeJS.Timeout[] = [];
  private started = false;
  private closed = false;

  constructor(private readonly events: JobEvents = {}) {}

  register<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler);
  }

  async enqueue(name: string, data: unknown, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) return;
    const jobId = options.jobId ?? randomUUID();
    if (this.jobs.has(jobId)) return;
    const entry: Entry = {
      name,
      initialDelayMs: options.delayMs ?? 0,
      data,
      attempts: options.attempts ?? 1,
      backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    };
    this.jobs.set(jobId, entry);
    this.arm(jobId, entry, options.delayMs ?? 0, 1);
  }

  async cancel(jobId: string): Promise<void> {
    const entry = this.jobs.get(jobId);
    if (entry?.timer) {
      clearTimeout(entry.timer);
      this.jobs.delete(jobId);
    }
  }

  async every(name: string, intervalMs: number): Promise<void> {
    const tick = () => void this.enqueue(name, {}, { jobId: `every-${name}` });
    const interval = setInterval(tick, intervalMs);
    interval.unref();
    this.intervals.push(interval);
    if (this.started) tick();
  }

  async start(): Promise<void> {
    this.started = true;
    for (const [jobId, entry] of this.jobs) if (!entry.timer) this.arm(jobId, entry, entry.initialDelayMs, 1);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const interval of this.intervals) clearInterval(interval);
    for (const entry of this.jobs.values()) if (entry.timer) clearTimeout(entry.timer);
    this.jobs.clear();
    await Promise.allSettled([...this.running]);
  }

  private arm(jobId: string, entry: Entry, delayMs: number, attempt: number): void {
    if (!this.started) return;
    const wait = Math.min(delayMs, MAX_TIMER_MS);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (delayMs > MAX_TIMER_MS) return this.arm(jobId, entry, delayMs - MAX_TIMER_MS, attempt);
      const run = this.run(jobId, entry, attempt);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, wait);
  }

  private async run(jobId: string, entry: Entry, attempt: number): Promise<void> {
    const handler = this.handlers.get(entry.name);
    const started = performance.now();
    try {
      if (!handler) throw new Error(`No handler registered for job '${entry.name}'.`);
      await handler(entry.data, { jobId, attempt, maxAttempts: entry.attempts });
      this.jobs.delete(jobId);
      this.events.onCompleted?.(entry.name, performance.now() - started);
    } catch (error) {
      const final = attempt >= entry.attempts || this.closed || isUnrecoverable(error);
      this.events.onFailed?.(entry.name, jobId, error, final);
      if (final) this.jobs.delete(jobId);
      else this.arm(jobId, entry, backoffDelay(entry.backoffMs, attempt), attempt + 1);
    }
  }
}

function isUnrecoverable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "INVALID" || code === "AUTH";
}
