/**
 * The two job drivers keep one contract: ids deduplicate, failures retry with backoff, provider
 * errors that cannot pass are not retried, periodic jobs run. The BullMQ half runs on real Redis
 * when TEST_REDIS_URL is set.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../cases/errors.ts";
import { BullMqJobQueue } from "../../server/jobs/bullmq-queue.ts";
import { InProcessJobQueue } from "../../server/jobs/in-process-queue.ts";
import type { JobEvents, JobQueue } from "../../server/jobs/job-queue.ts";
import { clearRedisPrefix } from "../helpers/build-app.ts";

const redisUrl = process.env.TEST_REDIS_URL;
const drivers: [string, (events: JobEvents) => { queue: JobQueue; cleanup: () => Promise<void> }][] = [
  ["in-process", (events) => ({ queue: new InProcessJobQueue(events), cleanup: async () => {} })],
];
if (redisUrl) {
  drivers.push([
    "bullmq",
    (events) => {
      const prefix = `sbt-jobs-${randomBytes(4).toString("hex")}`;
      return {
        queue: new BullMqJobQueue({ redisUrl, prefix }, events),
        cleanup: () => clearRedisPrefix(redisUrl, prefix),
      };
    },
  ]);
}

describe.each(drivers)("%s job queue", (_name, make) => {
  let current: { queue: JobQueue; cleanup: () => Promise<void> } | undefined;
  const failures: { name: string; final: boolean; message: string }[] = [];
  const open = () => {
    failures.length = 0;
    current = make({
      onFailed: (name, _id, error, final) =>
        failures.push({ name, final, message: (error as Error).message }),
    });
    return current.queue;
  };
  afterEach(async () => {
    await current?.queue.close();
    await current?.cleanup();
  });

  it("runs a job with its data, once per id while it is pending", async () => {
    const queue = open();
    const seen: unknown[] = [];
    queue.register("record", async (data) => {
      seen.push(data);
    });
    await queue.start();
    await queue.enqueue("record", { n: 1 }, { jobId: "same-id", delayMs: 300 });
    await queue.enqueue("record", { n: 2 }, { jobId: "same-id", delayMs: 300 });
    await queue.enqueue("record", { n: 3 });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(2);
    expect(seen).toContainEqual({ n: 1 });
    expect(seen).toContainEqual({ n: 3 });
    expect(seen).not.toContainEqual({ n: 2 });
  });

  it("retries a failing job with backoff until it succeeds", async () => {
    const queue = open();
    const attempts: number[] = [];
    queue.register("flaky", async (_data, context) => {
      attempts.push(context.attempt);
      if (context.attempt < 3) throw new Error(`try ${context.attempt} failed`);
    });
    await queue.start();
    await queue.enqueue("flaky", {}, { attempts: 5, backoffMs: 50 });
    await expect.poll(() => attempts, { timeout: 10_000 }).toEqual([1, 2, 3]);
    expect(failures.map((f) => f.final)).toEqual([false, false]);
  });

  it("gives up after the last attempt and reports it as final", async () => {
    const queue = open();
    queue.register("broken", async () => {
      throw new Error("always");
    });
    await queue.start();
    await queue.enqueue("broken", {}, { attempts: 2, backoffMs: 20 });
    await expect.poll(() => failures.filter((f) => f.final).length, { timeout: 10_000 }).toBe(1);
    expect(failures).toHaveLength(2);
  });

  it("does not retry an error a retry cannot fix", async () => {
    const queue = open();
    let runs = 0;
    queue.register("invalid", async () => {
      runs++;
      throw new AppError("INVALID", "The provider refused the number.");
    });
    await queue.start();
    await queue.enqueue("invalid", {}, { attempts: 5, backoffMs: 20 });
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
    expect(failures[0]).toMatchObject({ final: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runs).toBe(1);
  });

  it("runs periodic work", async () => {
    const queue = open();
    let ticks = 0;
    queue.register("tick", async () => {
      ticks++;
    });
    await queue.every("tick", 100);
    await queue.start();
    await expect.poll(() => ticks, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  });
});
