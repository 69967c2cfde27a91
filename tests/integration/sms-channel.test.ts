/**
 * SMS over Twilio end to end, with Twilio's REST API played by a local server: inbound messages
 * become cases (once per MessageSid, whatever the concurrency), replies go out from the number the
 * customer wrote to and their delivery reports move them forward only, consent keywords are obeyed,
 * and nothing unsigned is ever stored.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, interactions } from "../../db/schema/cases.ts";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import {
  type FakeTwilio,
  type FakeTwilioRequest,
  newSid,
  postTwilioWebhook,
  smsStatusFixture,
  startFakeTwilio,
  twilioFixture,
} from "../helpers/fake-twilio.ts";

const OUR_NUMBER = "+14155550100";

describe("SMS through Twilio", () => {
  let fake: FakeTwilio;
  let app: TestApp;
  let agentId = "";
  let agentApi: Awaited<ReturnType<TestApp["createAgent"]>>["api"];
  let customer = 2000;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    // Customer status updates would send SMS of their own; these tests look at replies only.
    app = await startTestApp({ env: { ...fake.env, SWEEP_INTERVAL_SECONDS: "1", STATUS_UPDATES: "false" } });
    fake.routeCallbacks(app.config.publicUrl, app.url);
    const number = await app.admin.post("/api/phone-numbers", { number: OUR_NUMBER, name: "Acme Support" });
    expect(number.status, JSON.stringify(number.body)).toBe(201);
    const agent = await app.createAgent({ name: "Sasha Texter" });
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

  const nextCustomer = () => {
    customer += 1;
    return `+1415555${String(customer).padStart(4, "0")}`;
  };
  const interactionBySid = async (sid: string) =>
    (
      await app.services.db
        .select()
        .from(interactions)
        .where(and(eq(interactions.channel, "sms"), eq(interactions.externalId, sid)))
    )[0];
  const interaction = async (id: string) =>
    (await app.services.db.select().from(interactions).where(eq(interactions.id, id)))[0]!;
  const identity = async (address: string) =>
    (
      await app.services.db
        .select()
        .from(contactIdentities)
        .where(and(eq(contactIdentities.kind, "phone"), eq(contactIdentities.address, address)))
    )[0];

  /** A customer texts us; returns the stored interaction. */
  const customerTexts = async (from: string, body: string, extra: Record<string, string> = {}) => {
    const sid = newSid("SM");
    const response = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound", {
        MessageSid: sid,
        SmsSid: sid,
        SmsMessageSid: sid,
        From: from,
        Body: body,
        ...extra,
      }),
    );
    expect(response.status, response.body).toBe(200);
    return { sid, response, stored: await interactionBySid(sid) };
  };

  /** A customer's case, assigned to our agent. */
  const assignedCase = async (from = nextCustomer()) => {
    const { stored } = await customerTexts(from, "Where is my parcel?");
    await assignCase(app.services, stored!.caseId, agentId);
    return { caseId: stored!.caseId, from };
  };

  const replyAndWaitForTwilio = async (
    caseId: string,
    body: string,
  ): Promise<{ replyId: string; sent: FakeTwilioRequest }> => {
    const reply = await agentApi.post(`/api/cases/${caseId}/replies`, { body });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const sent = await fake.waitForRequest(
      (request) => request.resource === "message" && request.params.Body === body,
    );
    return { replyId: reply.body.id, sent };
  };

  it("turns an inbound SMS into a case and answers Twilio with empty TwiML after storing it", async () => {
    const from = nextCustomer();
    const { sid, response, stored } = await customerTexts(from, "Hi, my order #4417 has not arrived yet.");
    expect(response.contentType).toMatch(/^text\/xml/);
    expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(stored).toMatchObject({
      externalId: sid,
      direction: "inbound",
      kind: "message",
      status: "received",
      body: "Hi, my order #4417 has not arrived yet.",
    });
    expect(stored!.metadata).toMatchObject({
      numMedia: 0,
      segments: 1,
      senderLocation: { city: "SAN FRANCISCO", state: "CA", country: "US" },
    });
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, stored!.caseId));
    expect(row).toMatchObject({
      channel: "sms",
      customerAddress: from,
      channelAddress: OUR_NUMBER,
      state: "queued",
    });
  });

  it("sends an agent's reply from the number the customer wrote to and follows it to delivered", async () => {
    const { caseId, from } = await assignedCase();
    const { replyId, sent } = await replyAndWaitForTwilio(caseId, "Your parcel arrives tomorrow.");
    expect(sent.authorized).toBe(true);
    expect(sent.params).toMatchObject({ To: from, From: OUR_NUMBER, Body: "Your parcel arrives tomorrow." });
    expect(sent.params.StatusCallback).toBe(
      `${app.config.publicUrl}/webhooks/twilio/sms/status?interaction=${replyId}`,
    );
    await expect.poll(async () => (await interaction(replyId)).status, { timeout: 10_000 }).toBe("sent");
    expect(await interaction(replyId)).toMatchObject({
      externalId: sent.sid,
      metadata: { from: OUR_NUMBER, segments: 1 },
    });

    const report = (status: string) =>
      fake.callback(
        sent.params.StatusCallback!,
        smsStatusFixture(status, { MessageSid: sent.sid!, SmsSid: sent.sid!, To: from }),
      );
    expect((await report("sent")).status).toBe(204);
    expect((await report("delivered")).status).toBe(204);
    expect((await interaction(replyId)).status).toBe("delivered");
  });

  it("never moves a delivery status backwards when reports arrive out of order", async () => {
    const { caseId, from } = await assignedCase();
    const { replyId, sent } = await replyAndWaitForTwilio(caseId, "Out of order, please.");
    await expect.poll(async () => (await interaction(replyId)).status, { timeout: 10_000 }).toBe("sent");
    const report = (status: string) =>
      fake.callback(
        sent.params.StatusCallback!,
        smsStatusFixture(status, { MessageSid: sent.sid!, SmsSid: sent.sid!, To: from }),
      );
    await report("delivered");
    for (const late of ["sent", "sending", "queued", "undelivered"]) {
      expect((await report(late)).status).toBe(204);
      expect((await interaction(replyId)).status).toBe("delivered");
    }
  });

  it("stores a message once when Twilio delivers the same MessageSid three times at once", async () => {
    const sid = newSid("SM");
    const from = nextCustomer();
    const body = twilioFixture("sms-inbound", { MessageSid: sid, SmsSid: sid, From: from, Body: "Hello?" });
    const responses = await Promise.all(
      [1, 2, 3].map(() => postTwilioWebhook(app, "/webhooks/twilio/sms", body)),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const stored = await app.services.db
      .select()
      .from(interactions)
      .where(and(eq(interactions.channel, "sms"), eq(interactions.externalId, sid)));
    expect(stored).toHaveLength(1);
    const opened = await app.services.db.select().from(cases).where(eq(cases.customerAddress, from));
    expect(opened).toHaveLength(1);
  });

  it("refuses a missing or wrong signature with 403 and stores nothing", async () => {
    const sid = newSid("SM");
    const from = nextCustomer();
    const body = twilioFixture("sms-inbound", { MessageSid: sid, From: from });
    const missing = await postTwilioWebhook(app, "/webhooks/twilio/sms", body, { signature: null });
    const wrong = await postTwilioWebhook(app, "/webhooks/twilio/sms", body, {
      signature: "bm90IGEgc2lnbmF0dXJl",
    });
    const otherToken = await postTwilioWebhook(app, "/webhooks/twilio/sms", body, {
      authToken: "someone-elses-token-0000",
    });
    // Signed for one body, sent with another: the signature covers the fields too.
    const signedFor = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      { ...body, Body: "tampered" },
      {
        signature: (await import("twilio")).default.getExpectedTwilioSignature(
          fake.authToken,
          `${app.config.publicUrl}/webhooks/twilio/sms`,
          body,
        ),
      },
    );
    for (const response of [missing, wrong, otherToken, signedFor]) {
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body)).toEqual({
        error: "forbidden",
        message: "The Twilio signature is missing or does not match this request.",
      });
    }
    expect(await interactionBySid(sid)).toBeUndefined();
    expect(await identity(from)).toBeUndefined();
    // Even a body we would reject is refused for its signature first.
    expect(
      (await postTwilioWebhook(app, "/webhooks/twilio/sms", { Body: "no sid" }, { signature: null })).status,
    ).toBe(403);
  });

  it("refuses an unsigned status report and leaves the message as it was", async () => {
    const { caseId, from } = await assignedCase();
    const { replyId, sent } = await replyAndWaitForTwilio(caseId, "Unsigned report ahead.");
    await expect.poll(async () => (await interaction(replyId)).status, { timeout: 10_000 }).toBe("sent");
    const path = new URL(sent.params.StatusCallback!).pathname + new URL(sent.params.StatusCallback!).search;
    const forged = await postTwilioWebhook(
      app,
      path,
      smsStatusFixture("failed", { MessageSid: sent.sid!, SmsSid: sent.sid!, To: from }),
      { signature: "Zm9yZ2Vk" },
    );
    expect(forged.status).toBe(403);
    expect((await interaction(replyId)).status).toBe("sent");
  });

  it("records MMS media with their content types", async () => {
    const sid = newSid("MM");
    const from = nextCustomer();
    const response = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound-mms", { MessageSid: sid, SmsSid: sid, From: from }),
    );
    expect(response.status).toBe(200);
    const stored = await interactionBySid(sid);
    expect(stored!.body).toBe("Here is the damaged box and the label");
    expect(stored!.metadata).toMatchObject({
      numMedia: 2,
      media: [
        { url: expect.stringMatching(/\/Media\/ME0a1b/), contentType: "image/jpeg" },
        { url: expect.stringMatching(/\/Media\/ME9f8e/), contentType: "application/pdf" },
      ],
      senderLocation: { city: "NEW YORK" },
    });
  });

  it("opts a number out on STOP, keeps it on the case without moving it, and refuses the next reply", async () => {
    const { caseId, from } = await assignedCase();
    const stop = await customerTexts(from, "  Stop ");
    expect(stop.stored).toMatchObject({
      caseId,
      body: "  Stop ",
      metadata: { consent: { action: "opt-out", keyword: "STOP" } },
    });
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, caseId));
    expect(row!.state).toBe("assigned");
    expect(await identity(from)).toMatchObject({ optOutMethod: "SMS STOP", optedOutAt: expect.any(Date) });
    const refused = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Are you still there?" });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/opted out of sms messages .*\(SMS STOP\)/);

    // A reply queued before the STOP arrived is not sent after it either.
    await expect(
      app.services.senders.sms!.send({
        interactionId: "00000000-0000-4000-8000-000000000000",
        caseId,
        caseNumber: row!.number,
        channel: "sms",
        to: from,
        from: OUR_NUMBER,
        subject: "",
        body: "Queued before STOP",
        agent: null,
        metadata: {},
      }),
    ).rejects.toMatchObject({ code: "INVALID", message: expect.stringMatching(/opted out/) });

    const start = await customerTexts(from, "START");
    expect(start.stored!.metadata).toMatchObject({ consent: { action: "opt-in", keyword: "START" } });
    expect(await identity(from)).toMatchObject({ optedOutAt: null, optOutMethod: null });
    expect((await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Welcome back" })).status).toBe(201);
  });

  it("records STOP from a number without a case without opening one", async () => {
    const from = nextCustomer();
    const { stored } = await customerTexts(from, "UNSUBSCRIBE");
    expect(stored).toBeUndefined();
    expect(await identity(from)).toMatchObject({ optOutMethod: "SMS UNSUBSCRIBE" });
    expect(await app.services.db.select().from(cases).where(eq(cases.customerAddress, from))).toHaveLength(0);
  });

  it("answers HELP automatically, even to an opted-out number", async () => {
    const from = nextCustomer();
    await customerTexts(from, "STOP");
    const { stored } = await customerTexts(from, "help");
    expect(stored).toBeDefined();
    const answer = await fake.waitForRequest(
      (request) => request.resource === "message" && request.params.To === from,
    );
    expect(answer.params).toMatchObject({ From: OUR_NUMBER });
    expect(answer.params.Body).toMatch(/^Acme Support: .*Reply STOP to unsubscribe/);
    const [reply] = await app.services.db
      .select()
      .from(interactions)
      .where(and(eq(interactions.caseId, stored!.caseId), eq(interactions.direction, "outbound")));
    expect(reply).toMatchObject({ authorAgentId: null, metadata: { automatic: true, helpReply: true } });
    await expect.poll(async () => (await interaction(reply!.id)).status, { timeout: 10_000 }).toBe("sent");
  });

  it("shows the agent Twilio's error code when Twilio refuses a reply", async () => {
    const { caseId } = await assignedCase();
    fake.failNext({
      status: 400,
      code: 21211,
      message: "The 'To' number +15005550001 is not a valid phone number.",
      when: (request) => request.params.Body === "Refused by Twilio",
    });
    const reply = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Refused by Twilio" });
    await expect
      .poll(async () => (await interaction(reply.body.id)).status, { timeout: 10_000 })
      .toBe("failed");
    expect(await interaction(reply.body.id)).toMatchObject({
      attempts: 1,
      statusReason: "The 'To' number +15005550001 is not a valid phone number. (Twilio error 21211)",
    });
  });

  it("shows the agent why a sent message was not delivered", async () => {
    const { caseId, from } = await assignedCase();
    const { replyId, sent } = await replyAndWaitForTwilio(caseId, "Undeliverable.");
    await expect.poll(async () => (await interaction(replyId)).status, { timeout: 10_000 }).toBe("sent");
    await fake.callback(
      sent.params.StatusCallback!,
      smsStatusFixture("undelivered", { MessageSid: sent.sid!, SmsSid: sent.sid!, To: from }),
    );
    expect(await interaction(replyId)).toMatchObject({
      status: "failed",
      statusReason: expect.stringMatching(/undelivered: the handset is unreachable .*\(Twilio error 30003\)/),
    });
  });

  it("retries while Twilio is down and stops at once on refused credentials", async () => {
    const { caseId } = await assignedCase();
    fake.failNext({
      status: 503,
      code: 20500,
      message: "Service unavailable",
      when: (request) => request.params.Body === "Retry me",
    });
    const retried = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Retry me" });
    await expect
      .poll(async () => (await interaction(retried.body.id)).status, { timeout: 15_000 })
      .toBe("sent");
    expect((await interaction(retried.body.id)).attempts).toBe(2);

    fake.failNext({
      status: 401,
      code: 20003,
      message: "Authenticate",
      when: (request) => request.params.Body === "Bad credentials",
    });
    const refused = await agentApi.post(`/api/cases/${caseId}/replies`, { body: "Bad credentials" });
    await expect
      .poll(async () => (await interaction(refused.body.id)).status, { timeout: 10_000 })
      .toBe("failed");
    expect((await interaction(refused.body.id)).statusReason).toMatch(
      /Twilio refused our credentials.*\(Twilio error 20003\).*TWILIO_AUTH_TOKEN/,
    );
  });

  it("counts SMS segments for the reply box", async () => {
    const gsm = await agentApi.post("/api/sms/segments", { body: "a".repeat(161) });
    expect(gsm.body).toEqual({
      encoding: "GSM-7",
      segments: 2,
      charactersUsed: 161,
      charactersLeftInSegment: 145,
    });
    const unicode = await agentApi.post("/api/sms/segments", { body: "Danke 😊" });
    expect(unicode.body).toEqual({
      encoding: "UCS-2",
      segments: 1,
      charactersUsed: 8,
      charactersLeftInSegment: 62,
    });
    const unsigned = await fetch(`${app.url}/api/sms/segments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ body: "hi" }),
    });
    expect(unsigned.status).toBe(401);
  });
});
