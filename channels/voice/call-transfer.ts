/**
 * A voice case changed hands while its caller was on the line with the agent (a transfer to a
 * colleague or a queue, a supervisor's reassignment, the agent going offline): the caller follows
 * the case instead of staying with the agent who no longer has it. The bridge to that agent ends;
 * a case now with another agent rings them (see `connectAssignedCall`), and a case back in a
 * queue holds the caller there, with their place in line, until an agent accepts it.
 */
import { callMetadata, latestCallOfCase, patchCall } from "./call-records.ts";
import { renderTwiml } from "./twiml.ts";
import { type VoiceDeps, voiceUrls } from "./voice-deps.ts";

export async function followCaseWithCall(
  deps: VoiceDeps,
  input: { caseId: string; previousAssigneeId: string; newAssigneeId: string | null },
): Promise<boolean> {
  const { db } = deps.cases;
  const call = await latestCallOfCase(db, input.caseId, ["connecting", "connected"]);
  if (!call) return false;
  const meta = callMetadata(call);
  if (meta.direction !== "inbound" || meta.agentId !== input.previousAssigneeId) return false;
  const now = deps.cases.clock().toISOString();
  const moved = await patchCall(
    db,
    call.id,
    { phase: "waiting", waitStartedAt: now, transferredAt: now, transferredLegSid: meta.legSid ?? null },
    [meta.phase],
  );
  if (!moved) return false;
  // With a new agent, the assignment listener rings them straight away.
  if (input.newAssigneeId) return true;
  try {
    await deps.twilio.updateCall(
      meta.callSid,
      renderTwiml([
        { verb: "say", text: "Please hold while we transfer your call." },
        { verb: "redirect", url: voiceUrls(deps.publicUrl).wait },
      ]),
    );
  } catch (error) {
    // Still bridged to the agent: leave the call as it was rather than lose track of it.
    await patchCall(db, call.id, { phase: meta.phase }, ["waiting"]);
    deps.log.warn({ err: error, caseId: input.caseId }, "could not move the caller with their case");
    return false;
  }
  return true;
}
