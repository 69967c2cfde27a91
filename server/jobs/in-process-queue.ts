/**
 * Jobs in this process, on timers. Same semantics as the BullMQ driver where it matters: a job id
 * that is pending, running or waiting for a retry is not added again; failures retry with
 * exponential backoff; each kind of job has its own lane with its own concurrency, so a long bulk
 * job never holds up a realtime one. Pending jobs die with the process: every job here is one the
 * sweep or the next start re-derives from the database. Failed jobs are kept (bounded) to be seen
 * and retried by an admin.
 */
import { randomUUID } from "node:crypto";
import type { EnqueueOptions } from "../../cases/ports.ts";
import {
  appQueueLayout,
  FAILED_KEPT,
  type FailedJob,
  failureMessage,
  JOB_KINDS,
  type JobKind,
  type Jobs,
  type PeriodicJobName,
  type QueueLayout,
  type QueueStats,
  RECENT_FAILED_SHOWN,
} from "./job-catalogue.ts";
import {
  backoffDelay,
  DEFAULT_BACKOFF_MS,
  type JobEvents,
  type JobHandler,
  type JobQueue,
  missingHandlers,
} from "./job-queue.ts";

/** setTimeout cannot wait longer than this; longer delays re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

interface Entry {
  jobId: string;
  name: string;
  /** Delay asked for when enqueued before start(); applied when the queue starts. */
  initialDelayMs: number;
  data: unknown;
  attempts: number;
  backoffMs: number;
  /** The try this entry runs as next (1 first). */
  attempt: number;
  state: "delayed" | "waiting" | "active";
  /** When it became ready to run (for the oldest-waiting figure). */
  readyAt: number;
  timer?: NodeJS.Timeout;
}

interface Lane {
  kind: JobKind;
  concurrency: number;
  /** Ready to run, oldest first. */
  ready: Entry[];
  active: number;
  delayed: number;
  /** Most recent first. */
  failed: (FailedJob & { entry: Entry })[];
}

export class InProcessJobQueue<J extends object = Jobs> implements JobQueue<J> {
  readonly driver = "in-process" as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly jobs = new Map<string, Entry>();
  private readonly lanes: Map<JobKind, Lane>;
  private readonly running = new Set<Promise<void>>();
  private readonly intervals: NodeJS.Timeout[] = [];
  private readonly layout: QueueLayout<J>;
  private started = false;
  private closed = false;

  constructor(
    private readonly events: JobEvents = {},
    layout?: QueueLayout<J>,
  ) {
    this.layout = layout ?? (appQueueLayout() as unknown as QueueLayout<J>);
    this.lanes = new Map(
      JOB_KINDS.map((kind) => [
        kind,
        { kind, concurrency: this.layout.concurrency[kind], ready: [], active: 0, delayed: 0, failed: [] },
      ]),
    );
  }

  register<K extends keyof J & string>(name: K, handler: JobHandler<J[K]>): void {
    this.handlers.set(name, handler as JobHandler);
  }

  async enqueue<K extends keyof J & string>(
    name: K,
    data: J[K],
    options: EnqueueOptions = {},
  ): Promise<void> {
    if (this.closed) return;
    const jobId = options.jobId ?? randomUUID();
    if (this.jobs.has(jobId)) return;
    const entry: Entry = {
      jobId,
      name,
      initialDelayMs: options.delayMs ?? 0,
      data,
      attempts: options.attempts ?? 1,
      backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
      attempt: 1,
      state: "delayed",
      readyAt: 0,
    };
    this.jobs.set(jobId, entry);
    this.lane(entry).delayed++;
    this.arm(entry, options.delayMs ?? 0);
  }

  async cancel(_name: keyof J & string, jobId: string): Promise<void> {
    const entry = this.jobs.get(jobId);
    if (!entry || entry.state === "active") return;
    const lane = this.lane(entry);
    if (entry.state === "delayed") {
      if (entry.timer) clearTimeout(entry.timer);
      lane.delayed--;
    } else {
      lane.ready.splice(lane.ready.indexOf(entry), 1);
    }
    this.jobs.delete(jobId);
  }

  async every(name: PeriodicJobName<J>, intervalMs: number): Promise<void> {
    const tick = () => void this.enqueue(name, {} as J[typeof name], { jobId: `every-${name}` });
    const interval = setInterval(tick, intervalMs);
    interval.unref();
    this.intervals.push(interval);
    if (this.started) tick();
  }

  async start(): Promise<void> {
    const missing = missingHandlers(this.layout.kindOf, this.handlers);
    if (missing.length) throw new Error(`No handler registered for job(s): ${missing.join(", ")}.`);
    this.started = true;
    for (const entry of this.jobs.values()) if (!entry.timer) this.arm(entry, entry.initialDelayMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const interval of this.intervals) clearInterval(interval);
    for (const entry of this.jobs.values()) if (entry.timer) clearTimeout(entry.timer);
    this.jobs.clear();
    for (const lane of this.lanes.values()) lane.ready.length = 0;
    await Promise.allSettled([...this.running]);
  }

  async stats(): Promise<QueueStats[]> {
    const now = Date.now();
    return [...this.lanes.values()].map((lane) => ({
      queue: lane.kind,
      kind: lane.kind,
      concurrency: lane.concurrency,
      waiting: lane.ready.length,
      delayed: lane.delayed,
      active: lane.active,
      oldestWaitingSeconds: lane.ready[0] ? (now - lane.ready[0].readyAt) / 1000 : null,
      failed: lane.failed.length,
      recentFailed: lane.failed.slice(0, RECENT_FAILED_SHOWN).map(({ entry: _entry, ...job }) => job),
    }));
  }

  async retryFailed(queue: string, jobId: string): Promise<boolean> {
    const lane = this.lanes.get(queue as JobKind);
    const index = lane?.failed.findIndex((job) => job.id === jobId) ?? -1;
    if (!lane || index < 0) return false;
    const { entry } = lane.failed.splice(index, 1)[0]!;
    // The same id enqueued again since (e.g. by the sweep) is already on its way.
    if (this.jobs.has(jobId) || this.closed) return true;
    // A retry gets its full number of tries again, as on BullMQ.
    const again: Entry = { ...entry, attempt: 1, state: "delayed", timer: undefined };
    this.jobs.set(jobId, again);
    lane.delayed++;
    this.arm(again, 0);
    return true;
  }

  private lane(entry: Entry): Lane {
    return this.lanes.get(this.layout.kindOf[entry.name as keyof J])!;
  }

  private arm(entry: Entry, delayMs: number): void {
    if (!this.started) return;
    const wait = Math.min(delayMs, MAX_TIMER_MS);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (delayMs > MAX_TIMER_MS) return this.arm(entry, delayMs - MAX_TIMER_MS);
      const lane = this.lane(entry);
      lane.delayed--;
      entry.state = "waiting";
      entry.readyAt = Date.now();
      lane.ready.push(entry);
      this.pump(lane);
    }, wait);
  }

  /** Starts ready jobs of a lane while it has room. */
  private pump(lane: Lane): void {
    while (lane.active < lane.concurrency && lane.ready.length && !this.closed) {
      const entry = lane.ready.shift()!;
      entry.state = "active";
      lane.active++;
      const run = this.run(entry, lane).finally(() => {
        lane.active--;
        this.running.delete(run);
        this.pump(lane);
      });
      this.running.add(run);
    }
  }

  private async run(entry: Entry, lane: Lane): Promise<void> {
    const handler = this.handlers.get(entry.name);
    const started = performance.now();
    const attempt = entry.attempt;
    try {
      if (!handler) throw new Error(`No handler registered for job '${entry.name}'.`);
      await handler(entry.data, { jobId: entry.jobId, attempt, maxAttempts: entry.attempts });
      this.jobs.delete(entry.jobId);
      this.events.onCompleted?.(entry.name, performance.now() - started);
    } catch (error) {
      const final = attempt >= entry.attempts || this.closed || isUnrecoverable(error);
      this.events.onFailed?.(entry.name, entry.jobId, error, final);
      if (final) {
        this.jobs.delete(entry.jobId);
        if (this.closed) return;
        lane.failed.unshift({
          id: entry.jobId,
          name: entry.name,
          error: failureMessage(error),
          failedAt: new Date(),
          attempts: attempt,
          entry,
        });
        if (lane.failed.length > FAILED_KEPT) lane.failed.length = FAILED_KEPT;
      } else {
        entry.attempt = attempt + 1;
        entry.state = "delayed";
        lane.delayed++;
        this.arm(entry, backoffDelay(entry.backoffMs, attempt));
      }
    }
  }
}

function isUnrecoverable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "INVALID" || code === "AUTH";
}
