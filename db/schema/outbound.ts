/**
 * Outbound telesales: call lists and their records, imports, campaigns, every dial and skip with its
 * explanation, the do-not-call list, callbacks and leads.
 */
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { contacts } from "./contacts.ts";
import { queues, type StoredSkillRequirement } from "./routing.ts";

export const callLists = pgTable("call_lists", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  createdById: uuid("created_by_id").references(() => agents.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const LIST_RECORD_STATUSES = ["pending", "in_progress", "callback", "done"] as const;
export type ListRecordStatus = (typeof LIST_RECORD_STATUSES)[number];

export const TIME_ZONE_SOURCES = ["column", "contact", "number", "default"] as const;
export type TimeZoneSource = (typeof TIME_ZONE_SOURCES)[number];

export const listRecords = pgTable(
  "list_records",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    listId: uuid("list_id")
      .notNull()
      .references(() => callLists.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    /** E.164. */
    phone: text("phone").notNull(),
    /** The extension written after the number, dialled by the agent. */
    extension: text("extension"),
    name: text("name"),
    /** Candidate zones of the contact; every one must allow a call. */
    timeZones: jsonb("time_zones").$type<string[]>().notNull(),
    timeZoneSource: text("time_zone_source").$type<TimeZoneSource>().notNull(),
    /** Other columns of the imported row. */
    attributes: jsonb("attributes").$type<Record<string, string>>().notNull().default({}),
    /** The line of the CSV file the record came from (1 is the header). */
    line: integer("line"),
    status: text("status").$type<ListRecordStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    lastDisposition: text("last_disposition"),
    /** Why the record is where it is, e.g. "retry after 120 min (no_answer 1 of 3)". */
    statusReason: text("status_reason"),
    /** The agent who has the record in front of them (preview) or owns its callback. */
    agentId: uuid("agent_id").references(() => agents.id),
    /** How many times a recycle brought the record back. */
    recycled: integer("recycled").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("list_records_list_phone_uq").on(t.listId, t.phone),
    index("list_records_due_idx").on(t.listId, t.status, t.nextAttemptAt),
    index("list_records_contact_idx").on(t.contactId),
  ],
);

export const LIST_IMPORT_STATUSES = ["queued", "running", "done", "failed"] as const;
export type ListImportStatus = (typeof LIST_IMPORT_STATUSES)[number];

/** Which CSV column holds what; names are the file's header cells. */
export interface ColumnMapping {
  phone: string;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  timeZone?: string | null;
}

export const listImports = pgTable(
  "list_imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    listId: uuid("list_id")
      .notNull()
      .references(() => callLists.id, { onDelete: "cascade" }),
    status: text("status").$type<ListImportStatus>().notNull().default("queued"),
    mapping: jsonb("mapping").$type<ColumnMapping>().notNull(),
    defaultCountry: text("default_country").notNull(),
    /** The uploaded file, kept until the import is done. */
    source: text("source"),
    totalRows: integer("total_rows").notNull().default(0),
    rowsDone: integer("rows_done").notNull().default(0),
    /** The file's last line in the last committed batch: a run after a crash continues after it. */
    doneThroughLine: integer("done_through_line").notNull().default(1),
    imported: integer("imported").notNull().default(0),
    duplicates: integer("duplicates").notNull().default(0),
    invalid: integer("invalid").notNull().default(0),
    /** Existing contacts the import's numbers belonged to. */
    contactsMatched: integer("contacts_matched").notNull().default(0),
    failure: text("failure"),
    createdById: uuid("created_by_id").references(() => agents.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("list_imports_list_idx").on(t.listId)],
);

export const IMPORT_ISSUE_KINDS = ["invalid", "duplicate"] as const;
export type ImportIssueKind = (typeof IMPORT_ISSUE_KINDS)[number];

/** Every row not imported as a new record, with its line and reason. */
export const listImportIssues = pgTable(
  "list_import_issues",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    importId: uuid("import_id")
      .notNull()
      .references(() => listImports.id, { onDelete: "cascade" }),
    line: integer("line").notNull(),
    kind: text("kind").$type<ImportIssueKind>().notNull(),
    reason: text("reason").notNull(),
    /** The phone cell as written. */
    value: text("value").notNull().default(""),
  },
  (t) => [uniqueIndex("list_import_issues_line_uq").on(t.importId, t.line)],
);

export const CAMPAIGN_MODES = ["preview", "progressive", "predictive"] as const;
export type CampaignMode = (typeof CAMPAIGN_MODES)[number];

export const CAMPAIGN_STATUSES = ["draft", "running", "paused", "completed"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface StoredHoursRange {
  start: string;
  end: string;
}

export interface StoredSchedule {
  timeZone: string;
  windows: { days: number[]; start: string; end: string }[];
}

export type StoredRetryRules = Partial<
  Record<
    "no_answer" | "busy" | "answering_machine" | "failed" | "abandoned",
    { retryAfterMinutes: number; maxAttempts: number }
  >
>;

export const campaigns = pgTable(
  "campaigns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull().unique(),
    listId: uuid("list_id")
      .notNull()
      .references(() => callLists.id),
    /** The queue whose agents work the campaign (its required skills apply). */
    queueId: uuid("queue_id").references(() => queues.id),
    /** Skills agents need on top of the queue's. */
    skills: jsonb("skills").$type<StoredSkillRequirement[]>().notNull().default([]),
    mode: text("mode").$type<CampaignMode>().notNull(),
    status: text("status").$type<CampaignStatus>().notNull().default("draft"),
    script: text("script").notNull().default(""),
    dispositions: jsonb("dispositions").$type<string[]>().notNull(),
    /** Narrows the legal 08:00–21:00 in the contact's local time. */
    callingHours: jsonb("calling_hours").$type<StoredHoursRange | null>(),
    schedule: jsonb("schedule").$type<StoredSchedule | null>(),
    /** Abandoned calls as a percentage of answered calls over 30 days. */
    abandonLimitPercent: numeric("abandon_limit_percent", { precision: 5, scale: 2, mode: "number" })
      .notNull()
      .default(3),
    maxRatio: numeric("max_ratio", { precision: 4, scale: 2, mode: "number" }).notNull().default(3),
    ringSeconds: integer("ring_seconds").notNull().default(25),
    retryRules: jsonb("retry_rules").$type<StoredRetryRules>().notNull().default({}),
    maxAttemptsPerRecord: integer("max_attempts_per_record").notNull().default(8),
    /** Our number the customer sees. */
    callerId: text("caller_id").notNull(),
    /** Played to an answering machine before hanging up (an audio URL); none: hang up. */
    voicemailDropUrl: text("voicemail_drop_url"),
    /** Played when the customer answers and no agent is free. */
    abandonMessage: text("abandon_message")
      .notNull()
      .default("Sorry, all our agents are busy. We will call you back later. Goodbye."),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("campaigns_status_idx").on(t.status)],
);

export const DIAL_ATTEMPT_KINDS = ["dial", "skip"] as const;
export type DialAttemptKind = (typeof DIAL_ATTEMPT_KINDS)[number];

/**
 * `queued` (decided, call being placed) -> `ringing` -> `connected` (an agent is on it) or
 * `abandoned` (answered, nobody free) or `no_answer` | `busy` | `failed` | `answering_machine`;
 * `connected` -> `completed` when the call ends. `skipped` for skips.
 */
export const DIAL_STATUSES = [
  "queued",
  "ringing",
  "connected",
  "completed",
  "abandoned",
  "no_answer",
  "busy",
  "failed",
  "answering_machine",
  "skipped",
] as const;
export type DialStatus = (typeof DIAL_STATUSES)[number];

export const dialAttempts = pgTable(
  "dial_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    recordId: uuid("record_id")
      .notNull()
      .references(() => listRecords.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id").notNull(),
    phone: text("phone").notNull(),
    kind: text("kind").$type<DialAttemptKind>().notNull(),
    status: text("status").$type<DialStatus>().notNull(),
    /** Why the number was dialled or skipped, in words. */
    explanation: text("explanation").notNull(),
    agentId: uuid("agent_id").references(() => agents.id),
    callSid: text("call_sid"),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    disposition: text("disposition"),
    dispositionAt: timestamp("disposition_at", { withTimezone: true }),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("dial_attempts_campaign_idx").on(t.campaignId, t.createdAt),
    index("dial_attempts_record_idx").on(t.recordId, t.createdAt),
    uniqueIndex("dial_attempts_call_sid_uq").on(t.callSid).where(sql`call_sid is not null`),
    index("dial_attempts_open_idx")
      .on(t.campaignId, t.status)
      .where(sql`status in ('queued', 'ringing', 'connected')`),
    /** An agent's calls still waiting for their disposition (the console's current call). */
    index("dial_attempts_agent_open_idx")
      .on(t.agentId, t.createdAt)
      .where(sql`disposition is null and kind = 'dial'`),
  ],
);

/** Numbers never to call: everywhere (no campaign) or in one campaign. */
export const doNotCall = pgTable(
  "do_not_call",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    phone: text("phone").notNull(),
    campaignId: uuid("campaign_id").references(() => campaigns.id, { onDelete: "cascade" }),
    /** How it got here: "api", "import", "disposition". */
    source: text("source").notNull(),
    reason: text("reason").notNull().default(""),
    createdById: uuid("created_by_id").references(() => agents.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("do_not_call_global_uq").on(t.phone).where(sql`campaign_id is null`),
    uniqueIndex("do_not_call_campaign_uq").on(t.campaignId, t.phone).where(sql`campaign_id is not null`),
  ],
);

export const CALLBACK_STATUSES = ["scheduled", "done", "cancelled"] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export const outboundCallbacks = pgTable(
  "outbound_callbacks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    recordId: uuid("record_id")
      .notNull()
      .references(() => listRecords.id, { onDelete: "cascade" }),
    /** The agent who will call; null: anyone on the campaign. */
    agentId: uuid("agent_id").references(() => agents.id),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    /** The time as agreed with the customer, in their zone. */
    localTime: text("local_time").notNull(),
    timeZone: text("time_zone").notNull(),
    note: text("note").notNull().default(""),
    status: text("status").$type<CallbackStatus>().notNull().default("scheduled"),
    createdById: uuid("created_by_id").references(() => agents.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("outbound_callbacks_due_idx").on(t.status, t.dueAt),
    index("outbound_callbacks_record_idx").on(t.recordId),
  ],
);

export const leads = pgTable(
  "leads",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    recordId: uuid("record_id")
      .notNull()
      .references(() => listRecords.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id").notNull(),
    agentId: uuid("agent_id").references(() => agents.id),
    /** In the smallest currency unit (cents). */
    estimatedValueCents: integer("estimated_value_cents"),
    currency: text("currency").notNull().default("USD"),
    note: text("note").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("leads_campaign_idx").on(t.campaignId)],
);
