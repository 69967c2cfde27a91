/**
 * The job queues in the running app: each kind on its own queue, so a list import holding the
 * bulk queue leaves realtime jobs running on time; admins see every queue's backlog and failures
 * (never a payload), retry a failed job, and /metrics carries the same figures. Runs on BullMQ
 * when TEST_REDIS_URL is set.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Api } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { CALL_LIST_MAPPING, callListCsv } from "../helpers/call-list-csv.ts";

describe("job queues by kind", () => {
  let app: TestApp;
  let agent: Api;
  let supervisor: Api;

  beforeAll(async () => {
    app = await startTestApp({ env: { JOB_CONCURRENCY_DELIVERY: "3" } });
    agent = (await app.createAgent()).api;
    supervisor = (await app.createAgent({ role: "supervisor" })).api;
  });
  afterAll(async () => {
    await app?.close();
  });

  const queueOf = async (name: string) => {
    const response = await app.admin.get("/api/admin/jobs");
    expect(response.status).toBe(200);
    return response.body.queues.find((queue: { queue: string }) => queue.queue === name);
  };
  const jobRuns = async (name: string, outcome: string) =>
    (await app.services.metrics.jobs.get()).values.find(
      (value) => value.labels.name === name && value.labels.outcome === outcome,
    )?.value ?? 0;

  it("lists one queue per kind with its concurrency, for admins only", async () => {
    const response = await app.admin.get("/api/admin/jobs");
    expect(response.status).toBe(200);
    expect(response.body.driver).toBe(process.env.TEST_REDIS_URL ? "bullmq" : "in-process");
    expect(
      response.body.queues.map((queue: { queue: string; kind: string; concurrency: number }) => [
        queue.queue,
        queue.kind,
        queue.concurrency,
      ]),
    ).toEqual([
      ["realtime", "realtime", 8],
      ["delivery", "delivery", 3],
      ["periodic", "periodic", 4],
      ["bulk", "bulk", 1],
    ]);
    for (const api of [agent, supervisor]) {
      expect((await api.get("/api/admin/jobs")).status).toBe(403);
      const retry = await api.post(`/api/admin/jobs/realtime/failed/${randomUUID()}/retry`);
      expect(retry.status).toBe(403);
      expect(retry.body).toMatchObject({ error: "forbidden" });
    }
  });

  it("runs realtime jobs on time while list imports hold the bulk queue", async () => {
    const list = await supervisor.post("/api/outbound/lists", { name: "Spring campaign" });
    expect(list.status).toBe(201);
    // More imports than the bulk queue runs at once: one runs, the others wait their turn.
    for (let n = 0; n < 3; n++) {
      const started = await supervisor.post(`/api/outbound/lists/${list.body.id}/imports`, {
        csv: callListCsv(4000, n * 4000),
        mapping: CALL_LIST_MAPPING,
      });
      expect(started.status).toBe(202);
    }
    await expect
      .poll(async () => {
        const bulk = await queueOf("bulk");
        return bulk.active === 1 && bulk.waiting >= 1;
      })
      .toBe(true);

    const before = await jobRuns("route-queue", "completed");
    const enqueuedAt = performance.now();
    await app.services.jobs.enqueue(
      "route-queue",
      { queueId: "all" },
      { jobId: `route-now-${randomUUID()}` },
    );
    await expect
      .poll(() => jobRuns("route-queue", "completed"), { timeout: 10_000, interval: 10 })
      .toBeGreaterThan(before);
    expect(performance.now() - enqueuedAt).toBeLessThan(1000);
    // The imports were still running: the realtime job did not wait for them.
    const bulk = await queueOf("bulk");
    expect(bulk.active + bulk.waiting).toBeGreaterThan(0);
    const backlog = async () => {
      const queue = await queueOf("bulk");
      return queue.active + queue.waiting;
    };
    await expect.poll(backlog, { timeout: 120_000, interval: 250 }).toBe(0);
  }, 150_000);

  it("shows a failed job without its payload, retries it, and says 404 for one it does not hold", async () => {
    // No Twilio here: the caller-on-hold timer fails as one a retry cannot fix.
    const callInteractionId = randomUUID();
    const jobId = `voice-wait-${callInteractionId}`;
    await app.services.jobs.enqueue("voice-wait-timeout", { callInteractionId }, { jobId });
    await expect.poll(async () => (await queueOf("realtime")).failed).toBeGreaterThanOrEqual(1);
    const realtime = await queueOf("realtime");
    const failed = realtime.recentFailed.find((job: { id: string }) => job.id === jobId);
    expect(failed).toMatchObject({
      name: "voice-wait-timeout",
      error: "Voice is not configured on this server (TWILIO_* unset).",
      attempts: 1,
    });
    expect(Number.isNaN(Date.parse(failed.failedAt))).toBe(false);
    // What it failed with, never what it was given.
    expect(Object.keys(failed).sort()).toEqual(["attempts", "error", "failedAt", "id", "name"]);

    const metrics = await fetch(`${app.url}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/switchboard_job_queue_failed\{queue="realtime"\} [1-9]/);
    expect(metrics).toMatch(/switchboard_job_queue_waiting\{queue="bulk"\} \d+/);
    expect(metrics).toMatch(/switchboard_job_queue_oldest_seconds\{queue="delivery"\} [\d.]+/);

    const failuresBefore = await jobRuns("voice-wait-timeout", "failed");
    const retried = await app.admin.post(`/api/admin/jobs/realtime/failed/${jobId}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ queue: "realtime", id: jobId });
    // It ran again (and, with no Twilio still, failed again).
    await expect.poll(() => jobRuns("voice-wait-timeout", "failed")).toBe(failuresBefore + 1);
    await expect
      .poll(async () =>
        (await queueOf("realtime")).recentFailed.some((job: { id: string }) => job.id === jobId),
      )
      .toBe(true);

    for (const path of [
      `/api/admin/jobs/realtime/failed/${randomUUID()}/retry`,
      `/api/admin/jobs/bulk/failed/${jobId}/retry`,
      `/api/admin/jobs/no-such-queue/failed/${jobId}/retry`,
    ]) {
      const missing = await app.admin.post(path);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({
        error: "not_found",
        message: expect.stringContaining("no failed job"),
      });
    }
  });
});
