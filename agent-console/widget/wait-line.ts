/**
 * The one line under the widget's title that says when the visitor will be answered. Everything
 * the widget knows about waiting goes through `waitText`, so a general promise ("We usually reply in
 * a few minutes") and the server's estimate ("about 30 min") are never on screen together: the
 * estimate, once there is one, replaces the promise.
 */
import type { ChatAvailability } from "../../server/realtime/protocol.ts";

export interface WaitState {
  /** Whether a new chat would be answered now; null until the server said. */
  availability: ChatAvailability | null;
  /** The visitor has a chat under way (from the server, or started on this page). */
  live: boolean;
  /** The visitor's place while nobody has the chat yet. */
  place: { position: number; estimatedWaitSeconds: number | null } | null;
  /** The agent who answered, once one has. */
  agentName: string | null;
}

export const USUAL_REPLY = "We usually reply in a few minutes";

const minutes = (seconds: number) => Math.max(1, Math.round(seconds / 60));

export function waitText(state: WaitState): string {
  if (state.agentName) return `You are chatting with ${state.agentName}`;
  if (state.place) {
    const where =
      state.place.position === 1 ? "You are next in line" : `You are number ${state.place.position} in line`;
    const wait = state.place.estimatedWaitSeconds;
    return wait === null ? where : `${where}, about ${minutes(wait)} min`;
  }
  if (!state.live && state.availability === "closed")
    return "We are closed now: leave a message and we will answer by email";
  if (!state.live && state.availability === "no_agents")
    return "Nobody can chat right now: leave a message and we will answer by email";
  return USUAL_REPLY;
}
