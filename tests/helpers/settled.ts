/**
 * Waiting on the signals a running app gives instead of sleeping: a job's runs completing, a kind
 * of job queue drained, routing with nothing left in flight. A "nothing happened" check waits on
 * one of these first, so it looks after the system got past the point where it would have acted.
 */
import { expect } from "vitest";
import type { JobName } from "../../cases/ports.ts";
import type { JobKind } from "../../server/jobs/job-catalogue.ts";
import type { Services } from "../../server/services.ts";

type Running = { services: Services };

/** Runs of one job completed in this process so far, from the app's own job counter. */
export async function completedJobRuns(app: Running, name: JobName): Promise<number> {
  const { values } = await app.services.metrics.jobs.get();
  return values
    .filter((value) => value.labels.name === name && value.labels.outcome === "completed")
    .reduce((sum, value) => sum + value.value, 0);
}

/**
 * Resolves once `runs` more runs of a job have completed in this process. The default of two proves
 * that one whole run started after the call: the first may have been under way already.
 */
export async function jobRunsCompleted(
  app: Running,
  name: JobName,
  runs = 2,
  timeoutMs = 20_000,
): Promise<void> {
  const before = await completedJobRuns(app, name);
  await expect
    .poll(() => completedJobRuns(app, name), { timeout: timeoutMs, interval: 20 })
    .toBeGreaterThanOrEqual(before + runs);
}

/** Resolves once no job of this kind is waiting, delayed or running. */
export async function jobQueueDrained(app: Running, kind: JobKind, timeoutMs = 20_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const stats = (await app.services.jobs.stats()).find((queue) => queue.kind === kind)!;
        return stats.waiting + stats.delayed + stats.active;
      },
      { timeout: timeoutMs, interval: 20 },
    )
    .toBe(0);
}

/**
 * Runs one more routing pass (over one queue, or every queue) in this process and waits until
 * routing has nothing in flight: whatever routing would offer now has been offered.
 */
export async function routingSettled(app: Running, queueId?: string | null): Promise<void> {
  const runner = app.services.routingRunner;
  await runner.idle();
  runner.request(queueId ?? "all");
  await runner.idle();
}
