/** Cases, their interactions and the audit trail of every change. */
import { sql } from "drizzle-orm";
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { contacts } from "./contacts.ts";
import { dispositionCodes } from "./dispositions.ts";
import { queues } from "./routing.ts";

export const CHANNELS = ["chat", "email", "sms", "voice", "whatsapp"] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The channels an agent's capacity and load are counted in. WhatsApp is messaging work like SMS and
 * counts against the SMS capacity: one "messages" slot, so adding the channel changed no agent's
 * settings and no SQL load function.
 */
export const CAPACITY_CHANNELS = ["chat", "email", "sms", "voice"] as const;
export type CapacityChannel = (typeof CAPACITY_CHANNELS)[number];
export const capacityChannelOf = (channel: Channel): CapacityChannel =>
  channel === "whatsapp" ? "sms" : channel;

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CASE_STATES = [
  "new",
  "queued",
  "offered",
  "assigned",
  "waiting_on_customer",
  "resolved",
  "closed",
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** The states of work still to do: every state before resolved. */
export const OPEN_CASE_STATES = ["new", "queued", "offered", "assigned", "waiting_on_customer"] as const;

/**
 * The inbox's partial indexes hold open cases only. A list query must spell its states as literals,
 * not parameters, for the planner to prove they fall inside this predicate.
 */
const openCase = sql.raw(`state in (${OPEN_CASE_STATES.map((state) => `'${state}'`).join(", ")})`);

export const INTERACTION_KINDS = ["message", "note", "call", "status_event"] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export const DIRECTIONS = ["inbound", "outbound", "internal"] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * `received`: inbound, stored. `recorded`: a note or status event, never sent. Outbound moves
 * `queued -> sending -> sent -> delivered | failed`; `sending` marks an attempt in flight, so a crash
 * mid-send is never silently sent twice. A reply sent later waits as `scheduled` (with `send_at`)
 * until its time, then joins the outbox as `queued`; `cancelled` is one withdrawn before then.
 */
export const DELIVERY_STATUSES = [
  "received",
  "recorded",
  "scheduled",
  "cancelled",
  "queued",
  "sending",
  "sent",
  "delivered",
  "failed",
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * `state`, `assignee_id` and `resolved_at` are what `machine_snapshot` says (`value`, and the
 * context's `assigneeId` and `resolvedAt` in epoch milliseconds).
 */
const caseColumnsMatchSnapshot = sql`(machine_snapshot->>'value') IS NOT DISTINCT FROM state
  AND (machine_snapshot->'context'->>'assigneeId')::uuid IS NOT DISTINCT FROM assignee_id
  AND (machine_snapshot->'context'->>'resolvedAt')::numeric IS NOT DISTINCT FROM (extract(epoch from resolved_at) * 1000)`;

/**
 * Why a case points at another: a message after the other was closed (`follows_closed`), or mail
 * from someone outside the other's thread quoting its messages (`quoted_thread`).
 */
export const CASE_LINK_REASONS = ["follows_closed", "quoted_thread"] as const;
export type CaseLinkReason = (typeof CASE_LINK_REASONS)[number];

export const caseNumberSeq = pgSequence("case_number_seq", { startWith: 1001 });

export const cases = pgTable(
  "cases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: integer("number").notNull().unique().default(sql`nextval('case_number_seq')`),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    channel: text("channel").$type<Channel>().notNull(),
    subject: text("subject").notNull().default(""),
    priority: text("priority").$type<Priority>().notNull().default("normal"),
    state: text("state").$type<CaseState>().notNull().default("new"),
    queueId: uuid("queue_id").references(() => queues.id),
    assigneeId: uuid("assignee_id").references(() => agents.id),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /** Where replies go on the origin channel: visitor id, E.164 number or email address. */
    customerAddress: text("customer_address").notNull(),
    /** The address the customer wrote to (mailbox, our phone number); replies go out from it. */
    channelAddress: text("channel_address"),
    machineSnapshot: jsonb("machine_snapshot").$type<unknown>().notNull(),
    machineVersion: integer("machine_version").notNull(),
    /**
     * Bumped by a trigger on every update. A decision made on a row read without a lock is written
     * only if the row is still at the revision it was read at (db/functions: `sb_write_case`).
     */
    revision: integer("revision").notNull().default(0),
    /** The case this one was opened from, and why (`CASE_LINK_REASONS`). */
    linkedCaseId: uuid("linked_case_id"),
    linkReason: text("link_reason").$type<CaseLinkReason>(),
    /** When the case last joined a queue: its age in the queue, for ordering, overflow and aging. */
    enqueuedAt: timestamp("enqueued_at", { withTimezone: true }),
    /** The agent who last served this contact; offered the case first for the queue's sticky time. */
    stickyAgentId: uuid("sticky_agent_id"),
    /** Overflow steps applied ahead of their time (a supervisor's remedy); reset when it joins a queue. */
    routingStepsApplied: integer("routing_steps_applied").notNull().default(0),
    lastCustomerMessageAt: timestamp("last_customer_message_at", { withTimezone: true }),
    /** The nearest due time of the case's running SLA targets, and their worst status. */
    slaDueAt: timestamp("sla_due_at", { withTimezone: true }),
    slaStatus: text("sla_status"),
    /** The agent's disposition code: why the customer got in touch and how it ended. */
    dispositionId: uuid("disposition_id").references(() => dispositionCodes.id),
    /** Customer satisfaction given after resolution: 1–5 and an optional comment. */
    csatRating: integer("csat_rating"),
    csatComment: text("csat_comment"),
    csatAt: timestamp("csat_at", { withTimezone: true }),
    /** Values of the admin's custom fields (db/schema/integrations.ts `customFields`), by key. */
    customFields: jsonb("custom_fields").$type<Record<string, unknown>>().notNull().default({}),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("cases_state_idx").on(t.state, t.createdAt),
    index("cases_queued_idx").on(t.queueId, t.enqueuedAt).where(sql`state = 'queued'`),
    index("cases_assignee_idx").on(t.assigneeId, t.state),
    index("cases_contact_idx").on(t.contactId, t.createdAt),
    index("cases_updated_idx").on(t.updatedAt, t.id),
    // "My cases", newest activity first: the inbox's default view, read without sorting.
    index("cases_assignee_updated_idx").on(t.assigneeId, t.updatedAt, t.id),
    index("cases_sla_due_idx").on(t.slaDueAt),
    // Inbox filters on custom field values (`custom_fields @> {"plan": "gold"}`).
    index("cases_custom_fields_idx").using("gin", sql`custom_fields jsonb_path_ops`),
    // The inbox's open lists, newest activity first, each read a page at a time without sorting:
    // an agent's open cases, the unassigned ones (a separate index: `assignee_id IS NULL` does not
    // let the planner read the one above in updated_at order), a queue's, everyone's, and those
    // whose SLA is at risk or breached. They hold open cases only, so they stay small and closed
    // work costs nothing to keep in them.
    index("cases_open_assignee_updated_idx").on(t.assigneeId, t.updatedAt, t.id).where(openCase),
    index("cases_open_unassigned_updated_idx")
      .on(t.updatedAt, t.id)
      .where(sql`assignee_id is null and ${openCase}`),
    index("cases_open_queue_updated_idx").on(t.queueId, t.updatedAt, t.id).where(openCase),
    index("cases_open_updated_idx").on(t.updatedAt, t.id).where(openCase),
    index("cases_open_sla_flagged_updated_idx")
      .on(t.updatedAt, t.id)
      .where(sql`sla_status in ('at_risk', 'breached') and ${openCase}`),
    // CSAT figures read the ratings given in a window (sla/csat-figures.ts): only rated cases.
    index("cases_csat_at_idx").on(t.csatAt).where(sql`csat_rating is not null`),
    // Search: `ilike '%word%'` on the subject is answered from trigrams (pg_trgm).
    index("cases_subject_trgm_idx").using("gin", t.subject.op("gin_trgm_ops")),
    // The machine snapshot is the authority on the case's state, assignee and resolution time; the
    // columns are copies for queries and indexes, written with it (cases/case-workflow.ts) and
    // refused where they differ. A snapshot upgrade that moves these fields replaces this check.
    check("cases_state_is_snapshot", caseColumnsMatchSnapshot),
  ],
);

export const interactions = pgTable(
  "interactions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Insertion order: breaks ties between interactions stored in the same millisecond. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    channel: text("channel").$type<Channel>().notNull(),
    kind: text("kind").$type<InteractionKind>().notNull(),
    direction: text("direction").$type<Direction>().notNull(),
    authorAgentId: uuid("author_agent_id").references(() => agents.id),
    body: text("body").notNull().default(""),
    /** The provider's id: unique per channel, so a redelivered webhook or re-fetched mail is stored once. */
    externalId: text("external_id"),
    status: text("status").$type<DeliveryStatus>().notNull(),
    statusReason: text("status_reason"),
    attempts: integer("attempts").notNull().default(0),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    /** A reply scheduled to leave later: when it is due (it waits with status `scheduled`). */
    sendAt: timestamp("send_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("interactions_channel_external_id_uq").on(t.channel, t.externalId),
    index("interactions_case_idx").on(t.caseId, t.createdAt),
    index("interactions_scheduled_idx").on(t.sendAt).where(sql`status = 'scheduled'`),
    index("interactions_outbox_idx")
      .on(t.status, t.statusChangedAt)
      .where(sql`status in ('queued', 'sending')`),
    // Search in message text (`ilike '%words%'`), answered from trigrams (pg_trgm).
    index("interactions_body_trgm_idx").using("gin", t.body.op("gin_trgm_ops")),
  ],
);

/** One row per change to a case: every state transition, assignment and action, with who did it. */
export const caseEvents = pgTable(
  "case_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    type: text("type").notNull(),
    fromState: text("from_state").$type<CaseState>(),
    toState: text("to_state").$type<CaseState>(),
    actorType: text("actor_type").$type<"system" | "agent" | "customer">().notNull(),
    actorId: uuid("actor_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("case_events_case_idx").on(t.caseId, t.id)],
);

export const AGENT_NOTIFICATION_KINDS = ["mention", "automation"] as const;
export type AgentNotificationKind = (typeof AGENT_NOTIFICATION_KINDS)[number];

/**
 * What an agent is told that must not be lost while they are away (a colleague mentioned them in a
 * note): kept until read, shown under the console's bell.
 */
export const agentNotifications = pgTable(
  "agent_notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    kind: text("kind").$type<AgentNotificationKind>().notNull(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    interactionId: uuid("interaction_id").references(() => interactions.id, { onDelete: "cascade" }),
    byAgentId: uuid("by_agent_id").references(() => agents.id, { onDelete: "set null" }),
    excerpt: text("excerpt").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [index("agent_notifications_agent_idx").on(t.agentId, t.createdAt)],
);

/**
 * A named inbox view: the list's filters as its URL query string. Personal (owner set) or shared
 * with the whole team (owner null, made by a supervisor or admin).
 */
export const savedViews = pgTable(
  "saved_views",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerAgentId: uuid("owner_agent_id").references(() => agents.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The inbox filters as a URL query string, e.g. `status=open&queue=…&csat=low`. */
    query: text("query").notNull().default(""),
    createdById: uuid("created_by_id").references(() => agents.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("saved_views_owner_idx").on(t.ownerAgentId, t.name)],
);
