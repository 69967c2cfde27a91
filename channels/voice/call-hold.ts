/**
 * Hold for a customer who called in and is talking to an agent. Holding parks the caller with the
 * hold music (the bridge to the agent's browser or phone ends, so the agent's line is free to
 * consult a colleague); resuming sends the caller back through the hold step, which rings the
 * agent who has the case again and puts them through. Calls the agent placed are not held this
 * way: there the agent's own leg carries the call, and parking it would end it.
 */
import { AppError } from "../../cases/errors.ts";
import { callMetadata, latestCallOfCase, patchCall } from "./call-records.ts";
import { renderTwiml, type Verb } from "./twiml.ts";
import { type VoiceDeps, voiceUrls } from "./voice-deps.ts";

export const HOLD_ACTIONS = ["hold", "resume"] as const;
export type HoldAction = (typeof HOLD_ACTIONS)[number];

/** What a held caller hears, round after round until resumed (each round asks again). */
export function heldVerbs(deps: VoiceDeps): Verb[] {
  return [
    { verb: "play", url: deps.holdMusicUrl },
    { verb: "redirect", url: voiceUrls(deps.publicUrl).wait },
  ];
}

export async function setCallHold(
  deps: VoiceDeps,
  input: { caseId: string; action: HoldAction },
): Promise<{ callSid: string; held: boolean }> {
  const { db } = deps.cases;
  if (input.action === "hold") {
    const call = await latestCallOfCase(db, input.caseId, ["connected"]);
    if (!call) throw new AppError("CONFLICT", "This case has no call in progress to put on hold.");
    const meta = callMetadata(call);
    if (meta.direction !== "inbound")
      throw new AppError(
        "CONFLICT",
        "Only a customer's call to us can be put on hold; a call you placed ends if it is parked.",
      );
    if (
      !(await patchCall(db, call.id, { phase: "held", heldAt: deps.cases.clock().toISOString() }, [
        "connected",
      ]))
    )
      throw new AppError("CONFLICT", "The call changed meanwhile; it is no longer connected.");
    try {
      await deps.twilio.updateCall(
        meta.callSid,
        renderTwiml([{ verb: "say", text: "Please hold." }, ...heldVerbs(deps)]),
      );
    } catch (error) {
      await patchCall(db, call.id, { phase: "connected" }, ["held"]);
      throw error;
    }
    return { callSid: meta.callSid, held: true };
  }
  const call = await latestCallOfCase(db, input.caseId, ["held"]);
  if (!call) throw new AppError("CONFLICT", "This case has no call on hold.");
  const meta = callMetadata(call);
  if (!(await patchCall(db, call.id, { phase: "waiting" }, ["held"])))
    throw new AppError("CONFLICT", "The call changed meanwhile; it is no longer on hold.");
  try {
    // Straight to the hold step, which rings the case's agent; should this not reach Twilio, the
    // caller's next round of music ends there anyway.
    await deps.twilio.updateCall(
      meta.callSid,
      renderTwiml([{ verb: "redirect", url: voiceUrls(deps.publicUrl).wait }]),
    );
  } catch (error) {
    deps.log.warn({ err: error, caseId: input.caseId }, "could not take a caller off hold at once");
  }
  return { callSid: meta.callSid, held: false };
}
