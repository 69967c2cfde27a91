/**
 * What the voice channel needs from the rest of the system. Routing and business hours live in
 * other folders, so the composition root hands them in as small functions; the channel itself only
 * knows cases, the database and Twilio.
 */
import type { CaseDeps } from "../../cases/deps.ts";
import type { TwilioApi } from "../twilio/twilio-client.ts";
import { webhookUrl } from "../twilio/webhook-paths.ts";
import type { PlaceInLine } from "./twiml.ts";

export interface VoicePorts {
  /** The case's place among waiting calls, or null when it is not waiting in a queue. */
  placeInLine(caseId: string, at: Date): Promise<PlaceInLine | null>;
  /** Whether the queue takes calls now (its business hours); a queue without hours always does. */
  queueOpen(queueId: string | null, at: Date): Promise<boolean>;
  /** Puts the case in a queue (or back into its own), so routing looks for an agent for it. */
  moveToQueue(caseId: string, queueId: string): Promise<void>;
  /** Sends a caller still waiting after `delayMs` to voicemail (a durable job). */
  scheduleWaitTimeout(callInteractionId: string, delayMs: number): Promise<void>;
  cancelWaitTimeout(callInteractionId: string): Promise<void>;
}

export interface VoiceLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface VoiceDeps {
  cases: CaseDeps;
  twilio: TwilioApi;
  ports: VoicePorts;
  publicUrl: string;
  holdMusicUrl: string;
  /** How long a caller holds before being offered voicemail. */
  waitMs: number;
  /** How long an agent's browser or phone rings before the caller goes back to holding. */
  ringSeconds: number;
  /** Agents take calls in the browser (the Twilio API key and TwiML app are configured). */
  browserCalling: boolean;
  log: VoiceLog;
}

export function voiceUrls(publicUrl: string) {
  return {
    menu: webhookUrl(publicUrl, "menu"),
    wait: webhookUrl(publicUrl, "wait"),
    dialStatus: webhookUrl(publicUrl, "dialStatus"),
    status: webhookUrl(publicUrl, "status"),
    recording: webhookUrl(publicUrl, "recording"),
    voicemail: webhookUrl(publicUrl, "voicemail"),
    callback: webhookUrl(publicUrl, "callback"),
    transcription: webhookUrl(publicUrl, "transcription"),
  };
}

/** The Twilio Voice SDK identity of an agent's browser. */
export const agentIdentity = (agentId: string) => `agent-${agentId}`;

const IDENTITY = /^client:agent-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The agent behind a `client:agent-<id>` caller, or null. */
export function agentOfClient(from: string | undefined): string | null {
  return IDENTITY.exec(from ?? "")?.[1]?.toLowerCase() ?? null;
}
