/**
 * Twilio's reports about calls after the fact: call progress (duration, how it ended, abandoned
 * callers), the legs to agents and customers (when they answered, talk time), recordings, and
 * voicemail with its transcription. Reports may arrive late, twice or out of order; each one only
 * fills in what it knows.
 */
import { eq, sql } from "drizzle-orm";
import { callEnded } from "../../cases/calls.ts";
import { caseStateHas } from "../../cases/case-states.ts";
import { isAppError } from "../../cases/errors.ts";
import { type InteractionRow, ingest } from "../../cases/ingest.ts";
import { recordDeliveryStatus } from "../../cases/outbox.ts";
import { performAction } from "../../cases/replies.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import type { TwilioParams } from "../twilio/webhook-paths.ts";
import { OUTCOME_WORDS } from "./call-connect.ts";
import {
  addRecording,
  CALL_PHASES,
  type CallMetadata,
  type CallOutcome,
  callMetadata,
  findCall,
  patchCall,
  seconds,
  TERMINAL_CALL_STATUSES,
} from "./call-records.ts";
import type { VoiceDeps } from "./voice-deps.ts";

const LIVE_PHASES = CALL_PHASES.filter((phase) => phase !== "ended");

function finalOutcome(meta: CallMetadata, callStatus: string): CallOutcome {
  if (meta.outcome) return meta.outcome;
  if (meta.phase === "connected" || meta.answeredAt) return "answered";
  if (meta.phase === "voicemail") return "voicemail";
  if (meta.phase === "callback") return "callback";
  if (meta.direction === "outbound") {
    if (callStatus === "busy" || callStatus === "failed" || callStatus === "no-answer") return callStatus;
    return "no-answer";
  }
  // Hung up before anyone talked to them: while greeted, choosing, holding or ringing an agent.
  return "abandoned";
}

/**
 * An abandoned call leaves the queue: its case is closed (a closed case is never offered, and the
 * caller's next call opens a new case linked to it). Only a case this call opened: a call that
 * continued an older case must not close work that was there before it.
 */
async function closeAbandonedCase(deps: VoiceDeps, call: InteractionRow): Promise<void> {
  const [caseRow] = await deps.cases.db.select().from(cases).where(eq(cases.id, call.caseId));
  if (!caseRow || !caseStateHas(caseRow.state, "awaitingAgent")) return;
  try {
    await performAction(deps.cases, { caseId: caseRow.id, action: "close", actor: { type: "system" } });
  } catch (error) {
    if (!isAppError(error, "ILLEGAL_ACTION")) throw error;
  }
}

/** A leg we dialled (agent's browser or phone, the customer): answered, and for how long. */
async function recordLeg(deps: VoiceDeps, params: TwilioParams): Promise<void> {
  const parent = await findCall(deps.cases.db, params.ParentCallSid);
  if (!parent) return;
  const meta = callMetadata(parent);
  const now = deps.cases.clock().toISOString();
  if (params.CallStatus === "in-progress") {
    const answered = await patchCall(
      deps.cases.db,
      parent.id,
      { phase: "connected", answeredAt: now, ...(params.CallSid ? { legSid: params.CallSid } : {}) },
      ["connecting"],
    );
    if (answered && meta.direction === "outbound")
      await recordDeliveryStatus(deps.cases, { interactionId: parent.id, status: "delivered" });
    return;
  }
  const talk = seconds(params.CallDuration);
  if (params.CallStatus === "completed" && talk !== null && (meta.answeredAt || meta.phase === "connected"))
    await patchCall(deps.cases.db, parent.id, { talkSeconds: talk });
}

export async function recordCallStatus(deps: VoiceDeps, params: TwilioParams): Promise<void> {
  const call = await findCall(deps.cases.db, params.CallSid);
  if (!call) return recordLeg(deps, params);
  const meta = callMetadata(call);
  const status = params.CallStatus ?? "";
  if (!TERMINAL_CALL_STATUSES.has(status)) {
    // A progress report overtaken by the end of the call says nothing new.
    if (!meta.endedAt) await patchCall(deps.cases.db, call.id, { callStatus: status });
    return;
  }
  if (meta.endedAt) return;
  const outcome = finalOutcome(meta, status);
  const duration = seconds(params.CallDuration);
  // Only the first report of the end does the closing work, however many arrive at once.
  const ended = await patchCall(
    deps.cases.db,
    call.id,
    {
      callStatus: status,
      phase: "ended",
      outcome,
      endedAt: deps.cases.clock().toISOString(),
      ...(duration !== null ? { durationSeconds: duration } : {}),
    },
    LIVE_PHASES,
  );
  if (!ended) return;
  await deps.ports.cancelWaitTimeout(call.id);
  // The agent on the call is free for other work (after wrap-up), whether or not the case stays open.
  if (call.caseId) await callEnded(deps.cases, call.caseId);
  if (outcome === "abandoned" && meta.openedCase) await closeAbandonedCase(deps, call);
  if (meta.direction === "outbound") {
    await recordDeliveryStatus(
      deps.cases,
      outcome === "answered"
        ? { interactionId: call.id, status: "delivered" }
        : {
            interactionId: call.id,
            status: "failed",
            reason: `The call to ${meta.to ?? "the customer"} was ${OUTCOME_WORDS[outcome]}.`,
          },
    );
  }
}

export interface VoicemailRecording {
  sid: string;
  url: string | null;
  durationSeconds: number | null;
  transcription?: { text: string | null; status: string };
}

const clockTime = (total: number) => `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;

export function voicemailBody(
  recording: Pick<VoicemailRecording, "durationSeconds" | "transcription">,
): string {
  const length = recording.durationSeconds === null ? "" : ` (${clockTime(recording.durationSeconds)})`;
  const text = recording.transcription?.text?.trim();
  return text ? `Voicemail${length}: "${text}"` : `Voicemail${length}`;
}

/**
 * A voicemail is an inbound message on the call's case (one per RecordingSid), so it sits on the
 * timeline where agents read and answer messages. Later reports fill in what earlier ones lacked.
 */
export async function storeVoicemail(
  deps: VoiceDeps,
  call: InteractionRow,
  recording: VoicemailRecording,
): Promise<void> {
  const [caseRow] = await deps.cases.db.select().from(cases).where(eq(cases.id, call.caseId));
  if (!caseRow) return;
  const details = {
    recording: { sid: recording.sid, url: recording.url, durationSeconds: recording.durationSeconds },
    ...(recording.transcription ? { transcription: recording.transcription } : {}),
  };
  const result = await ingest(deps.cases, {
    channel: "voice",
    kind: "message",
    externalId: recording.sid,
    from: { kind: "phone", address: caseRow.customerAddress },
    to: caseRow.channelAddress,
    body: voicemailBody(recording),
    thread: { caseId: caseRow.id },
    metadata: {
      voicemail: true,
      callSid: callMetadata(call).callSid,
      callInteractionId: call.id,
      ...details,
    },
  });
  if (result.duplicate) {
    const stored = result.interaction.metadata as { recording?: VoicemailRecording; transcription?: unknown };
    const merged = {
      sid: recording.sid,
      url: recording.url ?? stored.recording?.url ?? null,
      durationSeconds: recording.durationSeconds ?? stored.recording?.durationSeconds ?? null,
      transcription: recording.transcription ?? (stored.transcription as VoicemailRecording["transcription"]),
    };
    await deps.cases.db
      .update(interactions)
      .set({
        body: voicemailBody(merged),
        metadata: sql`${interactions.metadata} || ${JSON.stringify({
          recording: { sid: merged.sid, url: merged.url, durationSeconds: merged.durationSeconds },
          ...(merged.transcription ? { transcription: merged.transcription } : {}),
        })}::jsonb`,
      })
      .where(eq(interactions.id, result.interaction.id));
  }
  await patchCall(deps.cases.db, call.id, {
    voicemail: { recordingSid: recording.sid, interactionId: result.interaction.id },
  });
}

export async function recordRecording(deps: VoiceDeps, params: TwilioParams): Promise<void> {
  const call = await findCall(deps.cases.db, params.CallSid);
  if (!call || !params.RecordingSid || params.RecordingStatus !== "completed") return;
  const recording = {
    sid: params.RecordingSid,
    url: params.RecordingUrl ?? "",
    durationSeconds: seconds(params.RecordingDuration),
    source: params.RecordingSource ?? null,
  };
  // <Record> is only used for voicemail; <Dial> recordings are the conversation with the agent.
  if (params.RecordingSource === "RecordVerb") {
    await storeVoicemail(deps, call, {
      sid: recording.sid,
      url: recording.url,
      durationSeconds: recording.durationSeconds,
    });
    return;
  }
  await addRecording(deps.cases.db, call.id, recording);
}

/** The caller finished their voicemail (the Record verb's `action`). */
export async function finishVoicemail(deps: VoiceDeps, params: TwilioParams): Promise<void> {
  const call = await findCall(deps.cases.db, params.CallSid);
  if (!call || !params.RecordingSid) return;
  await storeVoicemail(deps, call, {
    sid: params.RecordingSid,
    url: params.RecordingUrl ?? null,
    durationSeconds: seconds(params.RecordingDuration),
  });
}

export async function recordTranscription(deps: VoiceDeps, params: TwilioParams): Promise<void> {
  const call = await findCall(deps.cases.db, params.CallSid);
  if (!call || !params.RecordingSid) return;
  await storeVoicemail(deps, call, {
    sid: params.RecordingSid,
    url: params.RecordingUrl ?? null,
    durationSeconds: null,
    transcription: {
      text: params.TranscriptionStatus === "completed" ? (params.TranscriptionText ?? "") : null,
      status: params.TranscriptionStatus ?? "unknown",
    },
  });
}
