/**
 * Service levels: policies with targets, each case's running clocks, the events the monitor
 * writes, escalation rules, remedies applied by supervisors, and the figures kept for reports.
 */
import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { agents, type Presence } from "./agents.ts";
import { type Channel, cases, type Priority } from "./cases.ts";
import { businessCalendars, queues, type StoredCalendar } from "./routing.ts";

export const SLA_METRICS = [
  "first_response",
  "next_response",
  "periodic_update",
  "resolution",
  "answer",
] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

export const SLA_STATUSES = ["active", "at_risk", "breached", "met", "met_late"] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

export interface SlaTarget {
  minutes: number;
  /** Counted in the policy's business hours (true) or around the clock. */
  business: boolean;
}

/** Targets per priority, then per metric. */
export type SlaTargets = Partial<
  Record<"low" | "normal" | "high" | "urgent", Partial<Record<SlaMetric, SlaTarget>>>
>;

export interface SlaConditions {
  priorities?: Priority[];
  channels?: Channel[];
  queueIds?: string[];
  /** Every one of these tags is on the case. */
  tags?: string[];
  contactAttributes?: Record<string, string | number | boolean>;
  /** Case custom fields that must hold these values (a multiple-choice field: has the choice). */
  customFields?: Record<string, string | number | boolean>;
  /** Contact custom fields that must hold these values. */
  contactFields?: Record<string, string | number | boolean>;
}

export const slaPolicies = pgTable(
  "sla_policies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull().unique(),
    position: integer("position").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    conditions: jsonb("conditions").$type<SlaConditions>().notNull().default({}),
    targets: jsonb("targets").$type<SlaTargets>().notNull().default({}),
    /** A target is at risk when this share of it or less remains. */
    atRiskPercent: integer("at_risk_percent").notNull().default(25),
    /** Business hours for business-time targets; null means the case's queue's hours (24/7 without). */
    calendar: jsonb("calendar").$type<StoredCalendar | null>(),
    /** The named calendar `calendar` is a copy of; null: hours of its own (or the queue's). */
    calendarId: uuid("calendar_id").references(() => businessCalendars.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sla_policies_position_idx").on(t.position)],
);

/**
 * One running clock per case and metric. `dueAt`/`atRiskAt` are set only while it runs, so the
 * monitor reads just the rows that are due through two partial indexes, whatever the number of
 * open cases. `cycle` counts restarts (next response, periodic update) so each has its own events.
 */
export const caseSlaTargets = pgTable(
  "case_sla_targets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    policyId: uuid("policy_id").references(() => slaPolicies.id, { onDelete: "set null" }),
    metric: text("metric").$type<SlaMetric>().notNull(),
    cycle: integer("cycle").notNull().default(1),
    status: text("status").$type<SlaStatus>().notNull().default("active"),
    paused: boolean("paused").notNull().default(false),
    targetMinutes: doublePrecision("target_minutes").notNull(),
    business: boolean("business").notNull(),
    atRiskPercent: integer("at_risk_percent").notNull(),
    calendar: jsonb("calendar").$type<StoredCalendar | null>(),
    /** When the current running stretch began (start or resume). */
    segmentStartedAt: timestamp("segment_started_at", { withTimezone: true }),
    /** Minutes (business or calendar) already spent in earlier stretches. */
    elapsedMinutes: doublePrecision("elapsed_minutes").notNull().default(0),
    dueAt: timestamp("due_at", { withTimezone: true }),
    atRiskAt: timestamp("at_risk_at", { withTimezone: true }),
    metAt: timestamp("met_at", { withTimezone: true }),
    breachedAt: timestamp("breached_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("case_sla_targets_case_metric_uq").on(t.caseId, t.metric),
    index("case_sla_targets_at_risk_idx").on(t.atRiskAt).where(sql`status = 'active' and not paused`),
    index("case_sla_targets_due_idx").on(t.dueAt).where(sql`status in ('active', 'at_risk') and not paused`),
  ],
);

export const slaEvents = pgTable(
  "sla_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    targetId: uuid("target_id").notNull(),
    metric: text("metric").$type<SlaMetric>().notNull(),
    cycle: integer("cycle").notNull(),
    type: text("type").$type<"at_risk" | "breached" | "met" | "met_late">().notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // One breach (and one at-risk flag) per target and cycle, however often or wherever the monitor runs.
    unique("sla_events_once_uq").on(t.targetId, t.cycle, t.type),
    index("sla_events_case_idx").on(t.caseId, t.at),
    index("sla_events_at_idx").on(t.at),
  ],
);

export const ESCALATION_ACTIONS = ["notify_supervisor", "raise_priority", "move_to_queue"] as const;

export const escalationRules = pgTable("escalation_rules", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  trigger: text("trigger").$type<"at_risk" | "breached">().notNull(),
  /** Only this metric, or any. */
  metric: text("metric").$type<SlaMetric>(),
  /** Only cases of this queue, or any. */
  queueId: uuid("queue_id").references(() => queues.id, { onDelete: "cascade" }),
  action: text("action").$type<(typeof ESCALATION_ACTIONS)[number]>().notNull(),
  targetQueueId: uuid("target_queue_id").references(() => queues.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const remedies = pgTable(
  "remedies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").notNull(),
    caseId: uuid("case_id").references(() => cases.id, { onDelete: "cascade" }),
    queueId: uuid("queue_id").references(() => queues.id, { onDelete: "set null" }),
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    /** What it was expected to do, as shown when it was recommended. */
    predicted: jsonb("predicted").$type<Record<string, unknown>>().notNull().default({}),
    appliedBy: uuid("applied_by").references(() => agents.id),
    appliedAt: timestamp("applied_at", { withTimezone: true }).notNull().defaultNow(),
    /** Whether the service level recovered afterwards, decided once the target's time is up. */
    outcome: text("outcome").$type<"pending" | "recovered" | "not_recovered">().notNull().default("pending"),
    outcomeAt: timestamp("outcome_at", { withTimezone: true }),
    outcomeDetails: jsonb("outcome_details").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("remedies_pending_idx").on(t.appliedAt).where(sql`outcome = 'pending'`)],
);

/** Every presence change, for occupancy and the agents' timeline. */
export const agentPresenceLog = pgTable(
  "agent_presence_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    presence: text("presence").$type<Presence>().notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("agent_presence_log_agent_idx").on(t.agentId, t.at),
    index("agent_presence_log_at_idx").on(t.at),
  ],
);

/** Figures per queue per 15 minutes, kept for reports. */
export const queueIntervals = pgTable(
  "queue_intervals",
  {
    queueId: uuid("queue_id")
      .notNull()
      .references(() => queues.id, { onDelete: "cascade" }),
    intervalStart: timestamp("interval_start", { withTimezone: true }).notNull(),
    figures: jsonb("figures").$type<Record<string, number | null>>().notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.intervalStart] })],
);
