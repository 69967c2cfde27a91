/**
 * Jobs on BullMQ: shared by every server process through Redis. One queue and one worker per kind
 * of job (realtime, delivery, periodic, bulk), each worker with its own concurrency and its own
 * blocking connection, so a long bulk job never holds a slot a realtime job needs. Job ids make
 * scheduling idempotent (BullMQ ignores an id it already holds), completed jobs are removed so the
 * same id can be scheduled again later, failed ones are kept (bounded) to be seen and retried, and
 * job schedulers run periodic work once per interval across all processes.
 */
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { EnqueueOptions } from "../../cases/ports.ts";
import {
  appQueueLayout,
  FAILED_KEPT,
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
  DEFAULT_BACKOFF_MS,
  type JobEvents,
  type JobHandler,
  type JobQueue,
  missingHandlers,
} from "./job-queue.ts";
import { drainLegacyQueue } from "./legacy-queue.ts";

export interface BullMqOptions<J> {
  redisUrl: string;
  /** Key prefix in Redis; lets several deployments (or test runs) share one Redis. */
  prefix: string;
  layout?: QueueLayout<J>;
}

export class BullMqJobQueue<J extends object = Jobs> implements JobQueue<J> {
  readonly driver = "bullmq" as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly queues: Map<JobKind, Queue>;
  private readonly workers: Worker[] = [];
  private readonly layout: QueueLayout<J>;

  constructor(
    private readonly options: BullMqOptions<J>,
    private readonly events: JobEvents = {},
  ) {
    this.layout = options.layout ?? (appQueueLayout() as unknown as QueueLayout<J>);
    this.queues = new Map(
      JOB_KINDS.map((kind) => [
        kind,
        new Queue(kind, {
          connection: { url: options.redisUrl, maxRetriesPerRequest: null },
          prefix: options.prefix,
        }),
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
    await this.queueOf(name).add(name, data, {
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
      attempts: options.attempts ?? 1,
      backoff: { type: "exponential", delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: { count: FAILED_KEPT },
    });
  }

  async cancel(name: keyof J & string, jobId: string): Promise<void> {
    await this.queueOf(name).remove(jobId);
  }

  async every(name: PeriodicJobName<J>, intervalMs: number): Promise<void> {
    await this.queueOf(name).upsertJobScheduler(
      `every-${name}`,
      { every: intervalMs },
      { name, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }

  async start(): Promise<void> {
    const missing = missingHandlers(this.layout.kindOf, this.handlers);
    if (missing.length) throw new Error(`No handler registered for job(s): ${missing.join(", ")}.`);
    await drainLegacyQueue(
      this.options,
      (name, data, options) => this.enqueue(name as keyof J & string, data as J[keyof J & string], options),
      (name) => Object.hasOwn(this.layout.kindOf, name),
    );
    for (const kind of JOB_KINDS) {
      const worker = new Worker(kind, (job) => this.process(job), {
        connection: { url: this.options.redisUrl, maxRetriesPerRequest: null },
        prefix: this.options.prefix,
        concurrency: this.layout.concurrency[kind],
      });
      worker.on("error", (error) => this.events.onFailed?.(`worker:${kind}`, "", error, false));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  async stats(): Promise<QueueStats[]> {
    const now = Date.now();
    return Promise.all(
      JOB_KINDS.map(async (kind) => {
        const queue = this.queues.get(kind)!;
        const [counts, [oldest], failed] = await Promise.all([
          queue.getJobCounts("waiting", "prioritized", "delayed", "active", "failed"),
          // Ascending: the job at the head of the list, next to run and waiting longest.
          queue.getJobs(["waiting"], 0, 0, true),
          queue.getFailed(0, RECENT_FAILED_SHOWN - 1),
        ]);
        return {
          queue: kind,
          kind,
          concurrency: this.layout.concurrency[kind],
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          delayed: counts.delayed ?? 0,
          active: counts.active ?? 0,
          oldestWaitingSeconds: oldest ? Math.max(0, now - readySince(oldest)) / 1000 : null,
          failed: counts.failed ?? 0,
          recentFailed: failed.map((job) => ({
            id: job.id ?? "",
            name: job.name,
            error: failureMessage(job.failedReason ?? ""),
            failedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp),
            attempts: job.attemptsMade,
          })),
        };
      }),
    );
  }

  async retryFailed(queue: string, jobId: string): Promise<boolean> {
    const bull = this.queues.get(queue as JobKind);
    const job = bull ? await bull.getJob(jobId) : undefined;
    if (!job || !(await job.isFailed())) return false;
    // A retry gets its full number of tries again.
    await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  private queueOf(name: keyof J): Queue {
    return this.queues.get(this.layout.kindOf[name])!;
  }

  private async process(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`No handler registered for job '${job.name}'.`);
    const started = performance.now();
    try {
      await handler(job.data, {
        jobId: job.id ?? "",
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
      });
    } catch (error) {
      const code = (error as { code?: string } | null)?.code;
      const unrecoverable = code === "INVALID" || code === "AUTH";
      const final = unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.events.onFailed?.(job.name, job.id ?? "", error, final);
      if (unrecoverable) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
    this.events.onCompleted?.(job.name, performance.now() - started);
  }
}

/** When a waiting job became ready: enqueued, plus its delay if it had one. */
function readySince(job: Job): number {
  return job.timestamp + (job.delay ?? 0);
}
