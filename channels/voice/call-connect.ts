/**
 * Connecting a waiting caller to the agent who accepted their case, and what happens after the agent
 * was rung: talk time and outcome when they answered, back to holding (and to the queue) when they
 * did not. Also the durable wait timer that sends a caller nobody took to voicemail.
 */

import { eq } from "drizzle-orm";
import { recordDeliveryStatus } from "../../cases/outbox.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import type { TwilioParams } from "../twilio/webhook-paths.ts";
import { heldVerbs } from "./call-hold.ts";
import {
  type CallOutcome,
  callMetadata,
  findCall,
  latestCallOfCase,
  patchCall,
  seconds,
  TERMINAL_CALL_STATUSES,
} from "./call-records.ts";
import { connectPlan, holdStep, voicemailFor } from "./hold.ts";
import { renderTwiml, type Verb } from "./twiml.ts";
import type { VoiceDeps } from "./voice-deps.ts";

/**
 * The case of a waiting caller was assigned: redirect the live call to the agent through the REST
 * API. Runs in the process that committed the assignment; should it fail, the caller's next round
 * of hold music connects them instead (see holdStep).
 */
export async function connectAssignedCall(deps: VoiceDeps, caseId: string, agentId: string): Promise<void> {
  const call = await latestCallOfCase(deps.cases.db, caseId, ["waiting"]);
  if (!call || callMetadata(call).direction !== "inbound") return;
  const [caseRow] = await deps.cases.db.select().from(cases).where(eq(cases.id, caseId));
  if (!caseRow || caseRow.assigneeId !== agentId) return;
  const plan = await connectPlan(deps, call, caseRow, agentId);
  const claimed = await patchCall(deps.cases.db, call.id, plan.patch, ["waiting"]);
  if (!claimed) return;
  if (plan.patch.phase === "voicemail") await deps.ports.cancelWaitTimeout(call.id);
  try {
    await deps.twilio.updateCall(callMetadata(call).callSid, renderTwiml(plan.verbs));
  } catch (error) {
    deps.log.warn(
      { err: error, caseId, callSid: callMetadata(call).callSid },
      "could not redirect the call to the agent",
    );
    // Still holding (or gone, which the status callback records): the next hold round tries again.
    await patchCall(deps.cases.db, call.id, { phase: "waiting" }, [plan.patch.phase ?? "connecting"]);
  }
}

const DIAL_OUTCOMES: Record<string, CallOutcome> = {
  busy: "busy",
  "no-answer": "no-answer",
  failed: "failed",
  canceled: "no-answer",
};

export function dialOutcome(dialCallStatus: string | undefined): CallOutcome {
  return dialCallStatus === "completed" || dialCallStatus === "answered"
    ? "answered"
    : (DIAL_OUTCOMES[dialCallStatus ?? ""] ?? "failed");
}

export const OUTCOME_WORDS: Record<CallOutcome, string> = {
  answered: "answered",
  "no-answer": "not answered",
  busy: "busy",
  failed: "could not be connected",
  abandoned: "abandoned",
  voicemail: "sent to voicemail",
  callback: "ended with a callback request",
};

/** The Dial verb ended (Twilio's `action`): the agent or customer answered and hung up, or never answered. */
export async function answerDialResult(deps: VoiceDeps, params: TwilioParams): Promise<string> {
  const call = await findCall(deps.cases.db, params.CallSid);
  if (!call) return renderTwiml([{ verb: "hangup" }]);
  const meta = callMetadata(call);
  // The bridge ended because the agent put the caller on hold: they keep holding.
  if (meta.phase === "held") return renderTwiml(heldVerbs(deps));
  // The bridge to the agent the case was taken from: the caller goes on with the case.
  if (meta.transferredLegSid && params.DialCallSid === meta.transferredLegSid)
    return renderTwiml(await holdStep(deps, call.id));
  const outcome = dialOutcome(params.DialCallStatus);
  const now = deps.cases.clock();
  if (outcome === "answered") {
    const talk = seconds(params.DialCallDuration);
    await patchCall(deps.cases.db, call.id, {
      outcome,
      answeredAt: meta.answeredAt ?? now.toISOString(),
      ...(talk !== null ? { talkSeconds: talk } : {}),
    });
    if (meta.direction === "outbound")
      await recordDeliveryStatus(deps.cases, { interactionId: call.id, status: "delivered" });
    return renderTwiml([{ verb: "hangup" }]);
  }
  if (meta.direction === "outbound") {
    await patchCall(deps.cases.db, call.id, { outcome });
    await recordDeliveryStatus(deps.cases, {
      interactionId: call.id,
      status: "failed",
      reason: `The call to ${meta.to ?? "the customer"} was ${OUTCOME_WORDS[outcome]}.`,
    });
    return renderTwiml([{ verb: "hangup" }]);
  }
  // The caller hung up while the agent's phone rang: the status callback records how it ended.
  if (params.CallStatus && TERMINAL_CALL_STATUSES.has(params.CallStatus))
    return renderTwiml([{ verb: "hangup" }]);
  const missedBy = [...new Set([...(meta.missedBy ?? []), ...(meta.agentId ? [meta.agentId] : [])])];
  const back = await patchCall(deps.cases.db, call.id, { phase: "waiting", missedBy }, [
    "connecting",
    "connected",
  ]);
  const [caseRow] = await deps.cases.db.select().from(cases).where(eq(cases.id, call.caseId));
  // The agent who did not pick up gives the case back, so routing offers it to someone who can.
  if (back && caseRow?.assigneeId && caseRow.assigneeId === meta.agentId && caseRow.queueId) {
    try {
      await deps.ports.moveToQueue(caseRow.id, caseRow.queueId);
    } catch (error) {
      deps.log.warn({ err: error, caseId: caseRow.id }, "could not return an unanswered call to its queue");
    }
  }
  const sorry: Verb[] = [
    { verb: "say", text: "Sorry, that agent could not take your call. Please keep holding." },
  ];
  return renderTwiml([...sorry, ...(await holdStep(deps, call.id))]);
}

/** The wait timer ran out: a caller still holding goes to voicemail. */
export async function sendWaitingCallerToVoicemail(
  deps: VoiceDeps,
  callInteractionId: string,
): Promise<void> {
  const [call] = await deps.cases.db
    .select()
    .from(interactions)
    .where(eq(interactions.id, callInteractionId));
  if (!call || callMetadata(call).phase !== "waiting") return;
  const claimed = await patchCall(deps.cases.db, call.id, { phase: "voicemail", voicemailReason: "busy" }, [
    "waiting",
  ]);
  if (!claimed) return;
  try {
    await deps.twilio.updateCall(callMetadata(call).callSid, renderTwiml(voicemailFor(deps, "busy")));
  } catch (error) {
    // No retry needed: the caller's next round of hold music asks us again and gets the prompt then.
    deps.log.warn(
      { err: error, callSid: callMetadata(call).callSid },
      "could not send the caller to voicemail",
    );
  }
}
