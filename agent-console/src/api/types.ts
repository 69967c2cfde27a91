/**
 * The shapes the console reads from the API and the `/agent` socket, as the server declares them:
 * the API's from its response schemas (`server/http/views.ts` and the route modules), the socket's
 * from its protocol (`server/realtime/protocol.ts`). `import type` only: the browser bundle never
 * pulls in server code.
 */
import type { z } from "zod";
import type { CaseAction as ServerCaseAction } from "../../../cases/replies.ts";
import type { SegmentCount } from "../../../channels/sms/segments.ts";
import type {
  CapacityChannel,
  CaseState,
  Channel,
  DeliveryStatus,
  Priority,
} from "../../../db/schema/cases.ts";
import type { SlaStatus } from "../../../db/schema/sla.ts";
import type { errorBody } from "../../../server/http/schemas.ts";
import type {
  agentSchema,
  authoredInteractionSchema,
  caseDetailSchema,
  caseListItemSchema,
  casePageSchema,
  caseSummarySchema,
  contactSchema,
  identitySchema,
} from "../../../server/http/views.ts";
import type { AgentAck, AgentPush } from "../../../server/realtime/protocol.ts";
import type {
  challengeAnswerSchema,
  loginAnswerSchema,
  sessionAnswerSchema,
} from "../../../server/routes/auth.ts";
import type {
  contactMergeSchema,
  duplicateCandidateSchema,
  duplicateReasonSchema,
  mergePreviewSchema,
  mergeResultSchema,
} from "../../../server/routes/contact-merges.ts";
import type { queueSchema } from "../../../server/routes/routing-admin.ts";
import type { targetView } from "../../../server/routes/sla.ts";

/** A response as it arrives: the schema's encoded side, so its dates are ISO strings. */
export type Wire<Schema extends z.ZodType> = z.input<Schema>;

export type { CapacityChannel, CaseState, Channel, DeliveryStatus, Priority, SlaStatus };

export const PRESENCE = ["available", "away", "offline"] as const;
export type Presence = (typeof PRESENCE)[number];

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

/** The lifecycle actions in the order the console offers them. */
export const CASE_ACTIONS = [
  "wait_on_customer",
  "resolve",
  "reopen",
  "close",
] as const satisfies readonly ServerCaseAction[];
export type CaseAction = ServerCaseAction;

export type Agent = Wire<typeof agentSchema>;
export type LoginResponse = Wire<typeof loginAnswerSchema>;
/** Who is signed in and until when: the login answer without its token. */
export type SessionAnswer = Wire<typeof sessionAnswerSchema>;
/** A right password when a second factor is due: no session yet, only the challenge. */
export type ChallengeAnswer = Wire<typeof challengeAnswerSchema>;
export type LoginChallenge = ChallengeAnswer["challenge"];
export type CaseSummary = Wire<typeof caseSummarySchema>;
export type ContactRef = CaseSummary["contact"];
/**
 * A listed case. Live pushes patch rows with a summary that does not name the assignee, so the name
 * may be missing or belong to an earlier assignee: compare its id with `assigneeId`.
 */
export type CaseListItem = CaseSummary & Partial<Pick<Wire<typeof caseListItemSchema>, "assignee">>;
export type CasePage = Omit<Wire<typeof casePageSchema>, "items"> & { items: CaseListItem[] };
export type Interaction = Wire<typeof authoredInteractionSchema>;
export type Identity = Wire<typeof identitySchema>;
export type CaseDetail = Wire<typeof caseDetailSchema>;

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
export type ApiErrorBody = Wire<typeof errorBody>;

export type Contact = Wire<typeof contactSchema>;
export type ContactDetail = Contact & { identities: Identity[] };
export type MergePreview = Wire<typeof mergePreviewSchema>;
export type MergeResult = Wire<typeof mergeResultSchema>;
export type ContactMerge = Wire<typeof contactMergeSchema>;
export type DuplicateCandidate = Wire<typeof duplicateCandidateSchema>;
export type DuplicateReason = Wire<typeof duplicateReasonSchema>;

/** A queue as the case views name it (the admin pages read the whole of it). */
export type Queue = Pick<Wire<typeof queueSchema>, "id" | "name">;

export type SlaTarget = Wire<typeof targetView>;
export type SmsSegments = SegmentCount;
