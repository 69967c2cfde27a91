import { describe, expect, it } from "vitest";
import { dialOutcome } from "../../channels/voice/call-connect.ts";
import { voicemailBody } from "../../channels/voice/call-events.ts";
import {
  connectVerbs,
  holdVerbs,
  menuVerbs,
  positionAnnouncement,
  renderTwiml,
  voicemailVerbs,
} from "../../channels/voice/twiml.ts";
import { agentIdentity, agentOfClient } from "../../channels/voice/voice-deps.ts";

const PUB = "https://support.example.com";
const urls = {
  menu: `${PUB}/webhooks/twilio/voice/menu`,
  wait: `${PUB}/webhooks/twilio/voice/wait`,
  music: "https://music.example.com/hold.mp3",
  voicemail: `${PUB}/webhooks/twilio/voice/voicemail`,
  transcription: `${PUB}/webhooks/twilio/voice/transcription`,
  recording: `${PUB}/webhooks/twilio/voice/recording`,
  dialStatus: `${PUB}/webhooks/twilio/voice/dial-status`,
  status: `${PUB}/webhooks/twilio/voice/status`,
};

describe("voice TwiML", () => {
  it("reads the menu out inside a one-digit Gather, then falls through to the menu step", () => {
    const twiml = renderTwiml(
      menuVerbs(
        [
          { digit: "1", label: "Billing" },
          { digit: "2", label: "Sales & offers" },
        ],
        { menu: urls.menu },
      ),
    );
    expect(twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        `<Gather numDigits="1" action="${urls.menu}" method="POST" timeout="6"><Say>For Billing, press 1. For Sales &amp; offers, press 2.</Say></Gather>` +
        `<Redirect method="POST">${urls.menu}</Redirect></Response>`,
    );
  });

  it("tells a holding caller their place, plays music and asks again", () => {
    const twiml = renderTwiml(holdVerbs({ position: 3, estimatedWaitSeconds: 130 }, urls));
    expect(twiml).toContain("<Say>You are number 3 in line. The expected wait is about 3 minutes.</Say>");
    expect(twiml).toContain(`<Play>${urls.music}</Play><Redirect method="POST">${urls.wait}</Redirect>`);
  });

  it("words the place in line for the first caller and without an estimate", () => {
    expect(positionAnnouncement({ position: 1, estimatedWaitSeconds: 20 })).toBe(
      "You are next in line. The expected wait is less than a minute.",
    );
    expect(positionAnnouncement({ position: 4, estimatedWaitSeconds: null })).toBe(
      "You are number 4 in line.",
    );
    expect(positionAnnouncement({ position: 2, estimatedWaitSeconds: 60 })).toMatch(/about 1 minute\.$/);
    expect(positionAnnouncement(null)).toMatch(/agent will be with you shortly/);
  });

  it("records a transcribed voicemail with its callbacks", () => {
    const twiml = renderTwiml(voicemailVerbs("closed", urls));
    expect(twiml).toContain("<Say>We are closed right now. Please leave your name");
    expect(twiml).toContain(
      `<Record action="${urls.voicemail}" method="POST" maxLength="180" playBeep="true" finishOnKey="#" transcribe="true" transcribeCallback="${urls.transcription}" recordingStatusCallback="${urls.recording}" recordingStatusCallbackMethod="POST"/>`,
    );
    expect(twiml).toMatch(/We did not receive a message\. Goodbye\.<\/Say><Hangup\/><\/Response>$/);
  });

  it("dials the agent's browser with the case id, recording from answer", () => {
    const twiml = renderTwiml(
      connectVerbs(
        { kind: "client", address: agentIdentity("a1"), parameters: { caseId: "c1" } },
        { announcement: "Connecting you to Ada.", ringSeconds: 20, urls },
      ),
    );
    expect(twiml).toContain("<Say>Connecting you to Ada.</Say>");
    expect(twiml).toContain(
      `<Dial action="${urls.dialStatus}" method="POST" timeout="20" answerOnBridge="true" record="record-from-answer-dual" recordingStatusCallback="${urls.recording}" recordingStatusCallbackEvent="completed">`,
    );
    expect(twiml).toContain(
      `<Client statusCallback="${urls.status}" statusCallbackMethod="POST" statusCallbackEvent="answered completed"><Identity>agent-a1</Identity><Parameter name="caseId" value="c1"/></Client>`,
    );
  });

  it("dials a phone number with our caller id", () => {
    const twiml = renderTwiml(
      connectVerbs(
        { kind: "number", address: "+14155552671" },
        { callerId: "+14155550100", ringSeconds: 30, urls },
      ),
    );
    expect(twiml).not.toContain("<Say>");
    expect(twiml).toContain('callerId="+14155550100"');
    expect(twiml).toContain(
      `<Number statusCallback="${urls.status}" statusCallbackMethod="POST" statusCallbackEvent="answered completed">+14155552671</Number>`,
    );
  });
});

describe("call details", () => {
  it("names the outcome of a dial", () => {
    expect(dialOutcome("completed")).toBe("answered");
    expect(dialOutcome("answered")).toBe("answered");
    expect(dialOutcome("busy")).toBe("busy");
    expect(dialOutcome("no-answer")).toBe("no-answer");
    expect(dialOutcome("canceled")).toBe("no-answer");
    expect(dialOutcome("failed")).toBe("failed");
    expect(dialOutcome(undefined)).toBe("failed");
  });

  it("writes a voicemail's length and transcription into its message", () => {
    expect(voicemailBody({ durationSeconds: 42 })).toBe("Voicemail (0:42)");
    expect(
      voicemailBody({ durationSeconds: 125, transcription: { text: " Call me back ", status: "completed" } }),
    ).toBe('Voicemail (2:05): "Call me back"');
    expect(voicemailBody({ durationSeconds: null })).toBe("Voicemail");
  });

  it("knows the agent behind a browser client", () => {
    const id = "3f2b6c1e-8a7d-4e5f-9a0b-1c2d3e4f5a6b";
    expect(agentOfClient(`client:${agentIdentity(id)}`)).toBe(id);
    expect(agentOfClient("+14155552671")).toBeNull();
    expect(agentOfClient("client:someone-else")).toBeNull();
  });
});
