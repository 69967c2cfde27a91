/**
 * Voicemail: a caller nobody takes within VOICE_WAIT_SECONDS is redirected (through Twilio's REST
 * API) to a transcribed recording, and the recording and its transcription land on the case as a
 * voicemail message that stays in the queue for a call back.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, interactions } from "../../db/schema/cases.ts";
import type { TestApp } from "../helpers/build-app.ts";
import { type FakeTwilio, newSid, twilioFixture } from "../helpers/fake-twilio.ts";
import { startTwilioApp, type TwilioTestApp } from "../helpers/twilio-app.ts";

const NUMBER = "+14155550100";

describe("voicemail", () => {
  let fake: FakeTwilio;
  let app: TestApp;

  let twilio: TwilioTestApp;

  beforeAll(async () => {
    twilio = await startTwilioApp({
      env: { VOICE_WAIT_SECONDS: "1", STATUS_UPDATES: "false" },
      number: NUMBER,
    });
    ({ fake, app } = twilio);
  });
  afterAll(async () => {
    await twilio?.close();
  });

  const hook = (path: string, params: Record<string, string>) => twilio.voiceHook(path, params);
  const byExternalId = async (sid: string) => await twilio.voiceInteraction(sid);

  it("sends a caller nobody answered to voicemail and stores the recording and transcription on the case", async () => {
    const callSid = newSid("CA");
    const from = "+16285550199";
    const first = await hook(
      "",
      twilioFixture("voice-incoming", { CallSid: callSid, From: from, Caller: from }),
    );
    expect(first.body).toContain("<Say>You are next in line.</Say>");
    const call = (await byExternalId(callSid))!;

    // Nobody took the call in time: the wait timer redirects the live call.
    const redirect = await fake.waitForRequest(
      (r) => r.resource === "call-update" && r.pathSid === callSid,
      15_000,
    );
    expect(redirect.params.Twiml).toContain("Sorry, all our agents are still busy.");
    expect(redirect.params.Twiml).toContain(
      `<Record action="${app.config.publicUrl}/webhooks/twilio/voice/voicemail" method="POST" maxLength="180"`,
    );
    expect(redirect.params.Twiml).toContain('transcribe="true"');
    expect(redirect.params.Twiml).toContain(
      `recordingStatusCallback="${app.config.publicUrl}/webhooks/twilio/voice/recording"`,
    );
    // A round of hold music that was already under way ends in the same prompt.
    const late = await hook(
      "/wait",
      twilioFixture("voice-incoming", { CallSid: callSid, CallStatus: "in-progress" }),
    );
    expect(late.body).toContain("<Record");

    const recordingSid = newSid("RE");
    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${fake.accountSid}/Recordings/${recordingSid}`;
    const done = await hook(
      "/voicemail",
      twilioFixture("voice-recording", {
        CallSid: callSid,
        RecordingSid: recordingSid,
        RecordingUrl: recordingUrl,
        RecordingDuration: "42",
        Digits: "hangup",
      }),
    );
    expect(done.body).toMatch(/Thank you\..*<Hangup\/>/);
    // The recording callback reports the same recording: still one voicemail.
    await hook(
      "/recording",
      twilioFixture("voice-recording", {
        CallSid: callSid,
        RecordingSid: recordingSid,
        RecordingUrl: recordingUrl,
      }),
    );
    const voicemail = (await byExternalId(recordingSid))!;
    expect(voicemail).toMatchObject({
      caseId: call.caseId,
      kind: "message",
      direction: "inbound",
      body: "Voicemail (0:42)",
      metadata: {
        voicemail: true,
        callSid,
        recording: { sid: recordingSid, url: recordingUrl, durationSeconds: 42 },
      },
    });

    await hook(
      "/transcription",
      twilioFixture("voice-transcription", {
        CallSid: callSid,
        RecordingSid: recordingSid,
        RecordingUrl: recordingUrl,
      }),
    );
    expect(await byExternalId(recordingSid)).toMatchObject({
      body: 'Voicemail (0:42): "Hi, this is Dana calling about order 4417. Please call me back on this number. Thanks."',
      metadata: { transcription: { status: "completed" }, recording: { durationSeconds: 42 } },
    });
    expect(
      await app.services.db.select().from(interactions).where(eq(interactions.caseId, call.caseId)),
    ).toHaveLength(2);

    await hook("/status", twilioFixture("voice-status-completed", { CallSid: callSid, CallDuration: "58" }));
    expect((await byExternalId(callSid))!.metadata).toMatchObject({
      phase: "ended",
      outcome: "voicemail",
      durationSeconds: 58,
      voicemail: { recordingSid, interactionId: voicemail.id },
    });
    // The voicemail waits in the queue for someone to call back.
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, call.caseId));
    expect(row!.state).toBe("queued");
  });

  it("keeps a failed transcription from hiding the voicemail", async () => {
    const callSid = newSid("CA");
    await hook(
      "",
      twilioFixture("voice-incoming", { CallSid: callSid, From: "+16285550198", Caller: "+16285550198" }),
    );
    const recordingSid = newSid("RE");
    await hook(
      "/transcription",
      twilioFixture("voice-transcription", {
        CallSid: callSid,
        RecordingSid: recordingSid,
        TranscriptionStatus: "failed",
        TranscriptionText: "",
      }),
    );
    await hook(
      "/recording",
      twilioFixture("voice-recording", {
        CallSid: callSid,
        RecordingSid: recordingSid,
        RecordingDuration: "7",
      }),
    );
    expect(await byExternalId(recordingSid)).toMatchObject({
      body: "Voicemail (0:07)",
      metadata: { transcription: { status: "failed", text: null }, recording: { durationSeconds: 7 } },
    });
  });
});
