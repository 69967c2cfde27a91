/** Canned responses: saved replies agents insert into the composer by short code or search. */
import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import type { Channel } from "./cases.ts";

export const cannedResponses = pgTable(
  "canned_responses",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Typed after `/` in the composer, e.g. `refund`; unique, lower case. */
    shortCode: text("short_code").notNull(),
    title: text("title").notNull(),
    /** May use `{{contact.name}}`, `{{agent.name}}`, `{{case.number}}`, `{{case.subject}}`. */
    body: text("body").notNull(),
    /** The channels it is offered on; empty for every channel. */
    channels: text("channels").array().$type<Channel[]>().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid("created_by").references(() => agents.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("canned_responses_short_code_uq").on(t.shortCode)],
);
