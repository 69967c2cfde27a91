/** Response schemas of the domain objects the API returns. */
import { z } from "zod";
import { CASE_ACTIONS } from "../../cases/replies.ts";
import { AGENT_ROLES, PRESENCE } from "../../db/schema/agents.ts";
import {
  CASE_LINK_REASONS,
  CASE_STATES,
  CHANNELS,
  DELIVERY_STATUSES,
  DIRECTIONS,
  INTERACTION_KINDS,
  PRIORITIES,
} from "../../db/schema/cases.ts";
import { IDENTITY_KINDS } from "../../db/schema/contacts.ts";
import { OFFER_STATUSES } from "../../db/schema/routing.ts";
import { isoDate } from "./schemas.ts";

export const capacitySchema = z.object({
  voice: z.number().int().min(0),
  chat: z.number().int().min(0),
  sms: z.number().int().min(0),
  email: z.number().int().min(0),
});

export const agentSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(AGENT_ROLES),
  presence: z.enum(PRESENCE),
  presenceReason: z.string().nullable(),
  capacity: capacitySchema,
  active: z.boolean(),
  invitationPending: z
    .boolean()
    .describe("Invited and has not chosen a password yet: cannot sign in until they follow the link"),
  createdAt: isoDate,
  queueScope: z
    .object({ limited: z.boolean(), queueIds: z.array(z.uuid()) })
    .describe("Limited: they see only these queues beyond their own work (never applied to admins)"),
  timeZone: z
    .string()
    .nullable()
    .describe("IANA zone the console shows this person's times in; null: their browser's zone"),
});

export const csatSchema = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  at: isoDate.describe("When the customer rated the case"),
});

export const caseSummarySchema = z.object({
  id: z.uuid(),
  number: z.number().int(),
  subject: z.string(),
  state: z.enum(CASE_STATES),
  priority: z.enum(PRIORITIES),
  channel: z.enum(CHANNELS),
  queueId: z.uuid().nullable(),
  assigneeId: z.uuid().nullable(),
  tags: z.array(z.string()),
  dispositionId: z.uuid().nullable().describe("The agent's disposition code (GET /api/dispositions)"),
  linkedCaseId: z.uuid().nullable(),
  enqueuedAt: isoDate.nullable().describe("When the case last joined its queue"),
  createdAt: isoDate,
  updatedAt: isoDate,
  lastCustomerMessageAt: isoDate.nullable(),
  slaStatus: z
    .string()
    .nullable()
    .optional()
    .describe("The worst state of the case's running SLA targets: active, at_risk or breached"),
  slaDueAt: isoDate.nullable().optional().describe("The nearest due time of its running SLA targets"),
  firstResponseAt: isoDate.nullable(),
  resolvedAt: isoDate.nullable(),
  csat: csatSchema.nullable().describe("The customer's satisfaction rating, once they gave one"),
  contact: z.object({ id: z.uuid(), name: z.string().nullable() }),
  customFields: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Custom field values by key (GET /api/custom-fields?entity=case); archived fields left out"),
});

/** A case as the inbox lists it: its summary and who holds it. */
export const caseListItemSchema = caseSummarySchema.extend({
  assignee: z
    .object({ id: z.uuid(), name: z.string() })
    .nullable()
    .describe("The agent the case is assigned to; null while unassigned"),
});

/** A page of case summaries; `nextCursor` reads the next one. */
export const casePageSchema = z.object({
  items: z.array(caseListItemSchema),
  nextCursor: z.string().nullable(),
});

export const interactionSchema = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  channel: z.enum(CHANNELS),
  kind: z.enum(INTERACTION_KINDS),
  direction: z.enum(DIRECTIONS),
  authorAgentId: z.uuid().nullable(),
  body: z.string(),
  externalId: z.string().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  statusReason: z.string().nullable(),
  attempts: z.number().int(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
  statusChangedAt: isoDate,
});

export const authoredInteractionSchema = interactionSchema.extend({
  author: z.object({ id: z.uuid(), name: z.string() }).nullable(),
});

export const identitySchema = z.object({
  id: z.uuid(),
  kind: z.enum(IDENTITY_KINDS),
  address: z.string(),
  verified: z
    .boolean()
    .describe(
      "False for an address the customer only typed in (the web chat's pre-chat form): it does not receive their mail until an agent confirms it",
    ),
  optedOutAt: isoDate.nullable().optional().describe("Set while the customer has opted out on this address"),
  optOutMethod: z.string().nullable().optional(),
});

export const caseDetailSchema = caseSummarySchema.omit({ contact: true }).extend({
  customerAddress: z.string(),
  channelAddress: z.string().nullable(),
  closedAt: isoDate.nullable(),
  contact: z.object({
    id: z.uuid(),
    name: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    customFields: z.record(z.string(), z.unknown()).optional().describe("Contact custom field values by key"),
    identities: z.array(identitySchema),
  }),
  interactions: z
    .array(authoredInteractionSchema)
    .describe(
      "An inbound message whose `metadata.thirdParty` is true came from someone other than the contact",
    ),
  linkedCases: z.array(
    z.object({
      id: z.uuid(),
      number: z.number().int(),
      subject: z.string(),
      state: z.enum(CASE_STATES),
      reason: z
        .enum(CASE_LINK_REASONS)
        .describe("`quoted_thread`: mail from outside the other case's thread quoted it"),
      direction: z.enum(["from", "to"]).describe("`from`: this case was opened from that one"),
    }),
  ),
  allowedActions: z.array(z.enum(CASE_ACTIONS)).describe("Lifecycle actions the case's state allows now"),
});

export const offerSchema = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  agentId: z.uuid(),
  status: z.enum(OFFER_STATUSES),
  createdAt: isoDate,
  expiresAt: isoDate,
});

export const contactSchema = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  customFields: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Custom field values by key (GET /api/custom-fields?entity=contact); archived fields left out"),
  mergedIntoId: z.uuid().nullable(),
  createdAt: isoDate,
});
