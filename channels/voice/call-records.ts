/**
 * A call is an interaction (kind `call`) whose metadata follows the call as it happens: the phase it
 * is in, who it is ringing, how it ended. Every change is a JSON merge in one UPDATE, and a change of
 * phase only happens from the phases it may come from, so the webhook, the assignment listener and
 * the wait timer can race without two of them connecting one caller twice.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { InteractionRow } from "../../cases/ingest.ts";
import type { Executor } from "../../db/connect.ts";
import { interactions } from "../../db/schema/cases.ts";
import type { VoicemailReason } from "./twiml.ts";

/**
 * `held`: an agent parked the caller with music; `callback`: the caller chose to be called back and
 * hangs up, the case keeping its place in the queue.
 */
export const CALL_PHASES = [
  "menu",
  "waiting",
  "connecting",
  "connected",
  "held",
  "voicemail",
  "callback",
  "ended",
] as const;
export type CallPhase = (typeof CALL_PHASES)[number];

export const CALL_OUTCOMES = [
  "answered",
  "no-answer",
  "busy",
  "failed",
  "abandoned",
  "voicemail",
  "callback",
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export interface CallRecording {
  sid: string;
  url: string;
  durationSeconds: number | null;
  source: string | null;
}

export interface CallMetadata {
  callSid: string;
  direction: "inbound" | "outbound";
  phase: CallPhase;
  /** Twilio's last reported CallStatus of this leg. */
  callStatus?: string;
  /** This call opened its case (an abandoned call then takes the case out of the queue). */
  openedCase?: boolean;
  numberId?: string | null;
  waitStartedAt?: string;
  menuChoice?: { digit: string; label?: string; queueId?: string; valid: boolean };
  /** The agent being rung or talking, and how they were reached. */
  agentId?: string;
  target?: "browser" | "phone";
  missedBy?: string[];
  answeredAt?: string;
  /** The dialled leg (agent's browser or phone, or the customer) once it answered. */
  legSid?: string;
  talkSeconds?: number;
  durationSeconds?: number;
  outcome?: CallOutcome;
  endedAt?: string;
  recordings?: CallRecording[];
  recordingPaused?: boolean;
  /** When the agent last put the caller on hold. */
  heldAt?: string;
  /** When the case last changed hands mid-call, and the agent's leg the caller was taken from. */
  transferredAt?: string;
  transferredLegSid?: string | null;
  voicemailReason?: VoicemailReason;
  voicemail?: { recordingSid: string; interactionId: string };
  /** A supervisor offered the waiting caller a callback, and what the caller chose. */
  callbackOffer?: "offered" | "accepted" | "declined";
  /** When the caller chose the callback, and the number to call back. */
  callback?: { requestedAt: string; number: string };
  /** Outbound calls: the customer's number and the number shown to them. */
  to?: string;
  callerId?: string;
}

export const TERMINAL_CALL_STATUSES = new Set(["completed", "busy", "no-answer", "failed", "canceled"]);

export const callMetadata = (row: InteractionRow) => row.metadata as unknown as CallMetadata;

export async function findCall(
  executor: Executor,
  callSid: string | undefined,
): Promise<InteractionRow | undefined> {
  if (!callSid) return undefined;
  const [row] = await executor
    .select()
    .from(interactions)
    .where(
      and(
        eq(interactions.channel, "voice"),
        eq(interactions.externalId, callSid),
        eq(interactions.kind, "call"),
      ),
    );
  return row;
}

/** The latest call of a case in one of the phases (a case can hold several calls over time). */
export async function latestCallOfCase(
  executor: Executor,
  caseId: string,
  phases: readonly CallPhase[],
): Promise<InteractionRow | undefined> {
  const [row] = await executor
    .select()
    .from(interactions)
    .where(
      and(
        eq(interactions.caseId, caseId),
        eq(interactions.kind, "call"),
        inArray(sql`${interactions.metadata}->>'phase'`, [...phases]),
      ),
    )
    .orderBy(desc(interactions.createdAt), desc(interactions.seq))
    .limit(1);
  return row;
}

/**
 * Merges `patch` into the call's metadata; with `fromPhases`, only while the call is in one of them.
 * Returns the updated row, or undefined when the call was not in those phases (someone else moved it).
 */
export async function patchCall(
  executor: Executor,
  interactionId: string,
  patch: Partial<CallMetadata>,
  fromPhases?: readonly CallPhase[],
): Promise<InteractionRow | undefined> {
  const [row] = await executor
    .update(interactions)
    .set({ metadata: sql`${interactions.metadata} || ${JSON.stringify(patch)}::jsonb` })
    .where(
      and(
        eq(interactions.id, interactionId),
        ...(fromPhases ? [inArray(sql`${interactions.metadata}->>'phase'`, [...fromPhases])] : []),
      ),
    )
    .returning();
  return row;
}

/** Adds a recording to the call, once per recording SID however often Twilio reports it. */
export async function addRecording(executor: Executor, interactionId: string, recording: CallRecording) {
  await executor
    .update(interactions)
    .set({
      metadata: sql`jsonb_set(${interactions.metadata}, '{recordings}', coalesce(${interactions.metadata}->'recordings', '[]'::jsonb) || ${JSON.stringify([recording])}::jsonb)`,
    })
    .where(
      and(
        eq(interactions.id, interactionId),
        sql`not coalesce(${interactions.metadata}->'recordings', '[]'::jsonb) @> ${JSON.stringify([{ sid: recording.sid }])}::jsonb`,
      ),
    );
}

/** Seconds as Twilio writes them ("75"); null when absent or not a number. */
export function seconds(value: string | undefined): number | null {
  if (value === undefined || value.trim() === "") return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.round(parsed) : null;
}
