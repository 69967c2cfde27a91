/**
 * Customer updates and the status page, against the real app: one update per event on the right
 * channel, none to an opted-out address or in answer to mail that must not be answered, SMS held
 * through quiet hours; the status page shows the case, takes a reply and a rating.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { performAction } from "../../cases/replies.ts";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { sendStatusUpdate } from "../../channels/status-updates/status-updates.ts";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { caseNotifications, cases, interactions } from "../../db/schema/index.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import { type FakeTwilio, sentSms, startFakeTwilio } from "../helpers/fake-twilio.ts";
import { connectVisitor } from "../helpers/sockets.ts";

describe("customer updates", () => {
  let app: TestApp;
  let agentId = "";
  // 19:00 UTC is 12:00 in California, where these +1 415 numbers are: daytime. Tests that need the
  // night move it.
  let now = new Date("2026-06-01T19:00:00Z");
  // SMS as the provider's edge sees it (a local Twilio); email is not configured in this app.
  let fake!: FakeTwilio;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    app = await startTestApp({
      clock: () => now,
      env: { ...fake.env, QUIET_HOURS: "21:00-08:00", DEFAULT_TIME_ZONE: "UTC" },
    });
    agentId = (await app.createAgent({ name: "Una Update" })).id;
    await app.admin.request("PATCH", `/api/agents/${agentId}`, {
      capacity: { voice: 1, chat: 10, sms: 50, email: 50 },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  let phone = 5000;
  const smsCase = async (from?: string) => {
    phone += 1;
    const address = from ?? `+1415888${phone}`;
    const result = await ingest(app.services.cases, {
      channel: "sms",
      externalId: `SM${randomUUID()}`,
      from: { kind: "phone", address },
      to: "+14155550100",
      body: "Where is my parcel?",
    });
    return result.case;
  };
  /** The case's messages the provider accepted, in the order sent, with what we stored for each. */
  const sentFor = async (caseId: string) => {
    const rows = await app.services.db.select().from(interactions).where(eq(interactions.caseId, caseId));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return sentSms(fake)
      .filter((message) => byId.has(message.interactionId))
      .map((message) => ({ ...message, stored: byId.get(message.interactionId)! }));
  };
  const updatesFor = async (caseId: string) =>
    (await sentFor(caseId)).map((message) => message.stored.metadata.statusUpdate);
  const notificationsOf = (caseId: string) =>
    app.services.db.select().from(caseNotifications).where(eq(caseNotifications.caseId, caseId));

  it("sends one update per event, with the status link, on the channel the customer used", async () => {
    const row = await smsCase();
    await expect.poll(() => updatesFor(row.id), { timeout: 10_000 }).toEqual(["created"]);
    const [created] = await sentFor(row.id);
    expect(created!.stored.channel).toBe("sms");
    expect(created).toMatchObject({ to: row.customerAddress, from: "+14155550100" });
    expect(created!.body).toContain(`case #${row.number}`);
    expect(created!.body).toContain(
      `${app.config.publicUrl}/status/${signStatusToken(app.services.statusUpdates.settings.secret, row.id)}`,
    );

    await assignCase(app.services, row.id, agentId);
    const actor = { type: "agent" as const, id: agentId };
    await performAction(app.services.cases, { caseId: row.id, action: "wait_on_customer", actor });
    await performAction(app.services.cases, { caseId: row.id, action: "resolve", actor });
    await performAction(app.services.cases, { caseId: row.id, action: "reopen", actor });
    await expect
      .poll(() => updatesFor(row.id), { timeout: 10_000 })
      .toEqual(["created", "waiting_on_customer", "resolved", "reopened"]);

    // Processing a decided update again sends nothing more.
    for (const notification of await notificationsOf(row.id)) {
      expect(await sendStatusUpdate(app.services.cases, app.services.statusUpdates, notification.id)).toBe(
        "nothing",
      );
    }
    expect(await updatesFor(row.id)).toHaveLength(4);
    const stored = await app.services.db.select().from(interactions).where(eq(interactions.caseId, row.id));
    expect(stored.filter((i) => i.metadata.automatic === true)).toHaveLength(4);
  });

  it("sends nothing to an address that opted out, and says why", async () => {
    const address = "+14158880999";
    const first = await smsCase(address);
    await expect.poll(() => updatesFor(first.id), { timeout: 10_000 }).toEqual(["created"]);
    await app.services.db
      .update(contactIdentities)
      .set({ optedOutAt: now, optOutMethod: "SMS STOP" })
      .where(eq(contactIdentities.address, address));
    await assignCase(app.services, first.id, agentId);
    await performAction(app.services.cases, {
      caseId: first.id,
      action: "resolve",
      actor: { type: "agent", id: agentId },
    });
    await expect
      .poll(async () => (await notificationsOf(first.id)).find((n) => n.event === "resolved")?.status, {
        timeout: 10_000,
      })
      .toBe("skipped");
    const resolved = (await notificationsOf(first.id)).find((n) => n.event === "resolved")!;
    expect(resolved.reason).toMatch(/opted out of sms/);
    expect(await updatesFor(first.id)).toEqual(["created"]);
  });

  it("never answers a message that must not be answered automatically", async () => {
    const row = (
      await ingest(app.services.cases, {
        channel: "sms",
        externalId: `SM${randomUUID()}`,
        from: { kind: "phone", address: "+14158880777" },
        body: "Auto reply: I am out of office",
        metadata: { noAutoReply: true, loopReason: "Auto-Submitted: auto-replied" },
      })
    ).case;
    await expect
      .poll(async () => (await notificationsOf(row.id))[0]?.status, { timeout: 10_000 })
      .toBe("skipped");
    expect((await notificationsOf(row.id))[0]!.reason).toMatch(
      /must not be answered automatically \(Auto-Submitted: auto-replied\)/,
    );
    expect(await updatesFor(row.id)).toEqual([]);
  });

  it("holds an SMS update through the contact's quiet hours, and later updates behind it", async () => {
    now = new Date("2026-06-01T23:30:00Z");
    // A UK mobile: its zone (Europe/London) is known from the number the moment the case opens,
    // so the job worker holds the update too if it gets there first.
    const row = await smsCase("+447911123456");
    // 00:30 in London (BST): held until 08:00 local, 07:00 UTC.
    const [notification] = await notificationsOf(row.id);
    await sendStatusUpdate(app.services.cases, app.services.statusUpdates, notification!.id);
    const [held] = await notificationsOf(row.id);
    expect(held).toMatchObject({ status: "pending" });
    expect(held!.sendAfter.toISOString()).toBe("2026-06-02T07:00:00.000Z");
    expect(await updatesFor(row.id)).toEqual([]);

    // Resolved in the night: that update waits behind the held one rather than overtaking it.
    await assignCase(app.services, row.id, agentId);
    await performAction(app.services.cases, {
      caseId: row.id,
      action: "resolve",
      actor: { type: "agent", id: agentId },
    });
    const resolved = (await notificationsOf(row.id)).find((n) => n.event === "resolved")!;
    expect(await sendStatusUpdate(app.services.cases, app.services.statusUpdates, resolved.id)).toBe(
      "waiting",
    );
    expect((await notificationsOf(row.id)).find((n) => n.id === resolved.id)).toMatchObject({
      status: "pending",
      sendAfter: new Date("2026-06-02T07:00:00.000Z"),
    });

    now = new Date("2026-06-02T07:00:30Z");
    expect(await sendStatusUpdate(app.services.cases, app.services.statusUpdates, notification!.id)).toBe(
      "sent",
    );
    // Its outcome releases the one waiting behind it.
    await expect.poll(() => updatesFor(row.id), { timeout: 10_000 }).toEqual(["created", "resolved"]);
    now = new Date("2026-06-02T19:00:00Z");
  });

  it("tells a chat visitor in the chat when their case is resolved", async () => {
    const visitor = await connectVisitor(app.url);
    await visitor.emitWithAck("hello", {});
    const ack = await visitor.emitWithAck("message", { body: "Is my order shipped?" });
    await assignCase(app.services, ack.caseId, agentId);
    await performAction(app.services.cases, {
      caseId: ack.caseId,
      action: "resolve",
      actor: { type: "agent", id: agentId },
    });
    const update = await visitor.waitFor("message", (m) => m.body.includes("This conversation is resolved"));
    expect(update.body).toContain("/status/");
    visitor.close();
    // No "created" update in chat: the visitor is talking to us already.
    const decided = await notificationsOf(ack.caseId);
    expect(decided.find((n) => n.event === "created")).toMatchObject({ status: "skipped" });
  });

  it("shows the case on the status page, takes a reply and, once resolved, a rating", async () => {
    const row = await smsCase();
    await app.services.cases.db.insert(interactions).values({
      caseId: row.id,
      channel: "sms",
      kind: "note",
      direction: "internal",
      body: "Internal: customer is grumpy",
      status: "recorded",
    });
    const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
    const visitor = createApi(app.url);

    const page = await fetch(`${app.url}/status/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`Request #${row.number}`);
    expect(html).toContain("Where is my parcel?");
    expect(html).not.toContain("grumpy");
    expect((await fetch(`${app.url}/status/s1.${row.id}.forged`)).status).toBe(404);

    const view = await visitor.get(`/api/status/${token}`);
    expect(view.body).toMatchObject({
      case: { number: row.number, stateLabel: "Waiting for an agent" },
      canReply: true,
      canRate: false,
    });
    expect(view.body.messages.map((m: { body: string }) => m.body)).not.toContain(
      "Internal: customer is grumpy",
    );

    const replied = await visitor.post(`/api/status/${token}/replies`, {
      body: "Any news?",
      clientId: "form-submit-001",
    });
    expect(replied.status).toBe(201);
    const again = await visitor.post(`/api/status/${token}/replies`, {
      body: "Any news?",
      clientId: "form-submit-001",
    });
    expect(again.body.id).toBe(replied.body.id);
    const [stored] = await app.services.db
      .select()
      .from(interactions)
      .where(eq(interactions.id, replied.body.id));
    expect(stored).toMatchObject({ caseId: row.id, direction: "inbound", body: "Any news?" });

    expect((await visitor.post(`/api/status/${token}/rating`, { rating: 5 })).status).toBe(409);
    await assignCase(app.services, row.id, agentId);
    await performAction(app.services.cases, {
      caseId: row.id,
      action: "resolve",
      actor: { type: "agent", id: agentId },
    });
    expect((await visitor.post(`/api/status/${token}/rating`, { rating: 9 })).status).toBe(400);
    // The page's own form: a redirect after the rating, which is stored on the case.
    const form = await fetch(`${app.url}/status/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "action=rate&rating=4&comment=Quick+and+kind",
      redirect: "manual",
    });
    expect(form.status).toBe(303);
    const [rated] = await app.services.db.select().from(cases).where(eq(cases.id, row.id));
    expect(rated).toMatchObject({ csatRating: 4, csatComment: "Quick and kind" });
  });
});
