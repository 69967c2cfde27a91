/**
 * The TwiML callers hear, built from plain data so each step of a call can be tested without Twilio:
 * greeting, voice menu, hold with the caller's place in line, voicemail, and the dial to an agent.
 */
// TwiML alone: the package root loads every Twilio REST API.
import VoiceResponse from "twilio/lib/twiml/VoiceResponse.js";

export interface DialTarget {
  /** The agent's browser (Twilio Voice SDK client identity) or a phone number in E.164. */
  kind: "client" | "number";
  address: string;
  /** Custom parameters the browser receives with the incoming call (e.g. the case id). */
  parameters?: Record<string, string>;
}

export type Verb =
  | { verb: "say"; text: string }
  | { verb: "play"; url: string }
  | { verb: "redirect"; url: string }
  | { verb: "gather"; action: string; prompt: string; timeoutSeconds: number }
  | {
      verb: "record";
      action: string;
      transcribeCallback: string;
      recordingStatusCallback: string;
      maxLengthSeconds: number;
    }
  | {
      verb: "dial";
      target: DialTarget;
      action: string;
      timeoutSeconds: number;
      callerId?: string;
      recordingStatusCallback: string;
      /** Progress of the dialled leg: tells us when the agent or customer answered. */
      statusCallback: string;
    }
  | { verb: "hangup" };

function appendDial(response: VoiceResponse, verb: Extract<Verb, { verb: "dial" }>): void {
  const dial = response.dial({
    action: verb.action,
    method: "POST",
    timeout: verb.timeoutSeconds,
    // Callers keep hearing ringing (not silence) until the other side picks up.
    answerOnBridge: true,
    record: "record-from-answer-dual",
    recordingStatusCallback: verb.recordingStatusCallback,
    recordingStatusCallbackEvent: ["completed"],
    ...(verb.callerId ? { callerId: verb.callerId } : {}),
  });
  const progress = {
    statusCallback: verb.statusCallback,
    statusCallbackMethod: "POST",
    statusCallbackEvent: ["answered" as const, "completed" as const],
  };
  if (verb.target.kind === "number") {
    dial.number(progress, verb.target.address);
    return;
  }
  const client = dial.client(progress);
  client.identity(verb.target.address);
  for (const [name, value] of Object.entries(verb.target.parameters ?? {})) client.parameter({ name, value });
}

export function renderTwiml(verbs: readonly Verb[]): string {
  const response = new VoiceResponse();
  for (const verb of verbs) {
    switch (verb.verb) {
      case "say":
        response.say(verb.text);
        break;
      case "play":
        response.play(verb.url);
        break;
      case "redirect":
        response.redirect({ method: "POST" }, verb.url);
        break;
      case "gather":
        response
          .gather({ numDigits: 1, action: verb.action, method: "POST", timeout: verb.timeoutSeconds })
          .say(verb.prompt);
        break;
      case "record":
        response.record({
          action: verb.action,
          method: "POST",
          maxLength: verb.maxLengthSeconds,
          playBeep: true,
          finishOnKey: "#",
          transcribe: true,
          transcribeCallback: verb.transcribeCallback,
          recordingStatusCallback: verb.recordingStatusCallback,
          recordingStatusCallbackMethod: "POST",
        });
        break;
      case "dial":
        appendDial(response, verb);
        break;
      case "hangup":
        response.hangup();
        break;
    }
  }
  return response.toString();
}

export interface MenuOption {
  digit: string;
  label: string;
}

/** "For Billing, press 1. For Sales, press 2." */
export function menuPrompt(options: readonly MenuOption[]): string {
  return options.map((option) => `For ${option.label}, press ${option.digit}.`).join(" ");
}

export function menuVerbs(options: readonly MenuOption[], urls: { menu: string }): Verb[] {
  return [
    { verb: "gather", action: urls.menu, prompt: menuPrompt(options), timeoutSeconds: 6 },
    // No key pressed: Gather falls through to here, and the menu step sends the caller to the number's queue.
    { verb: "redirect", url: urls.menu },
  ];
}

export interface PlaceInLine {
  position: number;
  estimatedWaitSeconds: number | null;
}

export function positionAnnouncement(place: PlaceInLine | null): string {
  if (!place) return "Thank you for holding. An agent will be with you shortly.";
  const where = place.position <= 1 ? "You are next in line." : `You are number ${place.position} in line.`;
  if (place.estimatedWaitSeconds === null) return where;
  const minutes = Math.ceil(place.estimatedWaitSeconds / 60);
  const wait =
    place.estimatedWaitSeconds < 60
      ? "The expected wait is less than a minute."
      : `The expected wait is about ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
  return `${where} ${wait}`;
}

/** One round of holding: where the caller stands, music, then Twilio asks again (so the place is fresh). */
export function holdVerbs(place: PlaceInLine | null, urls: { music: string; wait: string }): Verb[] {
  return [
    { verb: "say", text: positionAnnouncement(place) },
    { verb: "play", url: urls.music },
    { verb: "redirect", url: urls.wait },
  ];
}

export const CALLBACK_PROMPT =
  "All our agents are still busy. To hang up and keep your place in line, and have us call you back on this number as soon as an agent is free, press 1. To keep holding, press 2.";
export const CALLBACK_CONFIRMED =
  "Thank you. You keep your place in line, and we will call you back on this number as soon as an agent is free. Goodbye.";

/** A waiting caller is offered a callback; no key (or any other key) keeps them holding. */
export function callbackOfferVerbs(urls: { callback: string }): Verb[] {
  return [
    { verb: "gather", action: urls.callback, prompt: CALLBACK_PROMPT, timeoutSeconds: 6 },
    { verb: "redirect", url: urls.callback },
  ];
}

export const VOICEMAIL_REASONS = {
  closed: "We are closed right now.",
  busy: "Sorry, all our agents are still busy.",
  unreachable: "Sorry, we could not connect you to an agent.",
} as const;
export type VoicemailReason = keyof typeof VOICEMAIL_REASONS;

/** Longest voicemail we take. */
export const VOICEMAIL_MAX_SECONDS = 180;

export function voicemailVerbs(
  reason: VoicemailReason,
  urls: { voicemail: string; transcription: string; recording: string },
): Verb[] {
  return [
    {
      verb: "say",
      text: `${VOICEMAIL_REASONS[reason]} Please leave your name, number and message after the tone, then hang up or press the hash key.`,
    },
    {
      verb: "record",
      action: urls.voicemail,
      transcribeCallback: urls.transcription,
      recordingStatusCallback: urls.recording,
      maxLengthSeconds: VOICEMAIL_MAX_SECONDS,
    },
    // Reached only when nothing was recorded.
    { verb: "say", text: "We did not receive a message. Goodbye." },
    { verb: "hangup" },
  ];
}

export function connectVerbs(
  target: DialTarget,
  options: {
    announcement?: string;
    callerId?: string;
    ringSeconds: number;
    urls: { dialStatus: string; recording: string; status: string };
  },
): Verb[] {
  return [
    ...(options.announcement ? [{ verb: "say" as const, text: options.announcement }] : []),
    {
      verb: "dial",
      target,
      action: options.urls.dialStatus,
      timeoutSeconds: options.ringSeconds,
      ...(options.callerId ? { callerId: options.callerId } : {}),
      recordingStatusCallback: options.urls.recording,
      statusCallback: options.urls.status,
    },
  ];
}

export const goodbyeVerbs = (text: string): Verb[] => [{ verb: "say", text }, { verb: "hangup" }];
