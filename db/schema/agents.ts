/** Agents (users of the console), their sessions, failed sign-ins and second factors. */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const AGENT_ROLES = ["agent", "supervisor", "admin"] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const PRESENCE = ["available", "away", "offline"] as const;
export type Presence = (typeof PRESENCE)[number];

/** Maximum simultaneous cases per channel; `voice` is exclusive (an agent on a call gets nothing else). */
export type ChannelCapacity = { voice: number; chat: number; sms: number; email: number };

export const agents = pgTable("agents", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  role: text("role").$type<AgentRole>().notNull(),
  passwordHash: text("password_hash").notNull(),
  presence: text("presence").$type<Presence>().notNull().default("offline"),
  presenceReason: text("presence_reason"),
  presenceChangedAt: timestamp("presence_changed_at", { withTimezone: true }).notNull().defaultNow(),
  capacity: jsonb("capacity")
    .$type<ChannelCapacity>()
    .notNull()
    .default({ voice: 1, chat: 3, sms: 5, email: 5 }),
  /** When the agent last finished a case or went available: "longest idle" routing reads it. */
  lastWorkEndedAt: timestamp("last_work_ended_at", { withTimezone: true }),
  missedOffersInRow: integer("missed_offers_in_row").notNull().default(0),
  /** No new offer before this time: wrap-up after a chat or call. */
  wrapUpUntil: timestamp("wrap_up_until", { withTimezone: true }),
  /** Last time a server process saw one of the agent's consoles connected. */
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
  /**
   * When true the agent sees (and a supervisor manages) only the queues listed for them in
   * `agent_queue_scopes`, beyond the cases assigned or offered to them. False: every queue.
   */
  queueScopeLimited: boolean("queue_scope_limited").notNull().default(false),
  /** IANA zone the console shows this person's times in; null: the browser's own zone. */
  timeZone: text("time_zone"),
});

export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    /** sha256 of the bearer token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("sessions_agent_idx").on(t.agentId)],
);

export const loginFailures = pgTable(
  "login_failures",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_failures_email_idx").on(t.email, t.at), index("login_failures_ip_idx").on(t.ip, t.at)],
);

/** Process-wide settings shared by every server process (e.g. the generated signing secret). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().default(sql`now()`),
});

/** What the security log records (server/auth/security-log.ts). */
export const SECURITY_EVENT_KINDS = [
  "sign_in",
  "sign_in_failed",
  "sign_in_refused",
  "sign_out",
  "agent_created",
  "role_changed",
  "agent_deactivated",
  "agent_reactivated",
  "two_factor_enabled",
  "two_factor_disabled",
  "invitation_created",
  "invitation_accepted",
  "password_reset_requested",
  "password_reset",
  "sso_settings_changed",
  "queue_scope_changed",
  "sessions_revoked",
  "api_key_created",
  "api_key_revoked",
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/**
 * The security log: sign-ins and their failures, lockouts, account and role changes. Kept for
 * SECURITY_LOG_RETENTION_DAYS; never holds a password, token or code.
 */
export const securityEvents = pgTable(
  "security_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    kind: text("kind").$type<SecurityEventKind>().notNull(),
    /** Who did it, when signed in. */
    actorId: uuid("actor_id").references(() => agents.id, { onDelete: "set null" }),
    /** The account it concerns (the one signing in, created, changed). */
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    /** The email given, for sign-ins to accounts that may not exist. */
    email: text("email"),
    ip: text("ip"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("security_events_at_idx").on(t.at, t.id),
    index("security_events_kind_idx").on(t.kind, t.at),
    index("security_events_agent_idx").on(t.agentId, t.at),
  ],
);

/**
 * An agent's TOTP second factor (RFC 6238). The secret is sealed with the server secret; a secret
 * handed out by setup waits in `pendingSecretSealed` until a code from it enables it.
 */
export const twoFactors = pgTable("two_factors", {
  agentId: uuid("agent_id")
    .primaryKey()
    .references(() => agents.id, { onDelete: "cascade" }),
  secretSealed: text("secret_sealed"),
  pendingSecretSealed: text("pending_secret_sealed"),
  enabledAt: timestamp("enabled_at", { withTimezone: true }),
  /** The last 30-second step a code was accepted for: a code is good once. */
  lastStep: bigint("last_step", { mode: "number" }),
});

/** One-time recovery codes: only an HMAC of each (keyed with the server secret) is stored. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("recovery_codes_agent_idx").on(t.agentId)],
);

/**
 * The short-lived proof that a password was right, waiting for the second factor (or for the
 * enrolment a role requires). Only the token's sha256 is stored; it is spent by the sign-in it
 * completes.
 */
export const loginChallenges = pgTable(
  "login_challenges",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    enrolRequired: boolean("enrol_required").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("login_challenges_agent_idx").on(t.agentId)],
);

export const PASSWORD_TOKEN_PURPOSES = ["invite", "reset"] as const;
export type PasswordTokenPurpose = (typeof PASSWORD_TOKEN_PURPOSES)[number];

/**
 * A one-time link that lets a person choose their password: an invitation to a new account, or a
 * reset asked for by mail. Only the token's sha256 is stored; using it (or a newer one of the same
 * purpose) spends it.
 */
export const passwordTokens = pgTable(
  "password_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<PasswordTokenPurpose>().notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The admin who sent the invitation; null for a reset the person asked for. */
    createdBy: uuid("created_by").references(() => agents.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("password_tokens_agent_idx").on(t.agentId, t.purpose)],
);

/** An agent's account at an OpenID Connect provider: the provider's `iss` and `sub` name them. */
export const ssoIdentities = pgTable(
  "sso_identities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("sso_identities_issuer_subject_uq").on(t.issuer, t.subject),
    index("sso_identities_agent_idx").on(t.agentId),
  ],
);
