import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers/build-app.ts";
import {
  BROWSER_CALLING_ENV,
  type FakeTwilio,
  newSid,
  postTwilioWebhook,
  twilioFixture,
} from "../helpers/fake-twilio.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";
import { startTwilioApp, type TwilioTestApp } from "../helpers/twilio-app.ts";

const NUMBER = "+14155550100";

describe("hold", () => {
  let twilio: TwilioTestApp;
  let fake: FakeTwilio;
  let app: TestApp;
  let socket: RecordingSocket;

  beforeAll(async () => {
    twilio = await startTwilioApp({
      env: { ...BROWSER_CALLING_ENV, STATUS_UPDATES: "false", VOICE_WAIT_SECONDS: "600" },
      number: NUMBER,
    });
    ({ fake, app } = twilio);
  });
  afterAll(async () => {
    socket?.close();
    await twilio?.close();
  });

  const hook = (path: string, params: Record<string, string>) => twilio.voiceHook(path, params);
  const callOf = async (sid: string) => (await twilio.voiceInteraction(sid))!;
  const updatesOf = (callSid: string) =>
    fake.requests.filter((r) => r.resource === "call-update" && r.pathSid === callSid);

  it("parks the caller with music and puts them back through to their agent", async () => {
    const agent = await app.createAgent({ name: "Holly Hold" });
    socket = await connectAgent(app.url, agent.token);
    expect((await agent.api.post("/api/me/presence", { status: "available" })).status).toBe(200);

    const callSid = newSid("CA");
    const from = "+14155557301";
    expect(
      (await hook("", twilioFixture("voice-incoming", { CallSid: callSid, From: from, Caller: from })))
        .status,
    ).toBe(200);
    const caseId = (await callOf(callSid)).caseId;
    const offer = await socket.waitFor("offer", (payload) => payload.caseId === caseId);
    expect((await socket.emitWithAck("offer.accept", { offerId: offer.offerId })).ok).toBe(true);
    await fake.waitForRequest((r) => r.resource === "call-update" && r.pathSid === callSid);
    await expect
      .poll(async () => (await callOf(callSid)).metadata.phase, { timeout: 5000 })
      .toBe("connecting");
    const leg = (legSid: string) =>
      twilioFixture("voice-dial-leg-answered", {
        CallSid: legSid,
        ParentCallSid: callSid,
        To: `client:agent-${agent.id}`,
        From: from,
      });
    expect((await hook("/status", leg(newSid("CA")))).status).toBe(204);
    expect((await callOf(callSid)).metadata.phase).toBe("connected");

    const held = await agent.api.post(`/api/cases/${caseId}/call/hold`, { action: "hold" });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body).toEqual({ callSid, held: true });
    const parked = updatesOf(callSid).at(-1)!;
    expect(parked.params.Twiml).toContain("<Play");
    expect(parked.params.Twiml).toContain(`${app.config.publicUrl}/webhooks/twilio/voice/wait`);
    expect((await callOf(callSid)).metadata).toMatchObject({ phase: "held" });
    // The bridge's end and every round of music keep the caller parked; nobody is rung meanwhile.
    const dialEnded = await hook("/dial-status", twilioFixture("voice-dial-action", { CallSid: callSid }));
    expect(dialEnded.body).toContain("<Play");
    const round = await hook("/wait", twilioFixture("voice-incoming", { CallSid: callSid }));
    expect(round.body).toContain("<Play");
    expect(round.body).not.toContain("<Dial");
    // Held twice is refused: there is no connected call left to hold.
    expect((await agent.api.post(`/api/cases/${caseId}/call/hold`, { action: "hold" })).status).toBe(409);

    const resumed = await agent.api.post(`/api/cases/${caseId}/call/hold`, { action: "resume" });
    expect(resumed.body).toEqual({ callSid, held: false });
    expect(updatesOf(callSid).at(-1)!.params.Twiml).toContain(
      `<Redirect method="POST">${app.config.publicUrl}/webhooks/twilio/voice/wait</Redirect>`,
    );
    const back = await hook("/wait", twilioFixture("voice-incoming", { CallSid: callSid }));
    expect(back.body).toContain(`<Identity>agent-${agent.id}</Identity>`);
    expect((await callOf(callSid)).metadata.phase).toBe("connecting");
    expect((await hook("/status", leg(newSid("CA")))).status).toBe(204);
    expect((await callOf(callSid)).metadata.phase).toBe("connected");
  });

  it("moves a caller with their case: to the colleague it is transferred to, or back into the queue", async () => {
    const first = await app.createAgent({ name: "Tara Transfer" });
    const second = await app.createAgent({ name: "Bo Backup" });
    const firstSocket = await connectAgent(app.url, first.token);
    const secondSocket = await connectAgent(app.url, second.token);
    try {
      expect((await first.api.post("/api/me/presence", { status: "available" })).status).toBe(200);
      const callSid = newSid("CA");
      const from = "+14155557303";
      await hook("", twilioFixture("voice-incoming", { CallSid: callSid, From: from, Caller: from }));
      const caseId = (await callOf(callSid)).caseId;
      const offer = await firstSocket.waitFor("offer", (payload) => payload.caseId === caseId);
      expect((await firstSocket.emitWithAck("offer.accept", { offerId: offer.offerId })).ok).toBe(true);
      await expect
        .poll(async () => (await callOf(callSid)).metadata.phase, { timeout: 5000 })
        .toBe("connecting");
      const firstLeg = newSid("CA");
      const answeredBy = (legSid: string, agentId: string) =>
        twilioFixture("voice-dial-leg-answered", {
          CallSid: legSid,
          ParentCallSid: callSid,
          To: `client:agent-${agentId}`,
          From: from,
        });
      await hook("/status", answeredBy(firstLeg, first.id));
      expect((await callOf(callSid)).metadata).toMatchObject({ phase: "connected", agentId: first.id });

      // Transferred to a colleague: the caller is put through to them, not left with the first agent.
      expect((await second.api.post("/api/me/presence", { status: "available" })).status).toBe(200);
      const updatesBefore = updatesOf(callSid).length;
      const transferred = await first.api.post(`/api/cases/${caseId}/transfer`, {
        toAgentId: second.id,
        note: "Billing question, over to Bo",
      });
      expect(transferred.status, JSON.stringify(transferred.body)).toBe(200);
      await fake.waitForRequest(
        (r) =>
          r.resource === "call-update" &&
          r.pathSid === callSid &&
          (r.params.Twiml ?? "").includes(`<Identity>agent-${second.id}</Identity>`),
      );
      expect(updatesOf(callSid).length).toBe(updatesBefore + 1);
      expect((await callOf(callSid)).metadata).toMatchObject({
        phase: "connecting",
        agentId: second.id,
        transferredLegSid: firstLeg,
      });
      // The first agent's bridge ending does not hang the caller up.
      const oldBridge = await hook(
        "/dial-status",
        twilioFixture("voice-dial-action", {
          CallSid: callSid,
          DialCallSid: firstLeg,
          DialCallStatus: "completed",
        }),
      );
      expect(oldBridge.body).not.toContain("<Hangup");
      const secondLeg = newSid("CA");
      await hook("/status", answeredBy(secondLeg, second.id));
      expect((await callOf(callSid)).metadata).toMatchObject({ phase: "connected", agentId: second.id });

      // Sent back to the queue while nobody is free: the caller holds there with the music.
      expect((await first.api.post("/api/me/presence", { status: "away" })).status).toBe(200);
      const queueId = (await app.admin.get(`/api/cases/${caseId}`)).body.queueId as string;
      const queued = await second.api.post(`/api/cases/${caseId}/transfer`, { toQueueId: queueId });
      expect(queued.status, JSON.stringify(queued.body)).toBe(200);
      await fake.waitForRequest(
        (r) =>
          r.resource === "call-update" &&
          r.pathSid === callSid &&
          (r.params.Twiml ?? "").includes("Please hold while we transfer your call."),
      );
      expect((await callOf(callSid)).metadata.phase).toBe("waiting");
      expect((await second.api.post("/api/me/presence", { status: "away" })).status).toBe(200);
      const holding = await hook("/wait", twilioFixture("voice-incoming", { CallSid: callSid }));
      expect(holding.body).toContain("<Play");
      expect(holding.body).not.toContain("<Dial");

      // The first agent comes back and accepts: the caller is put through to them.
      expect((await first.api.post("/api/me/presence", { status: "available" })).status).toBe(200);
      const again = await firstSocket.waitFor(
        "offer",
        (payload) => payload.caseId === caseId && payload.offerId !== offer.offerId,
      );
      expect((await firstSocket.emitWithAck("offer.accept", { offerId: again.offerId })).ok).toBe(true);
      await expect
        .poll(async () => (await callOf(callSid)).metadata, { timeout: 5000 })
        .toMatchObject({ phase: "connecting", agentId: first.id });
    } finally {
      firstSocket.close();
      secondSocket.close();
    }
  });

  it("refuses to hold a case without a live call, or a call the agent placed", async () => {
    const agent = await app.createAgent({ name: "No Call" });
    const sms = await postTwilioWebhook(
      app,
      "/webhooks/twilio/sms",
      twilioFixture("sms-inbound", { MessageSid: newSid("SM"), From: "+14155557302", To: NUMBER }),
    );
    expect(sms.status).toBe(200);
    const listed = await app.admin.get("/api/cases?q=7302");
    const caseId = listed.body.items[0].id as string;
    const none = await app.admin.post(`/api/cases/${caseId}/call/hold`, { action: "hold" });
    expect(none.status).toBe(409);
    expect(none.body.message).toContain("no call in progress");
    expect((await agent.api.post(`/api/cases/${caseId}/call/hold`, { action: "hold" })).status).toBe(403);

    // The admin calls the customer from the case, and the customer answers.
    expect((await app.admin.post(`/api/cases/${caseId}/call`)).status).toBe(201);
    const callSid = newSid("CA");
    const me = (await app.admin.get("/api/me")).body.id as string;
    await postTwilioWebhook(
      app,
      "/webhooks/twilio/voice/outbound",
      twilioFixture("voice-outbound-client", {
        CallSid: callSid,
        From: `client:agent-${me}`,
        Caller: `client:agent-${me}`,
        To: "+14155557302",
        caseId,
        AccountSid: fake.accountSid,
      }),
    );
    await hook(
      "/status",
      twilioFixture("voice-dial-leg-answered", {
        CallSid: newSid("CA"),
        ParentCallSid: callSid,
        To: "+14155557302",
      }),
    );
    expect((await callOf(callSid)).metadata.phase).toBe("connected");
    const placed = await app.admin.post(`/api/cases/${caseId}/call/hold`, { action: "hold" });
    expect(placed.status).toBe(409);
    expect(placed.body.message).toContain("a call you placed");
  });
});
