/**
 * WhatsApp through Twilio, with Twilio's REST API played by a local server: a signed inbound message
 * (text or picture) opens a WhatsApp case on the customer's phone contact, replies leave with
 * `whatsapp:` numbers from the configured sender and follow their status callbacks, and the 24-hour
 * window holds: outside it free-form replies are refused (also when scheduled past it) and only an
 * approved template goes.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { contactIdentities, contacts } from "../../db/schema/contacts.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import {
  type FakeTwilio,
  newSid,
  postTwilioWebhook,
  smsStatusFixture,
  startFakeTwilio,
  twilioFixture,
} from "../helpers/fake-twilio.ts";

const WHATSAPP_FROM = "+14155238886";
const HOUR = 60 * 60_000;

describe("WhatsApp through Twilio", () => {
  let fake: FakeTwilio;
  let app: TestApp;
  let agentId = "";
  let agentApi: Awaited<ReturnType<TestApp["createAgent"]>>["api"];
  let customer = 3000;
  /** The app's clock runs this far from real time (the window tests move it). */
  let ahead = 0;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    app = await startTestApp({
      env: { ...fake.env, TWILIO_WHATSAPP_FROM: WHATSAPP_FROM, STATUS_UPDATES: "false" },
      clock: () => new Date(Date.now() + ahead),
    });
    fake.routeCallbacks(app.config.publicUrl, app.url);
    const agent = await app.createAgent({ name: "Wanda Whats" });
    agentId = agent.id;
    agentApi = agent.api;
    await app.admin.request("PATCH", `/api/agents/${agentId}`, {
      capacity: { voice: 1, chat: 3, sms: 50, email: 5 },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const nextCustomer = () => `+1415555${String(++customer).padStart(4, "0")}`;
  const interaction = async (id: string) =>
    (await app.services.db.select().from(interactions).where(eq(interactions.id, id)))[0]!;
  const countOn = async (caseId: string) =>
    (await app.services.db.select().from(interactions).where(eq(interactions.caseId, caseId))).length;

  /** A customer writes on WhatsApp; returns the stored interaction. */
  const customerWrites = async (from: string, body: string, extra: Record<string, string> = {}) => {
    const sid = newSid("SM");
    const response = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("whatsapp-inbound", {
        MessageSid: sid,
        SmsSid: sid,
        SmsMessageSid: sid,
        From: `whatsapp:${from}`,
        WaId: from.slice(1),
        Body: body,
        ...extra,
      }),
    );
    expect(response.status, response.body).toBe(200);
    const [stored] = await app.services.db
      .select()
      .from(interactions)
      .where(and(eq(interactions.channel, "whatsapp"), eq(interactions.externalId, sid)));
    return stored!;
  };

  const assignedCase = async (from = nextCustomer()) => {
    const stored = await customerWrites(from, "Is my order on its way?");
    await assignCase(app.services, stored.caseId, agentId);
    return { caseId: stored.caseId, from, inboundAt: stored.createdAt };
  };

  it("turns a signed inbound WhatsApp message into a WhatsApp case on the customer's phone contact", async () => {
    const from = nextCustomer();
    const stored = await customerWrites(from, "Hello! Where is my parcel?");
    expect(stored).toMatchObject({
      direction: "inbound",
      status: "received",
      body: "Hello! Where is my parcel?",
    });
    expect(stored.metadata).toMatchObject({ provider: "twilio", numMedia: 0, profileName: "Ana Souza" });
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, stored.caseId));
    expect(row).toMatchObject({ channel: "whatsapp", customerAddress: from, channelAddress: WHATSAPP_FROM });
    const [identity] = await app.services.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.contactId, row!.contactId));
    expect(identity).toMatchObject({ kind: "phone", address: from });
    const [contact] = await app.services.db.select().from(contacts).where(eq(contacts.id, row!.contactId));
    expect(contact!.name).toBe("Ana Souza");

    // The same person texting by SMS meets the same contact (on an SMS case of its own).
    const sms = newSid("SM");
    const texted = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound", { MessageSid: sms, SmsSid: sms, From: from, Body: "Also by SMS" }),
    );
    expect(texted.status).toBe(200);
    const [smsRow] = await app.services.db
      .select({ caseId: interactions.caseId })
      .from(interactions)
      .where(eq(interactions.externalId, sms));
    const [smsCase] = await app.services.db.select().from(cases).where(eq(cases.id, smsRow!.caseId));
    expect(smsCase).toMatchObject({ channel: "sms", contactId: row!.contactId });
  });

  it("keeps a picture's media on the message and gives the case a line to show", async () => {
    const from = nextCustomer();
    const stored = await customerWrites(from, "", {
      NumMedia: "1",
      MessageType: "image",
      MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME0123",
      MediaContentType0: "image/jpeg",
    });
    expect(stored.metadata).toMatchObject({
      numMedia: 1,
      media: [
        {
          url: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME0123",
          contentType: "image/jpeg",
        },
      ],
    });
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, stored.caseId));
    expect(row!.subject).toBe("Picture message");
  });

  it("counts an agent's WhatsApp conversations against their SMS capacity", async () => {
    await assignedCase();
    const [held] = await queryRows<{ whatsapp: number; texts: number }>(
      app.services.db,
      sql`select count(*) filter (where channel = 'whatsapp')::int as whatsapp, count(*)::int as texts
        from cases where assignee_id = ${agentId}::uuid and state in ('assigned', 'waiting_on_customer')
          and channel in ('sms', 'whatsapp')`,
    );
    expect(held!.whatsapp).toBeGreaterThan(0);
    const [load] = await queryRows<{ load: Record<string, number> }>(
      app.services.db,
      sql`select sb_agent_load(${agentId}::uuid) as load`,
    );
    expect(load!.load.sms).toBe(held!.texts);
  });

  it("refuses an unsigned WhatsApp webhook with 403 and stores nothing", async () => {
    const sid = newSid("SM");
    const body = twilioFixture("whatsapp-inbound", { MessageSid: sid, From: `whatsapp:${nextCustomer()}` });
    const response = await postTwilioWebhook(app, "/webhooks/twilio/sms", body, { signature: null });
    expect(response.status).toBe(403);
    const stored = await app.services.db.select().from(interactions).where(eq(interactions.externalId, sid));
    expect(stored).toHaveLength(0);
  });

  it("sends a reply with whatsapp: numbers from the configured sender and follows its status callbacks", async () => {
    const { caseId, from, inboundAt } = await assignedCase();
    const detail = await agentApi.get(`/api/cases/${caseId}`);
    expect(detail.body.whatsappWindow).toEqual({
      open: true,
      closesAt: new Date(inboundAt.getTime() + 24 * HOUR).toISOString(),
    });
    const reply = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "It arrives today by 18:00." });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const sent = await fake.waitForRequest(
      (r) => r.resource === "message" && r.params.Body === "It arrives today by 18:00.",
    );
    expect(sent.params).toMatchObject({ To: `whatsapp:${from}`, From: `whatsapp:${WHATSAPP_FROM}` });
    expect(sent.params.StatusCallback).toBe(
      `${app.config.publicUrl}/webhooks/twilio/sms/status?interaction=${reply.body.id}`,
    );
    await expect
      .poll(async () => (await interaction(reply.body.id)).status, { timeout: 10_000 })
      .toBe("sent");
    expect((await interaction(reply.body.id)).externalId).toBe(sent.sid);

    const report = (status: string, extra: Record<string, string> = {}) =>
      fake.callback(
        sent.params.StatusCallback!,
        smsStatusFixture(status, {
          MessageSid: sent.sid!,
          SmsSid: sent.sid!,
          To: `whatsapp:${from}`,
          From: `whatsapp:${WHATSAPP_FROM}`,
          ...extra,
        }),
      );
    expect((await report("delivered")).status).toBe(204);
    expect((await interaction(reply.body.id)).status).toBe("delivered");

    // A second reply the customer blocked: Twilio reports it undelivered, with a reason.
    const second = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Anything else?" });
    const secondSent = await fake.waitForRequest(
      (r) => r.resource === "message" && r.params.Body === "Anything else?",
    );
    await expect
      .poll(async () => (await interaction(second.body.id)).status, { timeout: 10_000 })
      .toBe("sent");
    const failed = await fake.callback(
      secondSent.params.StatusCallback!,
      smsStatusFixture("undelivered", {
        MessageSid: secondSent.sid!,
        SmsSid: secondSent.sid!,
        To: `whatsapp:${from}`,
        ErrorCode: "63024",
        ErrorMessage: "Invalid message recipient",
      }),
    );
    expect(failed.status).toBe(204);
    const row = await interaction(second.body.id);
    expect(row.status).toBe("failed");
    expect(row.statusReason).toContain("Invalid message recipient");
  });

  it("refuses a scheduled free-form reply whose send time falls after the window closes", async () => {
    const { caseId, inboundAt } = await assignedCase();
    const before = await countOn(caseId);
    const sendAt = new Date(inboundAt.getTime() + 25 * HOUR).toISOString();
    const refused = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Tomorrow then", sendAt });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain("before the chosen send time");
    expect(refused.body.details).toMatchObject({ reason: "whatsapp_window_closed" });
    expect(await countOn(caseId)).toBe(before);
  });

  it("outside the window refuses free-form words, writes nothing, and sends an approved template", async () => {
    // The customer last wrote 25 hours ago (agents' sessions stay on real time).
    ahead = -25 * HOUR;
    const { caseId, from, inboundAt } = await assignedCase();
    ahead = 0;
    const detail = await agentApi.get(`/api/cases/${caseId}`);
    expect(detail.body.whatsappWindow).toEqual({
      open: false,
      closesAt: new Date(inboundAt.getTime() + 24 * HOUR).toISOString(),
    });
    const before = await countOn(caseId);
    const refused = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Are you still there?" });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/24-hour WhatsApp window closed at .*only an approved template/);
    expect(await countOn(caseId)).toBe(before);

    const unknown = await agentApi.post(`/api/cases/${caseId}/replies`, {
      template: { name: "order_update", variables: ["5521"] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain("no approved WhatsApp template named 'order_update'");
    expect(await countOn(caseId)).toBe(before);

    const contentSid = `HX${"ab12".repeat(8)}`;
    const saved = await app.admin.request("PUT", "/api/whatsapp/templates", {
      items: [
        { name: "order_update", body: "Your order {{1}} is {{2}}. Reply to continue.", contentSid },
        { name: "follow_up", body: "Hi {{1}}, do you still need help with your case?" },
      ],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await agentApi.request("PUT", "/api/whatsapp/templates", { items: [] })).status).toBe(403);

    const missingValue = await agentApi.post(`/api/cases/${caseId}/replies`, {
      template: { name: "order_update", variables: ["5521"] },
    });
    expect(missingValue.status).toBe(400);
    expect(missingValue.body.message).toContain("needs 2 values");

    const templated = await agentApi.post(`/api/cases/${caseId}/replies`, {
      template: { name: "order_update", variables: ["5521", "out for delivery"] },
    });
    expect(templated.status, JSON.stringify(templated.body)).toBe(201);
    expect(templated.body.body).toBe("Your order 5521 is out for delivery. Reply to continue.");
    const sent = await fake.waitForRequest(
      (r) => r.resource === "message" && r.params.ContentSid === contentSid,
    );
    expect(sent.params).toMatchObject({ To: `whatsapp:${from}`, From: `whatsapp:${WHATSAPP_FROM}` });
    expect(JSON.parse(sent.params.ContentVariables!)).toEqual({ "1": "5521", "2": "out for delivery" });
    expect(sent.params.Body).toBeUndefined();

    // A template without a Content SID goes as its filled-in words.
    const plain = await agentApi.post(`/api/cases/${caseId}/replies`, {
      template: { name: "follow_up", variables: ["Ana"] },
    });
    expect(plain.status).toBe(201);
    await fake.waitForRequest(
      (r) => r.resource === "message" && r.params.Body === "Hi Ana, do you still need help with your case?",
    );
    await expect
      .poll(async () => (await interaction(plain.body.id)).status, { timeout: 10_000 })
      .toBe("sent");

    // The customer answers: the window opens again and free-form words go.
    await customerWrites(from, "Yes please");
    const reopened = await agentApi.get(`/api/cases/${caseId}`);
    expect(reopened.body.whatsappWindow.open).toBe(true);
    const free = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Great, looking now." });
    expect(free.status).toBe(201);
  });

  it("refuses a template on a case of another channel", async () => {
    const sid = newSid("SM");
    await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound", { MessageSid: sid, SmsSid: sid, From: nextCustomer(), Body: "sms" }),
    );
    const [row] = await app.services.db.select().from(interactions).where(eq(interactions.externalId, sid));
    await assignCase(app.services, row!.caseId, agentId);
    const refused = await agentApi.post(`/api/cases/${row!.caseId}/replies`, {
      template: { name: "follow_up", variables: ["Ana"] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("Templates are for WhatsApp cases");
  });
});
