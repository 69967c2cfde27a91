/**
 * Replies sent later: a scheduled reply waits (nothing reaches Twilio before its time), leaves once
 * at its time through the outbox, can be cancelled until then, refuses a bad time without writing
 * anything, and still leaves exactly once when the process that scheduled it stopped before its
 * time (the next process's maintenance sweep releases it).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseScheduledReply } from "../../cases/scheduled-replies.ts";
import { interactions } from "../../db/schema/cases.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import {
  type FakeTwilio,
  newSid,
  postTwilioWebhook,
  sentSms,
  startFakeTwilio,
  twilioFixture,
} from "../helpers/fake-twilio.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.ts";

const OUR_NUMBER = "+14155550100";

describe("send later", () => {
  let fake: FakeTwilio;
  let testDb: TestDatabase;
  let app: TestApp;
  let agentId = "";
  let agentApi: Awaited<ReturnType<TestApp["createAgent"]>>["api"];
  let customer = 4000;

  const start = () =>
    startTestApp({
      testDb,
      env: { ...fake.env, SWEEP_INTERVAL_SECONDS: "1", STATUS_UPDATES: "false" },
    });

  beforeAll(async () => {
    fake = await startFakeTwilio();
    testDb = await createTestDatabase();
    app = await start();
    fake.routeCallbacks(app.config.publicUrl, app.url);
    await app.admin.post("/api/phone-numbers", { number: OUR_NUMBER, name: "Acme" });
    const agent = await app.createAgent({ name: "Lena Later" });
    agentId = agent.id;
    agentApi = agent.api;
    await app.admin.request("PATCH", `/api/agents/${agentId}`, {
      capacity: { voice: 1, chat: 3, sms: 50, email: 5 },
    });
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.drop();
    await fake?.close();
  });

  const row = async (id: string) =>
    (await app.services.db.select().from(interactions).where(eq(interactions.id, id)))[0]!;
  const countOn = async (caseId: string) =>
    (await app.services.db.select().from(interactions).where(eq(interactions.caseId, caseId))).length;
  const sentWith = (body: string) => sentSms(fake).filter((sms) => sms.body === body);

  const assignedCase = async () => {
    const sid = newSid("SM");
    const from = `+1415555${String(++customer).padStart(4, "0")}`;
    const response = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound", { MessageSid: sid, SmsSid: sid, From: from, Body: "Call me tomorrow?" }),
    );
    expect(response.status).toBe(200);
    const [stored] = await app.services.db
      .select()
      .from(interactions)
      .where(eq(interactions.externalId, sid));
    await assignCase(app.services, stored!.caseId, agentId);
    return stored!.caseId;
  };

  const schedule = (caseId: string, body: string, sendAt: Date | string) =>
    agentApi.post(`/api/cases/${caseId}/replies`, {
      body,
      sendAt: typeof sendAt === "string" ? sendAt : sendAt.toISOString(),
    });

  it("holds a scheduled reply until its time, then sends it once through the outbox", async () => {
    const caseId = await assignedCase();
    const sendAt = new Date(Date.now() + 3000);
    const scheduled = await schedule(caseId, "Good morning, here is your update.", sendAt);
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
    expect(scheduled.body).toMatchObject({ status: "scheduled", sendAt: sendAt.toISOString() });
    // Released early, it refuses: not due.
    expect(await releaseScheduledReply(app.services.cases, scheduled.body.id)).toBe("not_due");
    const detail = await agentApi.get(`/api/cases/${caseId}`);
    expect(detail.body.firstResponseAt).toBeNull();
    expect(sentWith("Good morning, here is your update.")).toHaveLength(0);

    const sent = await fake.waitForRequest(
      (request) =>
        request.resource === "message" && request.params.Body === "Good morning, here is your update.",
    );
    const arrivedAt = Date.now();
    expect(arrivedAt).toBeGreaterThanOrEqual(sendAt.getTime());
    expect(sent.params.To).toMatch(/^\+1415555/);
    await expect.poll(async () => (await row(scheduled.body.id)).status, { timeout: 10_000 }).toBe("sent");
    // The job, the sweep and a late duplicate release cannot send it again.
    expect(await releaseScheduledReply(app.services.cases, scheduled.body.id)).toBe("skipped");
    const after = await agentApi.get(`/api/cases/${caseId}`);
    expect(after.body.firstResponseAt).not.toBeNull();
    expect(sentWith("Good morning, here is your update.")).toHaveLength(1);
    const late = await agentApi.request(
      "DELETE",
      `/api/cases/${caseId}/replies/${scheduled.body.id}/schedule`,
    );
    expect(late.status).toBe(409);
    expect(late.body.message).toContain("Too late to cancel");
  });

  it("releases a due reply exactly once when releases race", async () => {
    const caseId = await assignedCase();
    const scheduled = await schedule(caseId, "Racing reply", new Date(Date.now() + 60 * 60_000));
    expect(scheduled.status).toBe(201);
    // Its time comes now: the job (an hour away), the sweep and two more releases all want it.
    await app.services.db
      .update(interactions)
      .set({ sendAt: new Date(Date.now() - 1000) })
      .where(eq(interactions.id, scheduled.body.id));
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(() => releaseScheduledReply(app.services.cases, scheduled.body.id)),
    );
    expect(outcomes.filter((outcome) => outcome === "released").length).toBeLessThanOrEqual(1);
    await fake.waitForRequest((request) => request.params.Body === "Racing reply");
    await expect.poll(async () => (await row(scheduled.body.id)).status, { timeout: 10_000 }).toBe("sent");
    expect(await releaseScheduledReply(app.services.cases, scheduled.body.id)).toBe("skipped");
    expect(sentWith("Racing reply")).toHaveLength(1);
  });

  it("cancels a scheduled reply until it is sent, and it never leaves", async () => {
    const caseId = await assignedCase();
    const scheduled = await schedule(caseId, "Never mind this one", new Date(Date.now() + 60 * 60_000));
    expect(scheduled.status).toBe(201);
    const path = `/api/cases/${caseId}/replies/${scheduled.body.id}/schedule`;
    const cancelled = await agentApi.request("DELETE", path);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: "cancelled",
      statusReason: expect.stringContaining("Lena Later"),
    });
    expect((await agentApi.request("DELETE", path)).status).toBe(409);
    expect(await releaseScheduledReply(app.services.cases, scheduled.body.id)).toBe("skipped");
    expect((await row(scheduled.body.id)).status).toBe("cancelled");
    const wrongCase = await agentApi.request(
      "DELETE",
      `/api/cases/${await assignedCase()}/replies/${scheduled.body.id}/schedule`,
    );
    expect(wrongCase.status).toBe(404);
    expect(sentWith("Never mind this one")).toHaveLength(0);
  });

  it("refuses a bad sendAt with 400 and writes nothing", async () => {
    const caseId = await assignedCase();
    const before = await countOn(caseId);
    const cases: [string, RegExp][] = [
      [new Date(Date.now() - 60_000).toISOString(), /not in the future/],
      [new Date(Date.now() + 31 * 24 * 60 * 60_000).toISOString(), /at most 30 days/],
      ["tomorrow at nine", /sendAt/],
      ["2026-12-08T09:00:00", /sendAt/],
    ];
    for (const [sendAt, message] of cases) {
      const refused = await schedule(caseId, "Bad time", sendAt);
      expect(refused.status, sendAt).toBe(400);
      expect(JSON.stringify(refused.body)).toMatch(message);
    }
    expect(await countOn(caseId)).toBe(before);
  });

  it("sends a reply scheduled by a process that stopped before its time exactly once, from the sweep", async () => {
    const caseId = await assignedCase();
    const scheduled = await schedule(caseId, "Sent after a restart", new Date(Date.now() + 2500));
    expect(scheduled.status).toBe(201);
    // The process stops before the time: its delayed job goes with it (the next one has its own queue).
    await app.close();
    expect(sentWith("Sent after a restart")).toHaveLength(0);
    app = await start();
    fake.routeCallbacks(app.config.publicUrl, app.url);
    await fake.waitForRequest((request) => request.params.Body === "Sent after a restart", 15_000);
    await expect.poll(async () => (await row(scheduled.body.id)).status, { timeout: 10_000 }).toBe("sent");
    expect(await releaseScheduledReply(app.services.cases, scheduled.body.id)).toBe("skipped");
    expect(sentWith("Sent after a restart")).toHaveLength(1);
  });
});
