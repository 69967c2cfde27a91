/**
 * What integrations and automation keep: API keys, outbound webhook endpoints and their deliveries,
 * custom field definitions, automation rules with their time schedule, macros and CSV exports.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { cases } from "./cases.ts";

// ---------------------------------------------------------------------------------------------
// API keys

export const API_KEY_SCOPES = ["cases:read", "cases:write", "contacts", "reports", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A key an integration sends as `Authorization: Bearer`; only a hash of its secret is kept. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** The secret's first characters, shown so an admin can tell keys apart and looked up on use. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes").array().$type<ApiKeyScope[]>().notNull(),
    /** The queues the key may reach; null for every queue. */
    queueIds: uuid("queue_ids").array(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => agents.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_keys_prefix_uq").on(t.prefix)],
);

// ---------------------------------------------------------------------------------------------
// Outbound webhooks

export const WEBHOOK_DELIVERY_STATES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number];

export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().default(""),
  url: text("url").notNull(),
  /** Event types it receives (`case.created`, `interaction.created`, …). */
  events: text("events").array().notNull(),
  /** The signing secret (`whsec_…`), encrypted with SECRET_KEY: it must be read back to sign. */
  secretEncrypted: text("secret_encrypted").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  disabledAt: timestamp("disabled_at", { withTimezone: true }),
  disabledReason: text("disabled_reason"),
  /** When deliveries started failing without a success since; null while healthy. */
  failingSince: timestamp("failing_since", { withTimezone: true }),
  createdBy: uuid("created_by").references(() => agents.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One event for one endpoint: delivered at least once, retried with backoff, replayable. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Increases with every event written; receivers order one case's events by it. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    caseId: uuid("case_id"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<WebhookDeliveryState>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastLatencyMs: integer("last_latency_ms"),
    lastResponseExcerpt: text("last_response_excerpt"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);

/** Each attempt of a delivery: the delivery log an admin reads. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deliveryId: uuid("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull().defaultNow(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms"),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attemptedAt)],
);

// ---------------------------------------------------------------------------------------------
// Custom fields (values live in `cases.custom_fields` and `contacts.custom_fields`, jsonb by key)

export const CUSTOM_FIELD_ENTITIES = ["case", "contact"] as const;
export type CustomFieldEntity = (typeof CUSTOM_FIELD_ENTITIES)[number];
export const CUSTOM_FIELD_TYPES = ["text", "number", "date", "choice", "multi_choice", "checkbox"] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const customFields = pgTable(
  "custom_fields",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    entity: text("entity").$type<CustomFieldEntity>().notNull(),
    /** The key values are stored under: lower case, `a-z0-9_`, fixed once created. */
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: text("type").$type<CustomFieldType>().notNull(),
    /** The choices of a choice or multiple-choice field. */
    options: text("options").array().notNull().default(sql`'{}'::text[]`),
    /** Required on every case (`true`) or only on cases of these queues. */
    required: boolean("required").notNull().default(false),
    requiredQueueIds: uuid("required_queue_ids").array().notNull().default(sql`'{}'::uuid[]`),
    position: integer("position").notNull().default(0),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("custom_fields_entity_key_uq").on(t.entity, t.key)],
);

// ---------------------------------------------------------------------------------------------
// Automation

export const AUTOMATION_TRIGGERS = ["event", "time"] as const;
export type AutomationTrigger = (typeof AUTOMATION_TRIGGERS)[number];
export const AUTOMATION_MODES = ["first_match", "all_match"] as const;
export type AutomationMode = (typeof AUTOMATION_MODES)[number];

/** An ordered set of rules: the first rule that matches runs, or every rule that matches. */
export const automationRuleSets = pgTable("automation_rule_sets", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  mode: text("mode").$type<AutomationMode>().notNull().default("all_match"),
  position: integer("position").notNull().default(0),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const automationRules = pgTable(
  "automation_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleSetId: uuid("rule_set_id")
      .notNull()
      .references(() => automationRuleSets.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    trigger: text("trigger").$type<AutomationTrigger>().notNull(),
    /** Event rules: the events they run on (`case.created`, `interaction.created`, …). */
    events: text("events").array().notNull().default(sql`'{}'::text[]`),
    /** Time rules: the clock they count from and how long after it they fire. */
    timeAnchor: text("time_anchor"),
    afterMinutes: integer("after_minutes"),
    conditions: jsonb("conditions").$type<unknown[]>().notNull().default([]),
    actions: jsonb("actions").$type<unknown[]>().notNull().default([]),
    position: integer("position").notNull().default(0),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: uuid("created_by").references(() => agents.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("automation_rules_set_idx").on(t.ruleSetId, t.position)],
);

/** When a time rule falls due on a case: the sweep reads only the rows that are due. */
export const automationSchedule = pgTable(
  "automation_schedule",
  {
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => automationRules.id, { onDelete: "cascade" }),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.ruleId] }), index("automation_schedule_due_idx").on(t.dueAt)],
);

/** A named bundle of actions an agent applies from the case page; personal when it has an owner. */
export const macros = pgTable("macros", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  ownerAgentId: uuid("owner_agent_id").references(() => agents.id, { onDelete: "cascade" }),
  actions: jsonb("actions").$type<unknown[]>().notNull().default([]),
  createdBy: uuid("created_by").references(() => agents.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------------------------------------
// Exports

export const EXPORT_KINDS = ["cases", "interactions", "agent_performance", "sla_events", "csat"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_STATES = ["queued", "running", "done", "failed"] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

export const exportJobs = pgTable(
  "export_jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").$type<ExportKind>().notNull(),
    /** The period, queue and time zone asked for. */
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status").$type<ExportState>().notNull().default("queued"),
    rowsWritten: bigint("rows_written", { mode: "number" }).notNull().default(0),
    rowsTotal: bigint("rows_total", { mode: "number" }),
    /** Where the finished file is kept (the file storage's key). */
    fileKey: text("file_key"),
    error: text("error"),
    createdBy: uuid("created_by").references(() => agents.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("export_jobs_created_idx").on(t.createdBy, t.createdAt)],
);
