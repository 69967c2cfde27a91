/**
 * The agent-facing side of voice: browser calling tokens (and what to configure without them),
 * click-to-call in the browser and through the agent's phone, and calls put through to the
 * fallback phone when agents do not take calls in the browser.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, interactions } from "../../db/schema/cases.ts";
import { phoneNumbers } from "../../db/schema/channels.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import {
  BROWSER_CALLING_ENV,
  type FakeTwilio,
  newSid,
  postTwilioWebhook,
  startFakeTwilio,
  twilioFixture,
} from "../helpers/fake-twilio.ts";

const OUR_NUMBER = "+14155550100";
const AGENT_PHONE = "+14155550177";

const decodeJwt = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));

describe("voice for agents", () => {
  let fake: FakeTwilio;
  /** Browser calling configured. */
  let browser: TestApp;
  /** Twilio without browser calling: calls go through the fallback phone. */
  let phone: TestApp;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    const quiet = { STATUS_UPDATES: "false", VOICE_WAIT_SECONDS: "600" };
    // Distinct public URLs, so the fake delivers each app's callbacks to that app.
    [browser, phone] = await Promise.all([
      startTestApp({
        env: {
          ...fake.env,
          ...BROWSER_CALLING_ENV,
          ...quiet,
          PUBLIC_URL: "https://browser.switchboard.test",
        },
      }),
      startTestApp({ env: { ...fake.env, ...quiet, PUBLIC_URL: "https://phone.switchboard.test" } }),
    ]);
    for (const app of [browser, phone]) {
      fake.routeCallbacks(app.config.publicUrl, app.url);
      const created = await app.admin.post("/api/phone-numbers", {
        number: OUR_NUMBER,
        name: "Acme",
        ...(app === phone ? { fallbackNumber: AGENT_PHONE } : {}),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), phone?.close()]);
    await fake?.close();
  });

  /** A customer's SMS case on `app`. */
  const smsCase = async (app: TestApp, from: string) => {
    const sid = newSid("SM");
    const response = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound", { MessageSid: sid, From: from, To: OUR_NUMBER }),
    );
    expect(response.status).toBe(200);
    const [stored] = await app.services.db
      .select()
      .from(interactions)
      .where(eq(interactions.externalId, sid));
    return stored!.caseId;
  };
  const callOf = async (app: TestApp, callSid: string) =>
    (
      await app.services.db
        .select()
        .from(interactions)
        .where(and(eq(interactions.channel, "voice"), eq(interactions.externalId, callSid)))
    )[0];

  describe("voice tokens", () => {
    it("gives a signed-in agent a Voice SDK token for their own identity", async () => {
      const agent = await browser.createAgent({ name: "Token Tess" });
      const response = await agent.api.get("/api/voice/token");
      expect(response.status).toBe(200);
      expect(response.body.identity).toBe(`agent-${agent.id}`);
      const claims = decodeJwt(response.body.token);
      expect(claims).toMatchObject({
        iss: BROWSER_CALLING_ENV.TWILIO_API_KEY_SID,
        sub: fake.accountSid,
        grants: {
          identity: `agent-${agent.id}`,
          voice: {
            incoming: { allow: true },
            outgoing: { application_sid: BROWSER_CALLING_ENV.TWILIO_TWIML_APP_SID },
          },
        },
      });
      expect(claims.exp - claims.iat).toBe(3600);
      expect(Date.parse(response.body.expiresAt)).toBeGreaterThan(Date.now());
    });

    it("says what to configure when browser calling is off", async () => {
      const withoutBrowser = await phone.admin.get("/api/voice/token");
      expect(withoutBrowser.status).toBe(409);
      expect(withoutBrowser.body.message).toMatch(
        /TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID/,
      );
      expect(withoutBrowser.body.message).not.toMatch(/TWILIO_ACCOUNT_SID/);
      expect((await fetch(`${browser.url}/api/voice/token`)).status).toBe(401);
    });
  });

  describe("click-to-call", () => {
    it("tells the browser what to dial, then dials only the case's customer from our number", async () => {
      const customer = "+14155552601";
      const caseId = await smsCase(browser, customer);
      const agent = await browser.createAgent({ name: "Caller Cleo" });
      const started = await agent.api.post(`/api/cases/${caseId}/call`);
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      expect(started.body).toEqual({
        mode: "browser",
        to: customer,
        callerId: OUR_NUMBER,
        params: { To: customer, caseId },
      });

      // The Voice SDK places the call; Twilio asks our TwiML app what to do.
      const callSid = newSid("CA");
      const client = `client:agent-${agent.id}`;
      const placed = twilioFixture("voice-outbound-client", {
        CallSid: callSid,
        From: client,
        Caller: client,
        To: customer,
        caseId,
        AccountSid: fake.accountSid,
      });
      const twiml = await postTwilioWebhook(browser, "/webhooks/twilio/voice/outbound", placed);
      expect(twiml.status).toBe(200);
      expect(twiml.body).toContain(`callerId="${OUR_NUMBER}"`);
      expect(twiml.body).toMatch(new RegExp(`<Number [^>]*>\\${customer}</Number>`));
      expect(await callOf(browser, callSid)).toMatchObject({
        caseId,
        kind: "call",
        direction: "outbound",
        authorAgentId: agent.id,
        status: "sent",
        body: `Call to ${customer}`,
        metadata: {
          direction: "outbound",
          phase: "connecting",
          target: "browser",
          to: customer,
          callerId: OUR_NUMBER,
        },
      });
      // Twilio retries the request: still one call on the case.
      await postTwilioWebhook(browser, "/webhooks/twilio/voice/outbound", placed);
      const calls = await browser.services.db
        .select()
        .from(interactions)
        .where(and(eq(interactions.caseId, caseId), eq(interactions.kind, "call")));
      expect(calls).toHaveLength(1);

      // The customer answers and they talk for 95 seconds.
      await postTwilioWebhook(
        browser,
        "/webhooks/twilio/voice/status",
        twilioFixture("voice-dial-leg-answered", {
          CallSid: newSid("CA"),
          ParentCallSid: callSid,
          To: customer,
        }),
      );
      expect((await callOf(browser, callSid))!.status).toBe("delivered");
      await postTwilioWebhook(
        browser,
        "/webhooks/twilio/voice/dial-status",
        twilioFixture("voice-dial-action", { CallSid: callSid, DialCallDuration: "95" }),
      );
      await postTwilioWebhook(
        browser,
        "/webhooks/twilio/voice/status",
        twilioFixture("voice-status-completed", {
          CallSid: callSid,
          CallDuration: "101",
          Direction: "inbound",
        }),
      );
      expect((await callOf(browser, callSid))!.metadata).toMatchObject({
        outcome: "answered",
        talkSeconds: 95,
        durationSeconds: 101,
        phase: "ended",
      });
    });

    it("refuses to dial anyone but the case's customer, or for anyone but an agent", async () => {
      const caseId = await smsCase(browser, "+14155552602");
      const agent = await browser.createAgent();
      const client = `client:agent-${agent.id}`;
      const attempt = (overrides: Record<string, string>) =>
        postTwilioWebhook(
          browser,
          "/webhooks/twilio/voice/outbound",
          twilioFixture("voice-outbound-client", {
            CallSid: newSid("CA"),
            From: client,
            caseId,
            ...overrides,
          }),
        );
      const elsewhere = await attempt({ To: "+19005550123" });
      expect(elsewhere.body).toMatch(/Only the customer of the case can be called.*<Hangup\/>/);
      const stranger = await attempt({ From: "client:someone", To: "+14155552602" });
      expect(stranger.body).toMatch(/only places calls for signed-in agents/);
      const noCase = await attempt({ To: "+14155552602", caseId: "not-a-case" });
      expect(noCase.body).toMatch(/Open a case/);
      const recorded = await browser.services.db
        .select()
        .from(interactions)
        .where(and(eq(interactions.caseId, caseId), eq(interactions.kind, "call")));
      expect(recorded).toHaveLength(0);
    });

    it("answers a database failure with a server error, not 'That case does not exist'", async () => {
      const caseId = await smsCase(browser, "+14155552604");
      const agent = await browser.createAgent();
      const placed = twilioFixture("voice-outbound-client", {
        CallSid: newSid("CA"),
        From: `client:agent-${agent.id}`,
        To: "+14155552604",
        caseId,
      });
      // A real database failure for the case lookup alone: its table is briefly not there.
      await browser.services.db.execute(sql`alter table cases rename to cases_away`);
      let answer: Awaited<ReturnType<typeof postTwilioWebhook>>;
      try {
        answer = await postTwilioWebhook(browser, "/webhooks/twilio/voice/outbound", placed);
      } finally {
        await browser.services.db.execute(sql`alter table cases_away rename to cases`);
      }
      expect(answer.body).not.toMatch(/does not exist/);
      // Twilio then tries the app's fallback URL or says the application failed; nothing is recorded.
      expect(answer.status).toBe(500);
      expect(await callOf(browser, placed.CallSid!)).toBeUndefined();
    });

    it("without browser calling rings the agent's phone first, then bridges to the customer", async () => {
      const customer = "+14155552603";
      const caseId = await smsCase(phone, customer);
      const agent = await phone.createAgent({ name: "Phone Phil" });
      const started = await agent.api.post(`/api/cases/${caseId}/call`);
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      expect(started.body).toMatchObject({
        mode: "phone",
        to: customer,
        callerId: OUR_NUMBER,
        agentPhone: AGENT_PHONE,
      });
      const created = fake.of("call").find((request) => request.sid === started.body.callSid)!;
      expect(created.params).toMatchObject({
        To: AGENT_PHONE,
        From: OUR_NUMBER,
        Url: `${phone.config.publicUrl}/webhooks/twilio/voice/connect?case=${caseId}`,
        StatusCallback: `${phone.config.publicUrl}/webhooks/twilio/voice/status`,
        StatusCallbackEvent: "initiated ringing answered completed",
      });
      expect(started.body.interaction).toMatchObject({
        caseId,
        kind: "call",
        direction: "outbound",
        externalId: started.body.callSid,
        authorAgentId: agent.id,
      });

      // The agent picks up their phone: Twilio fetches the TwiML that dials the customer.
      const bridge = await fake.callback(
        created.params.Url!,
        twilioFixture("voice-incoming", {
          CallSid: started.body.callSid,
          From: OUR_NUMBER,
          To: AGENT_PHONE,
          Direction: "outbound-api",
          CallStatus: "in-progress",
        }),
      );
      expect(bridge.status).toBe(200);
      expect(bridge.body).toContain("<Say>Calling case ");
      expect(bridge.body).toContain(`callerId="${OUR_NUMBER}"`);
      expect(bridge.body).toContain(`>${customer}</Number>`);

      // The customer never answers.
      await fake.callback(
        `${phone.config.publicUrl}/webhooks/twilio/voice/dial-status`,
        twilioFixture("voice-dial-action", {
          CallSid: started.body.callSid,
          DialCallStatus: "no-answer",
          DialCallDuration: "0",
        }),
      );
      expect(await callOf(phone, started.body.callSid)).toMatchObject({
        status: "failed",
        statusReason: `The call to ${customer} was not answered.`,
        metadata: { outcome: "no-answer" },
      });
    });

    it("counts a call as the first response only once the case is the agent's", async () => {
      const customer = "+14155552605";
      const caseId = await smsCase(browser, customer);
      const agent = await browser.createAgent({ name: "Early Eve" });
      const client = `client:agent-${agent.id}`;
      const place = async () => {
        const placed = await postTwilioWebhook(
          browser,
          "/webhooks/twilio/voice/outbound",
          twilioFixture("voice-outbound-client", {
            CallSid: newSid("CA"),
            From: client,
            Caller: client,
            To: customer,
            caseId,
            AccountSid: fake.accountSid,
          }),
        );
        expect(placed.status).toBe(200);
        return (await browser.services.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;
      };
      // Nobody holds the case yet: its machine refuses an agent's reply, so the call is on the
      // timeline but is no response, and nothing of the refused reply is written.
      const unheld = await place();
      expect(unheld.assigneeId).toBeNull();
      expect(unheld.firstResponseAt).toBeNull();
      await assignCase(browser.services, caseId, agent.id);
      const held = await place();
      expect(held.assigneeId).toBe(agent.id);
      expect(held.firstResponseAt).not.toBeNull();
    });

    it("says what is missing when there is no phone to ring", async () => {
      await phone.services.db.update(phoneNumbers).set({ fallbackNumber: null });
      try {
        const caseId = await smsCase(phone, "+14155552604");
        const refused = await phone.admin.post(`/api/cases/${caseId}/call`);
        expect(refused.status).toBe(409);
        expect(refused.body.message).toMatch(/browser calling .*or a fallback phone/);
      } finally {
        await phone.services.db.update(phoneNumbers).set({ fallbackNumber: AGENT_PHONE });
      }
      expect((await phone.admin.post("/api/cases/00000000-0000-4000-8000-000000000000/call")).status).toBe(
        404,
      );
    });
  });

  describe("calls without browser calling", () => {
    it("puts the caller through to the fallback phone once the case is assigned, and back in line if nobody answers", async () => {
      const agent = await phone.createAgent({ name: "Fallback Fay" });
      const callSid = newSid("CA");
      const from = "+16285550301";
      await postTwilioWebhook(
        phone,
        "/webhooks/twilio/voice",
        twilioFixture("voice-incoming", { CallSid: callSid, From: from, Caller: from, To: OUR_NUMBER }),
      );
      const caseId = (await callOf(phone, callSid))!.caseId;
      await assignCase(phone.services, caseId, agent.id);
      const redirect = await fake.waitForRequest(
        (r) => r.resource === "call-update" && r.pathSid === callSid,
      );
      expect(redirect.params.Twiml).toContain(`>${AGENT_PHONE}</Number>`);
      expect(redirect.params.Twiml).not.toContain("<Client");
      expect((await callOf(phone, callSid))!.metadata).toMatchObject({
        phase: "connecting",
        target: "phone",
        agentId: agent.id,
      });

      const missed = await postTwilioWebhook(
        phone,
        "/webhooks/twilio/voice/dial-status",
        twilioFixture("voice-dial-action", {
          CallSid: callSid,
          DialCallStatus: "no-answer",
          DialCallDuration: "0",
        }),
      );
      expect(missed.body).toContain("Sorry, that agent could not take your call.");
      expect(missed.body).toContain("in line.");
      expect((await callOf(phone, callSid))!.metadata).toMatchObject({
        phase: "waiting",
        missedBy: [agent.id],
      });
      const [row] = await phone.services.db.select().from(cases).where(eq(cases.id, caseId));
      expect(row).toMatchObject({ state: "queued", assigneeId: null });
    });
  });
});
