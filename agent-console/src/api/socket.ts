/**
 * The console's one socket.io connection to `/agent`. The handshake carries the session cookie, which
 * the server honours from the console's own origin; no token is passed.
 */
import { io, type Socket } from "socket.io-client";
import type {
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  Received,
} from "../../../server/realtime/protocol.ts";
import type { SocketAck } from "./types.ts";

/** The `/agent` protocol as the server declares it (server/realtime/protocol.ts). */
export type AgentSocket = Socket<AgentEvents, AgentClientToServerEvents>;
/** The pushes the console receives on `/agent`. */
export type AgentEvents = Received<AgentServerToClientEvents>;

const ACK_TIMEOUT_MS = 10_000;

let current: AgentSocket | null = null;

export function openAgentSocket(): AgentSocket {
  current?.disconnect();
  current = io("/agent", { transports: ["websocket", "polling"] });
  return current;
}

export function closeAgentSocket(): void {
  current?.disconnect();
  current = null;
}

export function agentSocket(): AgentSocket | null {
  return current;
}

/** Answers an offer; a lost connection or a silent server becomes an `{ ok: false }` with a message. */
export async function answerOffer(
  event: "offer.accept" | "offer.reject",
  offerId: string,
): Promise<SocketAck> {
  const socket = current;
  if (!socket?.connected)
    return {
      ok: false,
      error: "offline",
      message: "Not connected to the server; wait a moment and try again.",
    };
  try {
    const timed = socket.timeout(ACK_TIMEOUT_MS);
    return event === "offer.accept"
      ? await timed.emitWithAck("offer.accept", { offerId })
      : await timed.emitWithAck("offer.reject", { offerId });
  } catch {
    return { ok: false, error: "timeout", message: "The server did not answer in time; try again." };
  }
}
