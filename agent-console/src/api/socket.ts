/** The console's one socket.io connection to `/agent`, authenticated with the session's bearer token. */
import { io, type Socket } from "socket.io-client";
import type {
  CaseSummary,
  Interaction,
  InteractionStatusEvent,
  MentionEvent,
  Offer,
  OfferClosed,
  SlaChangedEvent,
  SocketAck,
  TypingEvent,
} from "./types.ts";

interface ServerEvents {
  offer: (offer: Offer) => void;
  "offer.closed": (closed: OfferClosed) => void;
  "case.updated": (summary: CaseSummary) => void;
  "interaction.created": (interaction: Interaction) => void;
  "interaction.status": (event: InteractionStatusEvent) => void;
  typing: (event: TypingEvent) => void;
  "sla.changed": (event: SlaChangedEvent) => void;
  mention: (event: MentionEvent) => void;
}

interface ClientEvents {
  "offer.accept": (payload: { offerId: string }, ack: (response: SocketAck) => void) => void;
  "offer.reject": (payload: { offerId: string }, ack: (response: SocketAck) => void) => void;
  "case.watch": (payload: { caseId: string }) => void;
  "case.unwatch": (payload: { caseId: string }) => void;
  typing: (payload: { caseId: string; isTyping: boolean }) => void;
}

export type AgentSocket = Socket<ServerEvents, ClientEvents>;

const ACK_TIMEOUT_MS = 10_000;

let current: AgentSocket | null = null;

export function openAgentSocket(token: string): AgentSocket {
  current?.disconnect();
  current = io("/agent", { auth: { token }, transports: ["websocket", "polling"] });
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
    return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, { offerId });
  } catch {
    return { ok: false, error: "timeout", message: "The server did not answer in time; try again." };
  }
}
