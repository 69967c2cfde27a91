/**
 * Disposition codes: why a contact happened and how it ended ("Billing – refund issued"), chosen by
 * the agent on the case and counted in reports. Codes are retired, never deleted, so cases keep
 * theirs.
 */
import { sql } from "drizzle-orm";
import { boolean, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const dispositionCodes = pgTable(
  "disposition_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    label: text("label").notNull(),
    description: text("description").notNull().default(""),
    /** Retired codes stay on the cases that have them but are no longer offered. */
    active: boolean("active").notNull().default(true),
    /** Order in the agent's list (then by label). */
    position: integer("position").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("disposition_codes_label_uq").on(sql`lower(${t.label})`)],
);
