/**
 * Before jobs were queued by kind, every job lived in one BullMQ queue named "jobs". A process of
 * this version moves what is still pending there (delayed offer expiries, deliveries waiting for a
 * retry, customer updates held through quiet hours) onto the queue of its kind, with the time it
 * had left, and drops the old queue's schedulers (start-up schedules them again per kind). Failed
 * jobs stay where they are. Safe to run from several processes at once: ids deduplicate.
 */
import { Queue } from "bullmq";
import type { EnqueueOptions } from "../../cases/ports.ts";

const LEGACY_QUEUE = "jobs";
const MOVE_BATCH = 500;

export async function drainLegacyQueue(
  connection: { redisUrl: string; prefix: string },
  enqueue: (name: string, data: unknown, options: EnqueueOptions) => Promise<void>,
  knows: (name: string) => boolean,
): Promise<number> {
  const legacy = new Queue(LEGACY_QUEUE, {
    connection: { url: connection.redisUrl, maxRetriesPerRequest: null },
    prefix: connection.prefix,
  });
  let moved = 0;
  try {
    for (const scheduler of await legacy.getJobSchedulers()) {
      if (scheduler.key) await legacy.removeJobScheduler(scheduler.key);
    }
    // Bounded: a job another process removes first is simply gone on the next round.
    for (let round = 0; round < 10_000; round++) {
      const jobs = await legacy.getJobs(["waiting", "delayed", "prioritized"], 0, MOVE_BATCH - 1);
      if (!jobs.length) break;
      const now = Date.now();
      for (const job of jobs) {
        if (knows(job.name) && !job.repeatJobKey) {
          const backoff = job.opts.backoff;
          await enqueue(job.name, job.data, {
            // BullMQ's own ids are integers, which it refuses as custom ids.
            ...(job.id && !/^\d+$/.test(job.id) ? { jobId: job.id } : {}),
            delayMs: Math.max(0, job.timestamp + (job.delay ?? 0) - now),
            attempts: job.opts.attempts ?? 1,
            ...(typeof backoff === "object" && backoff.delay ? { backoffMs: backoff.delay } : {}),
          });
          moved++;
        }
        await job.remove().catch(() => {});
      }
    }
  } finally {
    await legacy.close();
  }
  return moved;
}
