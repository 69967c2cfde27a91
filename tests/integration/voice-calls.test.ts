/**
 * Inbound calls over Twilio with agents taking them in the browser: greeting and voice menu, the
 * chosen queue, holding with a place in line, the live call redirected to the agent who accepts,
 * call reports (talk time, duration, outcome, recordings), recording pause and resume, abandoned
 * callers, closed queues, Twilio's retries, and unsigned requests refused.
 */
import { and, eq, ne } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "../../cases/replies.ts";
import { agents } from "../../db/schema/agents.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import {
  BROWSER_CALLING_ENV,
  type FakeTwilio,
  newSid,
  postTwilioWebhook,
  startFakeTwilio,
  twilioFixture,
} from "../helpers/fake-twilio.ts";
import { routingSettled } from "../helpers/settled.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

const MAIN = "+14155550100";
const PLAIN = "+14155550101";
const NIGHT = "+14155550102";
const HOLD_MUSIC = "https://music.example.com/hold.mp3";

describe("inbound calls", () => {
  let fake: FakeTwilio;
  let app: TestApp;
  const sockets: RecordingSocket[] = [];
  const queue: Record<string, string> = {};
  let caller = 3000;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    app = await startTestApp({
      env: {
        ...fake.env,
        ...BROWSER_CALLING_ENV,
        VOICE_WAIT_SECONDS: "600",
        HOLD_MUSIC_URL: HOLD_MUSIC,
        STATUS_UPDATES: "false",
      },
    });
    fake.routeCallbacks(app.config.publicUrl, app.url);
    const today = new Date();
    const day = (offset: number) =>
      new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    for (const [name, extra] of [
      ["Billing", {}],
      ["Sales", {}],
      ["Support", {}],
      // Open every day, but today (and the days either side, whatever the clock) are holidays.
      [
        "Night desk",
        {
          businessHours: {
            timeZone: "UTC",
            weekly: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ day: d, start: "00:00", end: "24:00" })),
            holidays: [day(-1), day(0), day(1)],
          },
        },
      ],
    ] as const) {
      const created = await app.admin.post("/api/queues", { name, ...extra });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      queue[name] = created.body.id;
    }
    const numbers = [
      {
        number: MAIN,
        name: "Acme main line",
        queueId: queue.Support,
        greeting: "Thank you for calling Acme. Calls are recorded.",
        ivr: [
          { digit: "1", label: "Billing", queueId: queue.Billing },
          { digit: "2", label: "Sales", queueId: queue.Sales },
        ],
      },
      { number: PLAIN, queueId: queue.Support },
      { number: NIGHT, queueId: queue["Night desk"], greeting: "Acme night line." },
    ];
    for (const number of numbers)
      expect((await app.admin.post("/api/phone-numbers", number)).status).toBe(201);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
    await fake?.close();
  });
  // Each test starts with nobody available and nothing waiting.
  afterEach(async () => {
    for (const { id } of await app.services.db.select({ id: agents.id }).from(agents))
      await app.services.router.setPresence({ agentId: id, presence: "offline" });
    for (const { id } of await app.services.db
      .select({ id: cases.id })
      .from(cases)
      .where(ne(cases.state, "closed")))
      await performAction(app.services.cases, { caseId: id, action: "close", actor: { type: "system" } });
  });

  const nextCaller = () => {
    caller += 1;
    return `+1628555${String(caller).padStart(4, "0")}`;
  };
  const callOf = async (callSid: string) =>
    (
      await app.services.db
        .select()
        .from(interactions)
        .where(and(eq(interactions.channel, "voice"), eq(interactions.externalId, callSid)))
    )[0];
  const caseOf = async (caseId: string) =>
    (await app.services.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;
  const hook = (path: string, params: Record<string, string>) =>
    postTwilioWebhook(app, `/webhooks/twilio/voice${path}`, params);

  /** Someone calls one of our numbers; returns Twilio's first TwiML and the stored call. */
  const dial = async (to: string, from = nextCaller()) => {
    const callSid = newSid("CA");
    const params = twilioFixture("voice-incoming", {
      CallSid: callSid,
      To: to,
      Called: to,
      From: from,
      Caller: from,
    });
    const response = await hook("", params);
    expect(response.status, response.body).toBe(200);
    const call = await callOf(callSid);
    return { callSid, from, params, twiml: response.body, call: call!, caseId: call!.caseId };
  };

  it("opens a case for the caller and greets them with the number's voice menu", async () => {
    const { twiml, call, caseId, from, params } = await dial(MAIN);
    expect(twiml).toContain("<Say>Thank you for calling Acme. Calls are recorded.</Say>");
    expect(twiml).toContain(
      `<Gather numDigits="1" action="${app.config.publicUrl}/webhooks/twilio/voice/menu"`,
    );
    expect(twiml).toContain("<Say>For Billing, press 1. For Sales, press 2.</Say>");
    expect(call).toMatchObject({
      kind: "call",
      direction: "inbound",
      status: "received",
      body: `Call from ${from}`,
    });
    expect(call.metadata).toMatchObject({
      direction: "inbound",
      phase: "menu",
      openedCase: true,
      callStatus: "ringing",
    });
    expect(await caseOf(caseId)).toMatchObject({
      channel: "voice",
      customerAddress: from,
      channelAddress: MAIN,
      queueId: queue.Support,
      state: "queued",
    });

    // Twilio retries the webhook: still one call, one case.
    const again = await hook("", params);
    expect(again.status).toBe(200);
    expect(again.body).toContain("<Gather");
    const stored = await app.services.db.select().from(interactions).where(eq(interactions.caseId, caseId));
    expect(stored).toHaveLength(1);
    expect(await app.services.db.select().from(cases).where(eq(cases.customerAddress, from))).toHaveLength(1);
  });

  it("moves the case to the queue of the chosen option, then holds the caller", async () => {
    const { callSid, caseId, from } = await dial(MAIN);
    const menu = await hook(
      "/menu",
      twilioFixture("voice-gather", { CallSid: callSid, Digits: "2", From: from }),
    );
    expect(menu.status).toBe(200);
    expect(menu.body).toContain("You are next in line.");
    expect(menu.body).toContain(`<Play>${HOLD_MUSIC}</Play>`);
    expect(menu.body).toContain(
      `<Redirect method="POST">${app.config.publicUrl}/webhooks/twilio/voice/wait</Redirect>`,
    );
    expect(await caseOf(caseId)).toMatchObject({ queueId: queue.Sales, state: "queued" });
    expect((await callOf(callSid))!.metadata).toMatchObject({
      phase: "waiting",
      menuChoice: { digit: "2", label: "Sales", valid: true },
    });
  });

  it("keeps a caller who pressed no option or a wrong one in the number's queue", async () => {
    const wrong = await dial(MAIN);
    const menu = await hook("/menu", twilioFixture("voice-gather", { CallSid: wrong.callSid, Digits: "9" }));
    expect(menu.body).toContain("Sorry, that is not one of the options.");
    expect(await caseOf(wrong.caseId)).toMatchObject({ queueId: queue.Support });

    const silent = await dial(MAIN);
    const fallthrough = await hook(
      "/menu",
      twilioFixture("voice-gather", { CallSid: silent.callSid, Digits: "" }),
    );
    expect(fallthrough.body).not.toContain("Sorry");
    expect(fallthrough.body).toContain("in line.");
    expect(await caseOf(silent.caseId)).toMatchObject({ queueId: queue.Support });
  });

  it("tells waiting callers their place in line, refreshed on every round of hold", async () => {
    const first = await dial(PLAIN);
    expect(first.twiml).toContain("<Say>You are next in line.</Say>");
    expect(first.twiml).not.toContain("<Gather");
    const second = await dial(PLAIN);
    expect(second.twiml).toContain("<Say>You are number 2 in line.</Say>");
    await app.services.router.transfer({
      caseId: first.caseId,
      toQueueId: queue.Billing,
      actor: { type: "system" },
    });
    const round = await hook(
      "/wait",
      twilioFixture("voice-incoming", { CallSid: second.callSid, CallStatus: "in-progress" }),
    );
    expect(round.body).toContain("<Say>You are next in line.</Say>");
  });

  it("sends callers of a closed queue straight to voicemail", async () => {
    const { twiml, callSid } = await dial(NIGHT);
    expect(twiml).toContain("<Say>Acme night line.</Say><Say>We are closed right now.");
    expect(twiml).toContain('transcribe="true"');
    expect(twiml).toContain(
      `transcribeCallback="${app.config.publicUrl}/webhooks/twilio/voice/transcription"`,
    );
    expect((await callOf(callSid))!.metadata).toMatchObject({
      phase: "voicemail",
      voicemailReason: "closed",
    });
  });

  it("records a caller who hangs up while waiting as abandoned and takes the case out of the queue", async () => {
    const { callSid, caseId } = await dial(PLAIN);
    const report = await hook(
      "/status",
      twilioFixture("voice-status-completed", { CallSid: callSid, CallDuration: "12" }),
    );
    expect(report.status).toBe(204);
    expect((await callOf(callSid))!.metadata).toMatchObject({
      phase: "ended",
      outcome: "abandoned",
      durationSeconds: 12,
      callStatus: "completed",
    });
    expect(await caseOf(caseId)).toMatchObject({ state: "closed" });
  });

  it("puts the caller through to the agent who accepts the case, and records how the call went", async () => {
    const agent = await app.createAgent({ name: "Ada Lovelace" });
    const socket = await connectAgent(app.url, agent.token);
    sockets.push(socket);
    expect((await agent.api.post("/api/me/presence", { status: "available" })).status).toBe(200);
    const { callSid, caseId, from } = await dial(PLAIN);
    const offer = await socket.waitFor("offer", (payload) => payload.caseId === caseId);
    expect((await socket.emitWithAck("offer.accept", { offerId: offer.offerId })).ok).toBe(true);

    const redirect = await fake.waitForRequest((r) => r.resource === "call-update" && r.pathSid === callSid);
    expect(redirect.authorized).toBe(true);
    expect(redirect.params.Twiml).toContain("<Say>Connecting you to Ada.</Say>");
    expect(redirect.params.Twiml).toContain(`<Identity>agent-${agent.id}</Identity>`);
    expect(redirect.params.Twiml).toContain(`<Parameter name="caseId" value="${caseId}"/>`);
    expect(redirect.params.Twiml).toContain('record="record-from-answer-dual"');
    await expect
      .poll(async () => (await callOf(callSid))!.metadata.phase, { timeout: 5000 })
      .toBe("connecting");

    // The agent's browser answers.
    const legSid = newSid("CA");
    const leg = twilioFixture("voice-dial-leg-answered", {
      CallSid: legSid,
      ParentCallSid: callSid,
      To: `client:agent-${agent.id}`,
      From: from,
    });
    expect((await hook("/status", leg)).status).toBe(204);
    expect((await callOf(callSid))!.metadata).toMatchObject({
      phase: "connected",
      agentId: agent.id,
      legSid,
    });

    // Mid-call the customer reads out a card number: the agent pauses the recording, then resumes.
    const pause = await agent.api.post(`/api/cases/${caseId}/call/recording`, { action: "pause" });
    expect(pause.status, JSON.stringify(pause.body)).toBe(200);
    expect(pause.body).toEqual({ callSid, recording: "paused" });
    const paused = await fake.waitForRequest(
      (r) => r.resource === "recording-update" && r.params.Status === "paused",
    );
    expect(paused.path).toBe(
      `/2010-04-01/Accounts/${fake.accountSid}/Calls/${callSid}/Recordings/Twilio.CURRENT.json`,
    );
    expect(paused.params.PauseBehavior).toBe("skip");
    expect((await agent.api.post(`/api/cases/${caseId}/call/recording`, { action: "resume" })).body).toEqual({
      callSid,
      recording: "in-progress",
    });
    await fake.waitForRequest((r) => r.resource === "recording-update" && r.params.Status === "in-progress");
    const stranger = await app.createAgent({ name: "Not Theirs" });
    expect((await stranger.api.post(`/api/cases/${caseId}/call/recording`, { action: "pause" })).status).toBe(
      403,
    );

    // The agent hangs up: Twilio reports the dial, the recording, then the end of the call.
    const dialed = await hook(
      "/dial-status",
      twilioFixture("voice-dial-action", { CallSid: callSid, DialCallSid: legSid, DialCallDuration: "63" }),
    );
    expect(dialed.body).toContain("<Hangup/>");
    const recordingSid = newSid("RE");
    await hook(
      "/recording",
      twilioFixture("voice-recording", {
        CallSid: callSid,
        RecordingSid: recordingSid,
        RecordingSource: "DialVerb",
        RecordingDuration: "61",
        RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${fake.accountSid}/Recordings/${recordingSid}`,
      }),
    );
    await hook("/status", twilioFixture("voice-status-completed", { CallSid: callSid, CallDuration: "75" }));
    const ended = (await callOf(callSid))!.metadata;
    expect(ended).toMatchObject({
      phase: "ended",
      outcome: "answered",
      talkSeconds: 63,
      durationSeconds: 75,
      recordings: [{ sid: recordingSid, durationSeconds: 61, source: "DialVerb" }],
    });
    expect(await caseOf(caseId)).toMatchObject({ state: "assigned", assigneeId: agent.id });
    // The console saw the call end, with its talk time, as it happened.
    const pushed = await socket.waitFor(
      "interaction.updated",
      (i) => i.externalId === callSid && i.metadata.phase === "ended",
    );
    expect(pushed.metadata).toMatchObject({ outcome: "answered", talkSeconds: 63 });
    const after = await agent.api.post(`/api/cases/${caseId}/call/recording`, { action: "pause" });
    expect(after.status).toBe(409);
    expect(after.body.message).toMatch(/no call in progress/);
  });

  it("frees the agent for other work when the caller hangs up, though the call's case stays open", async () => {
    const agent = await app.createAgent({ name: "Grace Hopper" });
    const socket = await connectAgent(app.url, agent.token);
    sockets.push(socket);
    expect((await agent.api.post("/api/me/presence", { status: "available" })).status).toBe(200);
    const first = await dial(PLAIN);
    const offer = await socket.waitFor("offer", (payload) => payload.caseId === first.caseId);
    expect((await socket.emitWithAck("offer.accept", { offerId: offer.offerId })).ok).toBe(true);
    await fake.waitForRequest((r) => r.resource === "call-update" && r.pathSid === first.callSid);
    const leg = twilioFixture("voice-dial-leg-answered", {
      CallSid: newSid("CA"),
      ParentCallSid: first.callSid,
      To: `client:agent-${agent.id}`,
      From: first.from,
    });
    expect((await hook("/status", leg)).status).toBe(204);

    // On the call: a second caller waits, and nothing else is offered to the agent.
    const second = await dial(PLAIN);
    await routingSettled(app);
    expect(socket.events.some((e) => e.name === "offer" && e.payload.caseId === second.caseId)).toBe(false);
    expect((await caseOf(second.caseId)).state).toBe("queued");

    // The first caller hangs up; the agent keeps that case open for follow-up and gets the next call.
    await hook(
      "/status",
      twilioFixture("voice-status-completed", { CallSid: first.callSid, CallDuration: "40" }),
    );
    await socket.waitFor("offer", (payload) => payload.caseId === second.caseId);
    expect(await caseOf(first.caseId)).toMatchObject({ state: "assigned", assigneeId: agent.id });
  });

  it("refuses every Twilio webhook without a valid signature and stores nothing", async () => {
    const callSid = newSid("CA");
    const from = nextCaller();
    const body = twilioFixture("voice-incoming", { CallSid: callSid, From: from, To: PLAIN });
    for (const path of [
      "/webhooks/twilio/voice",
      "/webhooks/twilio/voice/menu",
      "/webhooks/twilio/voice/wait",
      "/webhooks/twilio/voice/dial-status",
      "/webhooks/twilio/voice/status",
      "/webhooks/twilio/voice/recording",
      "/webhooks/twilio/voice/voicemail",
      "/webhooks/twilio/voice/transcription",
      "/webhooks/twilio/voice/outbound",
      "/webhooks/twilio/voice/connect?case=00000000-0000-4000-8000-000000000000",
      "/webhooks/twilio/sms",
      "/webhooks/twilio/sms/status",
    ]) {
      for (const signature of [null, "d3Jvbmc="]) {
        const response = await postTwilioWebhook(app, path, body, { signature });
        expect(response.status, `${path} ${signature}`).toBe(403);
        expect(JSON.parse(response.body)).toMatchObject({ error: "forbidden" });
      }
    }
    expect(await callOf(callSid)).toBeUndefined();
    expect(await app.services.db.select().from(cases).where(eq(cases.customerAddress, from))).toHaveLength(0);
  });

  it("turns away a caller with a hidden number without storing anything", async () => {
    const callSid = newSid("CA");
    const response = await hook(
      "",
      twilioFixture("voice-incoming", {
        CallSid: callSid,
        From: "anonymous",
        Caller: "anonymous",
        To: PLAIN,
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatch(/hidden or unknown number.*<Hangup\/>/);
    expect(await callOf(callSid)).toBeUndefined();
  });
});
