/**
 * Jobs on BullMQ: shared by every server process through Redis. Job ids make scheduling
 * idempotent (BullMQ ignores an id it already holds), completed jobs are removed so the same id can
 * be scheduled again later, and job schedulers run periodic work once per interval across all
 * processes.
 */
import { Queue, UnrecoverableError, Worker } from "bullmq";
import type { EnqueueOptions } from "../../cases/ports.ts";
import { DEFAULT_BACKOFF_MS, type JobEvents, type JobHandler, type JobQueue } from "./job-queue.ts";

const QUEUE_NAME = "jobs";

export interface BullMqOptions {
  redisUrl: string;
  /** Key prefix in Redis; lets several deployments (or test runs) share one Redis. */
  prefix: string;
  concurrency?: number;
}

export class BullMqJobQueue implements JobQueue {
  readonly driver = "bullmq" as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly queue: Queue;
  private worker?: Worker;

  constructor(
    private readonly options: BullMqOptions,
    private readonly events: JobEvents = {},
  ) {
    this.queue = new Queue(QUEUE_NAME, {
      connection: { url: options.redisUrl, maxRetriesPerRequest: null },
      prefix: options.prefix,
    });
  }

  register<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler);
  }

  async enqueue(name: string, data: unknown, options: EnqueueOptions = {}): Promise<void> {
    await this.queue.add(name, data, {
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
      attempts: options.attempts ?? 1,
      backoff: { type: "exponential", delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
  }

  async cancel(jobId: string): Promise<void> {
    await this.queue.remove(jobId);
  }

  async every(name: string, intervalMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      `every-${name}`,
      { every: intervalMs },
      { name, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }

  async start(): Promise<void> {
    this.worker = new Worker(
      QUEUE_NAME,
      async (job) => {
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
          const final =
            code === "INVALID" || code === "AUTH" || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          this.events.onFailed?.(job.name, job.id ?? "", error, final);
          if (code === "INVALID" || code === "AUTH") throw new UnrecoverableError((error as Error).message);
          throw error;
        }
        this.events.onCompleted?.(job.name, performance.now() - started);
      },
      {
        connection: { url: this.options.redisUrl, maxRetriesPerRequest: null },
        prefix: this.options.prefix,
        concurrency: this.options.concurrency ?? 8,
      },
    );
    this.worker.on("error", (error) => this.events.onFailed?.("worker", "", error, false));
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
