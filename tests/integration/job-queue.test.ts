/**
 * The two job drivers keep one contract: ids deduplicate, failures retry with backoff, provider
 * errors that cannot pass are not retried, periodic jobs run, each kind of job has its own queue
 * and concurrency, failures are listed and can be retried. The BullMQ half runs on real Redis: without
 * TEST_REDIS_URL it is reported as skipped, never left out silently.
 */
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { afterEach, describe, expect, inject, it } from "vitest";
import { AppError } from "../../cases/errors.ts";
import { BullMqJobQueue } from "../../server/jobs/bullmq-queue.ts";
import { InProcessJobQueue } from "../../server/jobs/in-process-queue.ts";
import { DEFAULT_CONCURRENCY, type QueueLayout } from "../../server/jobs/job-catalogue.ts";
import type { JobEvents, JobQueue } from "../../server/jobs/job-queue.ts";
import { clearRedisPrefix } from "../helpers/build-app.ts";

/** A catalogue of this test's own: the drivers are generic over it. */
type TestJobs = {
  record: { n: number };
  flaky: Record<string, never>;
  broken: Record<string, never>;
  invalid: Record<string, never>;
  tick: Record<string, never>;
};
const layout: QueueLayout<TestJobs> = {
  kindOf: {
    record: "realtime",
    flaky: "delivery",
    broken: "delivery",
    invalid: "delivery",
    tick: "periodic",
  },
  concurrency: DEFAULT_CONCURRENCY,
};
const noop = async () => {};

type Opened<J extends object> = { queue: JobQueue<J>; cleanup: () => Promise<void> };
/** Opens a queue of a driver over any catalogue. */
type Driver = <J extends object>(events: JobEvents, layout: QueueLayout<J>) => Opened<J>;

const redisUrl = process.env.TEST_REDIS_URL;
const inProcess: Driver = (events, layout) => ({
  queue: new InProcessJobQueue(events, layout),
  cleanup: async () => {},
});
const bullMq: Driver = (events, layout) => {
  const prefix = `${inject("redisRunPrefix")}-jobs-${randomBytes(4).toString("hex")}`;
  return {
    queue: new BullMqJobQueue({ redisUrl: redisUrl!, prefix, layout }, events),
    cleanup: () => clearRedisPrefix(redisUrl!, prefix),
  };
};

describe("in-process job queue", () => jobQueueContract(inProcess));
describe.skipIf(!redisUrl)("bullmq job queue (needs TEST_REDIS_URL)", () => jobQueueContract(bullMq));
describe("in-process job queues by kind", () => queuesByKind(inProcess));
describe.skipIf(!redisUrl)("bullmq job queues by kind (needs TEST_REDIS_URL)", () => queuesByKind(bullMq));

function jobQueueContract(make: Driver) {
  let current: Opened<TestJobs> | undefined;
  const failures: { name: string; final: boolean; message: string }[] = [];
  const open = () => {
    failures.length = 0;
    current = make(
      {
        onFailed: (name, _id, error, final) =>
          failures.push({ name, final, message: (error as Error).message }),
      },
      layout,
    );
    // Every job of the catalogue needs a handler before start(); each test replaces the one it uses.
    for (const name of Object.keys(layout.kindOf) as (keyof TestJobs)[]) current.queue.register(name, noop);
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
    let laterRan = false;
    queue.register("flaky", async () => {
      laterRan = true;
    });
    await queue.start();
    await queue.enqueue("invalid", {}, { attempts: 5, backoffMs: 20 });
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
    expect(failures[0]).toMatchObject({ final: true });
    // A retry would have been due 20 ms after the failure. A job on the same queue due ten times
    // later has run, so the queue is past the point where the retry would have run.
    await queue.enqueue("flaky", {}, { delayMs: 200 });
    await expect.poll(() => laterRan, { timeout: 10_000 }).toBe(true);
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
}

function queuesByKind(make: Driver) {
  let current: { queue: { close(): Promise<void> }; cleanup: () => Promise<void> } | undefined;
  afterEach(async () => {
    await current?.queue.close();
    await current?.cleanup();
  });

  it("refuses to start while a job of the catalogue has no handler", async () => {
    const opened = make({}, layout);
    current = opened;
    opened.queue.register("record", noop);
    await expect(opened.queue.start()).rejects.toThrow(/flaky, broken, invalid, tick/);
  });

  it("runs a realtime job at once while long bulk jobs fill more slots than any queue has", async () => {
    type KindJobs = { slow: { n: number }; urgent: Record<string, never> };
    const kinds: QueueLayout<KindJobs> = {
      kindOf: { slow: "bulk", urgent: "realtime" },
      concurrency: { realtime: 8, delivery: 8, periodic: 4, bulk: 1 },
    };
    const opened = make({}, kinds);
    current = opened;
    const { queue } = opened;
    let slowStarted = 0;
    let releaseSlow: () => void = () => {};
    const slowDone = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    queue.register("slow", async () => {
      slowStarted++;
      await slowDone;
    });
    let urgentRanAt = 0;
    queue.register("urgent", async () => {
      urgentRanAt = performance.now();
    });
    await queue.start();
    // More long jobs than the whole former single queue's eight slots.
    for (let n = 0; n < 12; n++) await queue.enqueue("slow", { n });
    await expect.poll(() => slowStarted, { timeout: 10_000 }).toBe(1);
    const bulk = (await queue.stats()).find((stats) => stats.queue === "bulk")!;
    expect(bulk).toMatchObject({ active: 1, waiting: 11, concurrency: 1 });
    expect(bulk.oldestWaitingSeconds).not.toBeNull();

    const enqueuedAt = performance.now();
    await queue.enqueue("urgent", {});
    await expect.poll(() => urgentRanAt, { timeout: 10_000 }).toBeGreaterThan(0);
    // BullMQ delivers through Redis (a few ms here); the point is that it did not wait for the bulk jobs.
    expect(urgentRanAt - enqueuedAt).toBeLessThan(1000);
    expect(slowStarted).toBe(1);
    releaseSlow();
    await expect.poll(() => slowStarted, { timeout: 10_000 }).toBe(12);
  });

  it("lists a failed job without its payload and runs it again on retry", async () => {
    const opened = make({}, layout);
    current = opened;
    const { queue } = opened;
    let failNext = true;
    const runs: number[] = [];
    for (const name of Object.keys(layout.kindOf) as (keyof TestJobs)[]) queue.register(name, noop);
    queue.register("flaky", async (_data, context) => {
      runs.push(context.attempt);
      if (failNext) throw new Error("The provider said no.\n    at a stack line that must not show");
    });
    await queue.start();
    await queue.enqueue("flaky", { secret: "payload" } as unknown as Record<string, never>, {
      jobId: "flaky-1",
      attempts: 2,
      backoffMs: 10,
    });
    const failedOf = async () => (await queue.stats()).find((stats) => stats.queue === "delivery")!;
    await expect.poll(async () => (await failedOf()).failed, { timeout: 10_000 }).toBe(1);
    const [failed] = (await failedOf()).recentFailed;
    expect(failed).toMatchObject({
      id: "flaky-1",
      name: "flaky",
      error: "The provider said no.",
      attempts: 2,
    });
    expect(JSON.stringify(failed)).not.toContain("payload");
    expect(failed!.failedAt).toBeInstanceOf(Date);

    expect(await queue.retryFailed("delivery", "no-such-job")).toBe(false);
    expect(await queue.retryFailed("realtime", "flaky-1")).toBe(false);
    failNext = false;
    expect(await queue.retryFailed("delivery", "flaky-1")).toBe(true);
    await expect.poll(() => runs.length, { timeout: 10_000 }).toBe(3);
    // A retry starts over with the job's full number of tries.
    expect(runs).toEqual([1, 2, 1]);
    await expect.poll(async () => (await failedOf()).failed, { timeout: 10_000 }).toBe(0);
  });
}

// Only with Redis, like the BullMQ half of the tests above (the in-process driver never had a legacy queue).
describe.skipIf(!redisUrl)(
  "bullmq queues from before jobs were queued by kind (needs TEST_REDIS_URL)",
  () => {
    it("moves jobs pending in the single 'jobs' queue to their kind's queue, with the time they had left", async () => {
      const prefix = `${inject("redisRunPrefix")}-legacy-${randomBytes(4).toString("hex")}`;
      const legacy = new Queue("jobs", {
        connection: { url: redisUrl!, maxRetriesPerRequest: null },
        prefix,
      });
      const queue = new BullMqJobQueue({ redisUrl: redisUrl!, prefix, layout }, {});
      try {
        await legacy.add("record", { n: 7 }, { jobId: "record-7", delay: 400, attempts: 3 });
        await legacy.add("tick", {}, { jobId: "unknown-later", delay: 60_000 });
        await legacy.upsertJobScheduler("every-tick", { every: 60_000 }, { name: "tick", data: {} });
        const seen: { n: number; at: number; maxAttempts: number }[] = [];
        for (const name of Object.keys(layout.kindOf) as (keyof TestJobs)[]) queue.register(name, noop);
        queue.register("record", async (data, context) => {
          seen.push({ n: data.n, at: Date.now(), maxAttempts: context.maxAttempts });
        });
        const startedAt = Date.now();
        await queue.start();
        await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
        expect(seen[0]).toMatchObject({ n: 7, maxAttempts: 3 });
        expect(seen[0]!.at - startedAt).toBeLessThan(2000);
        // Moved, not copied: the old queue holds nothing pending and no scheduler.
        expect(await legacy.getJobCountByTypes("waiting", "delayed", "prioritized")).toBe(0);
        expect(await legacy.getJobSchedulers()).toEqual([]);
        const periodic = (await queue.stats()).find((stats) => stats.queue === "periodic")!;
        expect(periodic.delayed).toBe(1);
      } finally {
        await queue.close();
        await legacy.close();
        await clearRedisPrefix(redisUrl!, prefix);
      }
    });
  },
);
