/** Skills, queues, assignment rules and offers (a reservation of a case for one agent, until it is answered or expires). */
import { sql } from "drizzle-orm";
import {
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
import { type Channel, cases, type Priority } from "./cases.ts";

/** A skill agents hold at a level from 1 to 10 (e.g. "spanish", "billing", "vip"). */
export const skills = pgTable("skills", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const agentSkills = pgTable(
  "agent_skills",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    skillId: uuid("skill_id")
      .notNull()
      .references(() => skills.id, { onDelete: "cascade" }),
    level: integer("level").notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.skillId] }), index("agent_skills_skill_idx").on(t.skillId)],
);

export const SELECTION_POLICIES = ["longest_idle", "most_available", "least_active", "best_skill"] as const;
export type SelectionPolicyName = (typeof SELECTION_POLICIES)[number];

export interface StoredSkillRequirement {
  skillId: string;
  level: number;
}

export type StoredOverflowStep =
  | { afterSeconds: number; action: "drop_preferred"; skipIfNoAgents?: boolean }
  | { afterSeconds: number; action: "lower_required"; by: number; skipIfNoAgents?: boolean }
  | { afterSeconds: number; action: "add_queue"; queueId: string; skipIfNoAgents?: boolean };

export interface StoredAgingStep {
  afterSeconds: number;
  raiseBy: number;
}

/** Weekly opening hours in a time zone, with holidays ("YYYY-MM-DD", or "MM-DD" every year). */
export interface StoredCalendar {
  timeZone: string;
  weekly: { day: number; start: string; end: string }[];
  holidays: string[];
}

/**
 * Business hours defined once, by name ("Berlin office", with its holidays), and chosen by queues
 * and SLA policies. A queue or policy that uses one keeps a copy of it in its own hours column,
 * rewritten whenever the calendar changes, so readers see one set of hours either way.
 */
export const businessCalendars = pgTable("business_calendars", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  calendar: jsonb("calendar").$type<StoredCalendar>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const queues = pgTable(
  "queues",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull().unique(),
    description: text("description").notNull().default(""),
    /** New cases no assignment rule claims go here. Exactly one queue is the default. */
    isDefault: boolean("is_default").notNull().default(false),
    requiredSkills: jsonb("required_skills").$type<StoredSkillRequirement[]>().notNull().default([]),
    preferredSkills: jsonb("preferred_skills").$type<StoredSkillRequirement[]>().notNull().default([]),
    policy: text("policy").$type<SelectionPolicyName>().notNull().default("longest_idle"),
    overflowSteps: jsonb("overflow_steps").$type<StoredOverflowStep[]>().notNull().default([]),
    agingSteps: jsonb("aging_steps").$type<StoredAgingStep[]>().notNull().default([]),
    /** A returning contact's case waits this long for the agent who last served them. */
    stickySeconds: integer("sticky_seconds").notNull().default(0),
    /** After a chat or call from this queue leaves an agent, no new offer for this long. */
    wrapUpSeconds: integer("wrap_up_seconds").notNull().default(0),
    /** Overrides the server-wide offer timeout for this queue. */
    offerTimeoutSeconds: integer("offer_timeout_seconds"),
    businessHours: jsonb("business_hours").$type<StoredCalendar | null>(),
    /** The named calendar `businessHours` is a copy of; null: hours of its own (or none). */
    calendarId: uuid("calendar_id").references(() => businessCalendars.id),
    /** Its cases can only be resolved or closed once the agent gave a disposition code. */
    dispositionRequired: boolean("disposition_required").notNull().default(false),
    /** The service-level goal the live metrics measure, e.g. 80 % answered within 20 s. */
    serviceLevelPercent: integer("service_level_percent").notNull().default(80),
    serviceLevelSeconds: integer("service_level_seconds").notNull().default(20),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("queues_one_default").on(t.isDefault).where(sql`is_default`)],
);

/**
 * The queues an agent whose `queue_scope_limited` is set may see beyond their own work (a
 * supervisor: the queues whose cases, agents and figures they see and manage).
 */
export const agentQueueScopes = pgTable(
  "agent_queue_scopes",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    queueId: uuid("queue_id")
      .notNull()
      .references(() => queues.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.agentId, t.queueId] }),
    index("agent_queue_scopes_queue_idx").on(t.queueId),
  ],
);

/** Conditions an assignment rule matches on; every given condition must hold. */
export interface AssignmentConditions {
  channels?: Channel[];
  /** The address the customer wrote to (mailbox, our phone number), compared case-insensitively. */
  addresses?: string[];
  /** Contact attributes that must equal these values, e.g. { "tier": "vip" }. */
  contactAttributes?: Record<string, string | number | boolean>;
  /** Any of these words in the subject or first message (case-insensitive). */
  keywords?: string[];
  priorities?: Priority[];
  /** Case custom fields that must hold these values (a multiple-choice field: has the choice). */
  customFields?: Record<string, string | number | boolean>;
  /** Contact custom fields that must hold these values. */
  contactFields?: Record<string, string | number | boolean>;
}

export const assignmentRules = pgTable(
  "assignment_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    conditions: jsonb("conditions").$type<AssignmentConditions>().notNull().default({}),
    queueId: uuid("queue_id")
      .notNull()
      .references(() => queues.id, { onDelete: "cascade" }),
    setPriority: text("set_priority").$type<Priority>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("assignment_rules_position_idx").on(t.position)],
);

export const OFFER_STATUSES = ["pending", "accepted", "rejected", "expired", "cancelled"] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export const offers = pgTable(
  "offers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id),
    status: text("status").$type<OfferStatus>().notNull().default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    respondedAt: timestamp("responded_at", { withTimezone: true }),
  },
  (t) => [
    // Invariant 2: at most one pending offer per case, enforced by the database.
    uniqueIndex("offers_one_pending_per_case").on(t.caseId).where(sql`status = 'pending'`),
    index("offers_agent_idx").on(t.agentId, t.status),
    index("offers_pending_expiry_idx").on(t.expiresAt).where(sql`status = 'pending'`),
  ],
);
