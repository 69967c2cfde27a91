/** Contacts (people) and their identities (normalised addresses on each channel). */
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const IDENTITY_KINDS = ["phone", "email", "chat"] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    /** The channel the contact wants updates on, when it differs from the one they wrote on. */
    preferredChannel: text("preferred_channel"),
    /** IANA zone for quiet hours and calling hours; derived from the phone number when unknown. */
    timeZone: text("time_zone"),
    /** Set when this contact was merged into another; the survivor owns its identities and cases. */
    mergedIntoId: uuid("merged_into_id"),
    /** Values of the admin's custom fields for contacts, by key. */
    customFields: jsonb("custom_fields").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("contacts_merged_into_idx").on(t.mergedIntoId),
    // Search by name (`ilike '%grace%'`), answered from trigrams (pg_trgm).
    index("contacts_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")),
  ],
);

export const contactIdentities = pgTable(
  "contact_identities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    kind: text("kind").$type<IdentityKind>().notNull(),
    /** E.164 for phone, lower-cased for email, the visitor id for chat. */
    address: text("address").notNull(),
    /** The customer asked not to be messaged on this address (e.g. SMS STOP); nothing is sent until they opt in again. */
    optedOutAt: timestamp("opted_out_at", { withTimezone: true }),
    /** How: the keyword they sent, or who recorded it. */
    optOutMethod: text("opt_out_method"),
    /**
     * When the address was proven to be the contact's: a message arrived from it on its channel, or
     * an agent confirmed it. Null for a claim (an email typed into the web chat's pre-chat form):
     * a claim never finds the contact for inbound mail and never threads mail onto its cases.
     */
    verifiedAt: timestamp("verified_at", { withTimezone: true }).defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A verified address belongs to one contact; several contacts may claim it unverified.
    uniqueIndex("contact_identities_kind_address_verified_uq")
      .on(t.kind, t.address)
      .where(sql`verified_at is not null`),
    unique("contact_identities_contact_kind_address_uq").on(t.contactId, t.kind, t.address),
    index("contact_identities_contact_idx").on(t.contactId),
    // Search by a piece of an address (`ilike '%5552004%'`), answered from trigrams (pg_trgm).
    index("contact_identities_address_trgm_idx").using("gin", t.address.op("gin_trgm_ops")),
  ],
);

/**
 * A link mailed to a claimed (unverified) email address: following it proves the customer reads
 * that mailbox and verifies the identity. Only the token's sha256 is stored.
 */
export const identityProofs = pgTable(
  "identity_proofs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    identityId: uuid("identity_id")
      .notNull()
      .references(() => contactIdentities.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("identity_proofs_identity_idx").on(t.identityId)],
);

/** An identity row as JSON: its timestamps as ISO strings. */
export interface StoredIdentity {
  id: string;
  kind: IdentityKind;
  address: string;
  verifiedAt: string | null;
  optedOutAt: string | null;
  optOutMethod: string | null;
  createdAt: string;
}

/** What a merge changed beyond its own two rows, so an undo can put each thing back. */
export interface MergeMoves {
  identityIds: string[];
  caseIds: string[];
  /**
   * Addresses both contacts held: the merged contact's copy was deleted and the survivor's may have
   * become verified through it. Absent on merges recorded before undo existed.
   */
  folded?: { identity: StoredIdentity; survivorIdentityId: string; survivorVerifiedAt: string | null }[];
  /** Contacts merged into the merged one earlier, pointed straight at the survivor by this merge. */
  repointedContactIds?: string[];
  /** The survivor's name and attributes before the merge filled them in from the merged contact. */
  survivorBefore?: { name: string | null; attributes: Record<string, unknown> };
}

/**
 * One merge of a contact into another, with what it moved, so it can be undone: the identities and
 * cases that changed owner go back to the merged contact.
 */
export const contactMerges = pgTable(
  "contact_merges",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    survivorId: uuid("survivor_id")
      .notNull()
      .references(() => contacts.id),
    mergedId: uuid("merged_id")
      .notNull()
      .references(() => contacts.id),
    /** Ids of the identities and cases the merge moved to the survivor, and what undoing needs besides. */
    moved: jsonb("moved").$type<MergeMoves>().notNull(),
    mergedById: uuid("merged_by_id"),
    mergedAt: timestamp("merged_at", { withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp("undone_at", { withTimezone: true }),
  },
  (t) => [
    index("contact_merges_merged_idx").on(t.mergedId),
    index("contact_merges_survivor_idx").on(t.survivorId),
  ],
);
