/**
 * Pausing the recording of a live call while the customer reads out a card number (PCI DSS keeps
 * card data out of recordings), and resuming it afterwards.
 */
import { AppError, isAppError } from "../../cases/errors.ts";
import { callMetadata, latestCallOfCase, patchCall } from "./call-records.ts";
import type { VoiceDeps } from "./voice-deps.ts";

export const RECORDING_ACTIONS = ["pause", "resume"] as const;
export type RecordingAction = (typeof RECORDING_ACTIONS)[number];

export interface RecordingState {
  callSid: string;
  recording: "paused" | "in-progress";
}

export async function setCallRecording(
  deps: VoiceDeps,
  input: { caseId: string; action: RecordingAction },
): Promise<RecordingState> {
  const call = await latestCallOfCase(deps.cases.db, input.caseId, ["connecting", "connected"]);
  if (!call)
    throw new AppError("CONFLICT", "This case has no call in progress, so there is no recording to change.");
  const { callSid } = callMetadata(call);
  const recording = input.action === "pause" ? "paused" : "in-progress";
  try {
    await deps.twilio.setRecording(callSid, recording);
  } catch (error) {
    // Twilio refuses when no recording runs on the call (not answered yet, or already over).
    if (isAppError(error, "INVALID"))
      throw new AppError("CONFLICT", `No recording is running on this call: ${error.message}`, { callSid });
    throw error;
  }
  await patchCall(deps.cases.db, call.id, { recordingPaused: recording === "paused" });
  return { callSid, recording };
}
