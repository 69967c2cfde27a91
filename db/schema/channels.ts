/**
 * What the provider channels keep: mailboxes and their sync checkpoints, our phone numbers with
 * their voice menus, attachments of messages, and updates sent to customers about their cases.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { cases, interactions } from "./cases.ts";
import { queues } from "./routing.ts";

/**
 * A mailbox fed by IMAP and answered through SMTP. Connection URLs carry credentials: they are stored
 * encrypted with the server secret and never returned by the API. The one configured from the
 * environment (IMAP_URL) has `fromEnv` set and keeps its URLs in the environment only.
 */
export const mailboxes = pgTable("mailboxes", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  /** The address customers write to; replies go out from it. */
  address: text("address").notNull().unique(),
  fromName: text("from_name"),
  imapUrlEncrypted: text("imap_url_encrypted"),
  smtpUrlEncrypted: text("smtp_url_encrypted"),
  fromEnv: boolean("from_env").notNull().default(false),
  folder: text("folder").notNull().default("INBOX"),
  queueId: uuid("queue_id").references(() => queues.id),
  enabled: boolean("enabled").notNull().default(true),
  /** The checkpoint: UIDVALIDITY of the folder and the last UID whose message is stored. */
  uidValidity: bigint("uid_validity", { mode: "bigint" }),
  lastUid: bigint("last_uid", { mode: "number" }).notNull().default(0),
  lastSyncAt: timestamp("last_sync_at", { withTimezone: true }),
  lastError: text("last_error"),
  /**
   * Sign-in with OAuth 2.0 (`microsoft` or `google`) instead of the URLs' passwords: the grant's
   * refresh and access tokens, sealed with the server secret, and why the grant stopped working.
   */
  oauthProvider: text("oauth_provider").$type<MailOauthProvider>(),
  oauthTokensEncrypted: text("oauth_tokens_encrypted"),
  oauthError: text("oauth_error"),
  oauthConnectedAt: timestamp("oauth_connected_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const MAIL_OAUTH_PROVIDERS = ["microsoft", "google"] as const;
export type MailOauthProvider = (typeof MAIL_OAUTH_PROVIDERS)[number];

/** Our phone numbers: which queue a call or SMS to them goes to, and the voice menu callers hear. */
export interface IvrOption {
  digit: string;
  label: string;
  queueId: string;
}

export const phoneNumbers = pgTable("phone_numbers", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** E.164. */
  number: text("number").notNull().unique(),
  name: text("name").notNull().default(""),
  queueId: uuid("queue_id").references(() => queues.id),
  greeting: text("greeting"),
  ivr: jsonb("ivr").$type<IvrOption[]>().notNull().default([]),
  /** Where a call goes when no agent answers in the browser (an agent's own phone, E.164). */
  fallbackNumber: text("fallback_number"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    interactionId: uuid("interaction_id")
      .notNull()
      .references(() => interactions.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** Where the bytes are in attachment storage; null when the file was over the size limit. */
    storageKey: text("storage_key"),
    contentId: text("content_id"),
    inline: boolean("inline").notNull().default(false),
    /** E.g. "Over the 25 MB limit; not stored". */
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("attachments_interaction_idx").on(t.interactionId)],
);

export const NOTIFICATION_EVENTS = ["created", "waiting_on_customer", "resolved", "reopened"] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** Editable texts of the updates customers get; `{{case.number}}` style placeholders. */
export const notificationTemplates = pgTable(
  "notification_templates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    event: text("event").$type<NotificationEvent>().notNull(),
    channel: text("channel").notNull(),
    subject: text("subject").notNull().default(""),
    body: text("body").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("notification_templates_event_channel_uq").on(t.event, t.channel)],
);

/**
 * One row per update decided for a case event: the unique key makes "one update per event" hold
 * even when the event is processed twice; `sendAfter` holds SMS back through quiet hours.
 */
export const caseNotifications = pgTable(
  "case_notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    event: text("event").$type<NotificationEvent>().notNull(),
    /** The audit row of the transition that caused it. */
    caseEventId: bigint("case_event_id", { mode: "number" }).notNull(),
    channel: text("channel"),
    status: text("status").$type<"pending" | "sent" | "skipped">().notNull().default("pending"),
    reason: text("reason"),
    sendAfter: timestamp("send_after", { withTimezone: true }).notNull().defaultNow(),
    interactionId: uuid("interaction_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("case_notifications_event_uq").on(t.caseEventId, t.event),
    index("case_notifications_pending_idx").on(t.sendAfter).where(sql`status = 'pending'`),
    /** A case's undecided updates, in the order they must go out (see sendStatusUpdate). */
    index("case_notifications_case_pending_idx").on(t.caseId, t.caseEventId).where(sql`status = 'pending'`),
  ],
);

/** Minutes from midnight; e.g. 21:00–08:00 is { start: 1260, end: 480 }. */
export const DEFAULT_QUIET_HOURS = { start: 21 * 60, end: 8 * 60 };
