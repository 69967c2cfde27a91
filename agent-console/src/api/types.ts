/**
 * The shapes the console reads from the API and the `/agent` socket. The API's are declared here;
 * the socket's come from the protocol the server declares (`import type` only: the browser bundle
 * never pulls in server code).
 */
import type { AgentAck, AgentPush } from "../../../server/realtime/protocol.ts";

export const PRESENCE = ["available", "away", "offline"] as const;
export type Presence = (typeof PRESENCE)[number];

export type Channel = "chat" | "email" | "sms" | "voice";
export type Priority = "low" | "normal" | "high" | "urgent";
export type CaseState =
  | "new"
  | "queued"
  | "offered"
  | "assigned"
  | "waiting_on_customer"
  | "resolved"
  | "closed";

/**
 * Every state before resolved: what `status=open` lists. The server's case machine tags them `open`
 * (cases/case-states.ts); tests/unit/case-states.test.ts keeps the two lists the same.
 */
export const OPEN_STATES: readonly CaseState[] = [
  "new",
  "queued",
  "offered",
  "assigned",
  "waiting_on_customer",
];

/** Closed for good: the case takes no more changes (the machine's `final` tag, kept equal the same way). */
export const FINAL_STATES: readonly CaseState[] = ["closed"];

export const CASE_ACTIONS = ["wait_on_customer", "resolve", "reopen", "close"] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export type DeliveryStatus = "received" | "recorded" | "queued" | "sending" | "sent" | "delivered" | "failed";

export interface Agent {
  id: string;
  email: string;
  name: string;
  role: "agent" | "supervisor" | "admin";
  presence: Presence;
  presenceReason: string | null;
  /** How many cases of each channel the agent may hold at once. */
  capacity?: Record<Channel, number>;
}

export interface LoginResponse {
  token: string;
  expiresAt: string;
  agent: Pick<Agent, "id" | "email" | "name" | "role">;
}

export interface ContactRef {
  id: string;
  name: string | null;
}

export interface CaseSummary {
  id: string;
  number: number;
  subject: string;
  /** The disposition code the agent gave (GET /api/dispositions), if any. */
  dispositionId: string | null;
  state: CaseState;
  priority: Priority;
  channel: Channel;
  queueId: string | null;
  assigneeId: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  lastCustomerMessageAt: string | null;
  /** The worst state of the running SLA targets (`active`, `at_risk`, `breached`) and the nearest due time. */
  slaStatus?: string | null;
  slaDueAt?: string | null;
  contact: ContactRef;
}

export interface CasePage {
  items: CaseSummary[];
  nextCursor: string | null;
}

export interface Interaction {
  id: string;
  caseId: string;
  channel: Channel;
  kind: "message" | "note" | "call" | "status_event";
  direction: "inbound" | "outbound" | "internal";
  authorAgentId: string | null;
  body: string;
  status: DeliveryStatus;
  statusReason: string | null;
  createdAt: string;
  metadata?: Record<string, unknown>;
  author?: { id: string; name: string } | null;
}

export interface Identity {
  kind: "phone" | "email" | "chat";
  address: string;
  /** Set while the customer has opted out of messages on this address (e.g. SMS STOP). */
  optedOutAt?: string | null;
  optOutMethod?: string | null;
}

export interface CaseDetail extends Omit<CaseSummary, "contact"> {
  customerAddress: string;
  channelAddress?: string | null;
  closedAt: string | null;
  resolvedAt: string | null;
  contact: ContactRef & {
    attributes: Record<string, unknown>;
    identities: Identity[];
  };
  interactions: Interaction[];
  /** Lifecycle actions the case's state allows, as the server computed them. */
  allowedActions: CaseAction[];
}

// The socket's pushes (server/realtime/protocol.ts), as they arrive.
export type Offer = AgentPush<"offer">;
export type OfferClosed = AgentPush<"offer.closed">;
export type InteractionStatusEvent = AgentPush<"interaction.status">;
export type InteractionUpdatedEvent = AgentPush<"interaction.updated">;
export type TypingEvent = AgentPush<"typing">;
export type SlaChangedEvent = AgentPush<"sla.changed">;
/** A colleague mentioned this agent in a note. */
export type MentionEvent = AgentPush<"mention">;
/** How an offer's answer comes back; `caseId` when it was accepted. */
export type SocketAck = AgentAck<{ caseId?: string }>;

/** The body of every 4xx/5xx the API answers. */
export interface ApiErrorBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface Contact {
  id: string;
  name: string | null;
  attributes: Record<string, unknown>;
  mergedIntoId: string | null;
  createdAt: string;
}

export interface ContactDetail extends Contact {
  identities: Identity[];
}

export interface MergePreview {
  survivor: Contact;
  merged: Contact;
  identitiesMoving: Identity[];
  casesMoving: { id: string; number: number; subject: string; state: string }[];
}

export interface Queue {
  id: string;
  name: string;
}

export type SlaStatus = "active" | "at_risk" | "breached" | "met" | "met_late";

export interface SlaTarget {
  metric: string;
  cycle: number;
  status: SlaStatus;
  paused: boolean;
  targetMinutes: number;
  business: boolean;
  elapsedMinutes: number;
  dueAt: string | null;
  atRiskAt: string | null;
  metAt: string | null;
  breachedAt: string | null;
}

export interface SmsSegments {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  charactersUsed: number;
  charactersLeftInSegment: number;
}
