/**
 * The socket.io protocol, declared once: per namespace the events the server pushes, the events
 * clients send (with their acks) and a zod schema for every client payload. The server types its
 * namespaces with these; the console and the chat widget `import type` them, so a change here
 * that a client does not follow fails the type check. Nothing here may need server code at run time
 * on the client side: clients import types only.
 */
import { z } from "zod";
import type { ChatAvailability, ChatMessage } from "../../channels/chat/chat-channel.ts";
import { MAX_CHAT_MESSAGE_LENGTH } from "../../channels/chat/chat-channel.ts";
import { MAX_LEFT_MESSAGE_LENGTH } from "../../channels/chat/chat-intake.ts";
import type { PublicWidgetSettings } from "../../channels/chat/widget-settings.ts";
import type { Presence } from "../../db/schema/agents.ts";
import type { DeliveryStatus, interactions } from "../../db/schema/cases.ts";
import type { OfferStatus } from "../../db/schema/routing.ts";
import type { QueueStats } from "../../routing/queue-stats.ts";
import type { LiveMetrics } from "../../sla/metrics.ts";
import type { AgentRow } from "../auth/accounts.ts";
import type { CaseSummaryPayload, offerPayloadOf } from "./publisher.ts";

/** A value as a client receives it: JSON turns dates into ISO strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** The events of a server-to-client map with their payloads as a client receives them. */
export type Received<Events> = {
  [E in keyof Events]: Events[E] extends (...args: infer A) => void
    ? (...args: { [I in keyof A]: Jsonified<A[I]> }) => void
    : never;
};

/** What an ack carries when the event was refused (bad payload, not allowed, conflict). */
export interface AckError {
  error: string;
  message: string;
  /** With `rate_limited`: how long to wait before trying again. */
  retryAfterSeconds?: number;
}
/** `/agent` acks say `ok` first. */
export type AgentAck<Success extends object = Record<never, never>> =
  | ({ ok: true } & Success)
  | ({ ok: false } & AckError);

// ---- /agent ------------------------------------------------------------------------------------

export const agentPayloads = {
  "offer.accept": z.object({ offerId: z.uuid() }),
  "offer.reject": z.object({ offerId: z.uuid() }),
  "case.watch": z.object({ caseId: z.uuid() }),
  "case.unwatch": z.object({ caseId: z.uuid() }),
  typing: z.object({ caseId: z.uuid(), isTyping: z.boolean() }),
};
type AgentPayload<E extends keyof typeof agentPayloads> = z.infer<(typeof agentPayloads)[E]>;

export type OfferPayload = ReturnType<typeof offerPayloadOf>;
export type InteractionRow = typeof interactions.$inferSelect;

export interface AgentServerToClientEvents {
  offer: (offer: OfferPayload) => void;
  "offer.closed": (closed: { offerId: string; caseId: string; status: OfferStatus }) => void;
  "case.updated": (summary: CaseSummaryPayload) => void;
  "interaction.created": (
    interaction: InteractionRow & { author: { id: string; name: string } | null },
  ) => void;
  /** An interaction's details changed (a call's progress, a voicemail's transcription): the whole row. */
  "interaction.updated": (interaction: InteractionRow) => void;
  "interaction.status": (event: {
    caseId: string;
    interactionId: string;
    status: DeliveryStatus;
    reason: string | null;
  }) => void;
  typing: (event: { caseId: string; from: "visitor"; isTyping: boolean }) => void;
  /** Who has the case open now (each person once). */
  "case.viewers": (event: { caseId: string; viewers: { id: string; name: string }[] }) => void;
  /** A colleague started or stopped typing on a case this console watches. */
  "case.typing": (event: { caseId: string; agent: { id: string; name: string }; isTyping: boolean }) => void;
  "sla.changed": (event: {
    caseId: string;
    status: string | null;
    dueAt: string | null;
    flagged?: "at_risk" | "breached";
    metric?: string | undefined;
  }) => void;
  mention: (event: {
    caseId: string;
    caseNumber: number;
    interactionId: string;
    by: { id: string; name: string | null };
    excerpt: string;
  }) => void;
  /** Supervisors only. */
  "sla.escalated": (event: { caseId: string; ruleId: string; ruleName: string; message: string }) => void;
  /** The agent's own consoles and supervisors. */
  "agent.presence": (event: { agentId: string; presence: Presence; reason: string | null }) => void;
  /** Supervisors only: the queues whose figures changed. */
  "queue.stats": (push: { at: string; queues: QueueStats[] }) => void;
  /** Supervisors only. */
  "metrics.live": (metrics: LiveMetrics) => void;
}

export interface AgentClientToServerEvents {
  "offer.accept": (
    payload: AgentPayload<"offer.accept">,
    ack: (response: AgentAck<{ caseId: string }>) => void,
  ) => void;
  "offer.reject": (payload: AgentPayload<"offer.reject">, ack: (response: AgentAck) => void) => void;
  /** Joins the case's room: its pushes reach this console while it shows the case. */
  "case.watch": (payload: AgentPayload<"case.watch">, ack?: (response: AgentAck) => void) => void;
  "case.unwatch": (payload: AgentPayload<"case.unwatch">, ack?: (response: AgentAck) => void) => void;
  /** Relayed to the chat visitor; a bad payload is dropped (no ack to answer with). */
  typing: (payload: AgentPayload<"typing">) => void;
}

export interface AgentSocketData {
  agent: AgentRow;
  sessionId: string;
}

// ---- /chat -------------------------------------------------------------------------------------

export const chatPayloads = {
  hello: z
    .object({
      visitorToken: z.string().max(200).optional(),
      name: z.string().max(200).optional(),
      email: z.string().max(320).optional(),
    })
    // A widget's first hello may carry nothing at all.
    .default({}),
  message: z.object({
    body: z.string().min(1, "cannot be empty").max(MAX_CHAT_MESSAGE_LENGTH),
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, "8–64 letters, digits, '-' or '_'")
      .optional(),
  }),
  delivered: z.object({ id: z.uuid() }),
  "message.leave": z.object({
    name: z.string().max(200),
    email: z.string().max(320),
    body: z.string().max(MAX_LEFT_MESSAGE_LENGTH),
    clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "8–64 letters, digits, '-' or '_'"),
  }),
  typing: z.object({ isTyping: z.boolean() }),
  rate: z.object({
    rating: z.number().int().min(1).max(5),
    comment: z.string().max(2000).optional(),
  }),
};
type ChatPayload<E extends keyof typeof chatPayloads> = z.input<(typeof chatPayloads)[E]>;

export type { ChatAvailability, ChatMessage, PublicWidgetSettings };
export interface HelloAnswer {
  visitorToken: string;
  caseId?: string;
  history: ChatMessage[];
  /** The chat is under way (neither resolved nor closed): the widget reopens on it after a reload. */
  live: boolean;
  /** Whether a new chat would be answered now; otherwise the widget offers "leave a message". */
  availability: ChatAvailability;
  /** The widget's colour, greeting, corner and pre-chat fields, as an admin set them. */
  widget: PublicWidgetSettings;
}
export interface QueuePosition {
  caseId: string;
  position: number;
  estimatedWaitSeconds: number | null;
}

export interface ChatServerToClientEvents {
  message: (message: ChatMessage) => void;
  typing: (signal: { from: "agent"; isTyping: boolean }) => void;
  /** The visitor's place while nobody has taken the chat yet. */
  "queue.position": (place: QueuePosition) => void;
}

export interface ChatClientToServerEvents {
  hello: (payload: ChatPayload<"hello">, ack: (response: HelloAnswer | AckError) => void) => void;
  /** Acknowledged once stored; `hello_first` when the server does not know the visitor yet. */
  message: (
    payload: ChatPayload<"message">,
    ack: (response: { id: string; caseId: string } | AckError) => void,
  ) => void;
  /** The widget shows an agent's message; a bad payload is dropped. */
  delivered: (payload: ChatPayload<"delivered">) => void;
  /**
   * A message left when nobody can chat (name, email, text): becomes an email case answered by
   * email. The same clientId again is the same message.
   */
  "message.leave": (
    payload: ChatPayload<"message.leave">,
    ack: (response: { caseNumber: number } | AckError) => void,
  ) => void;
  typing: (payload: ChatPayload<"typing">) => void;
  /** The visitor rates their resolved chat (1–5, optional comment); limited per address like the status page's. */
  rate: (
    payload: ChatPayload<"rate">,
    ack: (response: { rating: number; comment: string | null } | AckError) => void,
  ) => void;
}

export interface ChatSocketData {
  visitorId?: string;
  /** The visitor has the pre-chat fields the settings require on file (checked once per socket). */
  introduced?: boolean;
}

// ---- between server processes ------------------------------------------------------------------

export interface InterServerEvents {
  /** Queues with cases waiting on this process, so the others route them too. */
  "routing.waiting": (queueIds: string[]) => void;
}

// ---- as clients see them -----------------------------------------------------------------------

/** The payload of an `/agent` push as the console receives it. */
export type AgentPush<E extends keyof AgentServerToClientEvents> = Jsonified<
  Parameters<AgentServerToClientEvents[E]>[0]
>;
/** The payload of a `/chat` push as the widget receives it. */
export type ChatPush<E extends keyof ChatServerToClientEvents> = Jsonified<
  Parameters<ChatServerToClientEvents[E]>[0]
>;
