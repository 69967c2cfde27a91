/**
 * Outbound delivery: a reply is queued in the transaction that records it, then delivered with
 * retries; failures end `failed` with a reason a person can act on; a crash mid-send never sends
 * twice on a channel that cannot deduplicate; a reply whose job was lost is delivered by the sweep.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverInteraction, STALE_SENDING_MS } from "../../cases/outbox.ts";
import { addReply } from "../../cases/replies.ts";
import { interactions } from "../../db/schema/cases.ts";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";
import { type FakeTwilio, sentSms, startFakeTwilio } from "../helpers/fake-twilio.ts";

describe("outbox", () => {
  let app: TestApp;
  let agentId = "";
  // The SMS provider's edge: a local Twilio that records each message and can be told to fail.
  let fake: FakeTwilio;
  const sent = () => sentSms(fake);

  beforeAll(async () => {
    fake = await startFakeTwilio();
    // Customer updates off: these tests count the provider's messages and failures one by one.
    app = await startTestApp({
      env: { ...fake.env, SWEEP_INTERVAL_SECONDS: "1", STATUS_UPDATES: "false" },
    });
    agentId = (await app.createAgent({ name: "Sam Sender" })).id;
    // Every test here assigns this agent another SMS case.
    await app.admin.request("PATCH", `/api/agents/${agentId}`, {
      capacity: { voice: 1, chat: 3, sms: 20, email: 20 },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const assignedCase = async () => {
    const row = await newCase(app.services);
    await assignCase(app.services, row.id, agentId);
    return row;
  };
  const interaction = async (id: string) =>
    (await app.services.db.select().from(interactions).where(eq(interactions.id, id)))[0]!;

  it("delivers a reply after temporary failures, with the provider id recorded", async () => {
    const row = await assignedCase();
    fake.failNext({ status: 503, message: "provider busy" });
    fake.failNext({ status: 0, drop: true });
    const reply = await addReply(app.services.cases, { caseId: row.id, agentId, body: "We are on it" });
    expect(reply.status).toBe("queued");
    await expect.poll(async () => (await interaction(reply.id)).status, { timeout: 20_000 }).toBe("sent");
    const stored = await interaction(reply.id);
    expect(stored.attempts).toBe(3);
    const delivered = sent().find((m) => m.interactionId === reply.id)!;
    expect(stored.externalId).toBe(delivered.sid);
    // (The agent's name reaches channels that show it: see chat-path.test.ts.)
    expect(delivered).toMatchObject({ to: row.customerAddress, from: "+14155550100", body: "We are on it" });
  });

  it("fails at once, with the provider's reason, when the provider refuses the message itself", async () => {
    const row = await assignedCase();
    fake.failNext({ status: 400, code: 21614, message: "The 'To' number is not a mobile number." });
    const reply = await addReply(app.services.cases, { caseId: row.id, agentId, body: "Hello" });
    await expect.poll(async () => (await interaction(reply.id)).status, { timeout: 10_000 }).toBe("failed");
    expect(await interaction(reply.id)).toMatchObject({
      attempts: 1,
      statusReason: "The 'To' number is not a mobile number. (Twilio error 21614)",
    });
  });

  it("gives up after the last attempt and says so", async () => {
    const row = await assignedCase();
    fake.failNext({ status: 503, message: "first" });
    const reply = await addReply(app.services.cases, { caseId: row.id, agentId, body: "Hello" });
    await expect.poll(async () => (await interaction(reply.id)).status, { timeout: 10_000 }).toBe("sent");
    // The final attempt of another reply, called directly: no further retry is scheduled.
    const second = await addReply(app.services.cases, { caseId: row.id, agentId, body: "Again" });
    await expect.poll(async () => (await interaction(second.id)).status, { timeout: 10_000 }).toBe("sent");
    await app.services.db
      .update(interactions)
      .set({ status: "queued" })
      .where(eq(interactions.id, second.id));
    fake.failNext({ status: 0, drop: true });
    const outcome = await deliverInteraction(app.services.cases, app.services.senders, second.id, {
      attempt: 5,
      maxAttempts: 5,
    });
    expect(outcome).toBe("failed");
    expect((await interaction(second.id)).statusReason).toBe(
      "Gave up after 5 attempts: Could not reach Twilio to send the SMS: socket hang up",
    );
  });

  it("never sends twice after a crash mid-send on a channel that cannot deduplicate", async () => {
    const row = await assignedCase();
    const reply = await addReply(app.services.cases, { caseId: row.id, agentId, body: "Once only" });
    await expect.poll(async () => (await interaction(reply.id)).status, { timeout: 10_000 }).toBe("sent");
    const sendsBefore = sent().filter((m) => m.interactionId === reply.id).length;
    // As if the process died after marking the attempt and before recording the result.
    const longAgo = new Date(Date.now() - STALE_SENDING_MS - 1000);
    await app.services.db
      .update(interactions)
      .set({ status: "sending", statusChangedAt: longAgo })
      .where(eq(interactions.id, reply.id));
    const outcome = await deliverInteraction(app.services.cases, app.services.senders, reply.id, {
      attempt: 1,
      maxAttempts: 5,
    });
    expect(outcome).toBe("failed");
    expect((await interaction(reply.id)).statusReason).toMatch(/may or may not have reached the customer/);
    expect(sent().filter((m) => m.interactionId === reply.id)).toHaveLength(sendsBefore);
  });

  it("fails with a clear reason when the case's channel is not configured", async () => {
    const row = await newCase(app.services, {
      channel: "email",
      from: { kind: "email", address: "nobody@example.com" },
      externalId: "<no-email-channel@test>",
    });
    await assignCase(app.services, row.id, agentId);
    const reply = await addReply(app.services.cases, { caseId: row.id, agentId, body: "Hi" });
    await expect.poll(async () => (await interaction(reply.id)).status, { timeout: 10_000 }).toBe("failed");
    expect((await interaction(reply.id)).statusReason).toMatch(/email channel is not configured/);
  });

  it("refuses a reply to an address that opted out, naming when and how, and stores nothing", async () => {
    const row = await assignedCase();
    await app.services.db
      .update(contactIdentities)
      .set({ optedOutAt: new Date("2026-05-01T10:00:00Z"), optOutMethod: "SMS STOP" })
      .where(eq(contactIdentities.address, row.customerAddress));
    const before = await app.services.db.select().from(interactions).where(eq(interactions.caseId, row.id));
    await expect(
      addReply(app.services.cases, { caseId: row.id, agentId, body: "Still there?" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/opted out of sms messages on 2026-05-01T10:00:00.000Z \(SMS STOP\)/),
    });
    expect(
      await app.services.db.select().from(interactions).where(eq(interactions.caseId, row.id)),
    ).toHaveLength(before.length);
  });

  it("delivers a reply whose job was lost, through the sweep", async () => {
    const row = await assignedCase();
    const reply = await addReply(app.services.cases, { caseId: row.id, agentId, body: "Lost job" });
    await expect.poll(async () => (await interaction(reply.id)).status, { timeout: 10_000 }).toBe("sent");
    // Put it back as a long-queued message with no job holding it.
    await app.services.db
      .update(interactions)
      .set({ status: "queued", statusChangedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(interactions.id, reply.id));
    const sendsBefore = sent().filter((m) => m.interactionId === reply.id).length;
    await expect.poll(async () => (await interaction(reply.id)).status, { timeout: 15_000 }).toBe("sent");
    expect(sent().filter((m) => m.interactionId === reply.id)).toHaveLength(sendsBefore + 1);
  });

  it("delivers one conversation's replies in the order they were written, an earlier retry holding up the rest", async () => {
    const row = await assignedCase();
    // The first reply fails once and waits out its backoff; the later ones must not overtake it.
    fake.failNext({ status: 503, message: "provider busy" });
    const first = await addReply(app.services.cases, { caseId: row.id, agentId, body: "One" });
    await expect.poll(async () => (await interaction(first.id)).attempts, { timeout: 10_000 }).toBe(1);
    const second = await addReply(app.services.cases, { caseId: row.id, agentId, body: "Two" });
    const third = await addReply(app.services.cases, { caseId: row.id, agentId, body: "Three" });
    expect(
      await deliverInteraction(app.services.cases, app.services.senders, third.id, {
        attempt: 1,
        maxAttempts: 5,
      }),
    ).toBe("waiting");
    await expect.poll(async () => (await interaction(third.id)).status, { timeout: 20_000 }).toBe("sent");
    const ids = new Set([first.id, second.id, third.id]);
    expect(
      sent()
        .filter((m) => ids.has(m.interactionId))
        .map((m) => m.body),
    ).toEqual(["One", "Two", "Three"]);
    expect((await interaction(second.id)).attempts).toBe(1);
  });
});
