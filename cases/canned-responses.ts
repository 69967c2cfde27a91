/**
 * Canned responses: saved replies with placeholders, filled for one case when an agent picks one.
 * Agents search them by short code, title or text; admins and supervisors keep them.
 */
import { and, asc, eq, ilike, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cannedResponses } from "../db/schema/canned-responses.ts";
import { type Channel, cases } from "../db/schema/cases.ts";
import { contacts } from "../db/schema/contacts.ts";
import { AppError, notFound } from "./errors.ts";
import {
  agentFirstName,
  assertKnownPlaceholders,
  contactNameValues,
  fillPlaceholders,
} from "./placeholders.ts";

export type CannedResponseRow = typeof cannedResponses.$inferSelect;

export const CANNED_PLACEHOLDERS = [
  "contact.name",
  "contact.first_name",
  "agent.name",
  "case.number",
  "case.subject",
] as const;
export interface CannedInput {
  shortCode: string;
  title: string;
  body: string;
  channels: Channel[];
}

const checkPlaceholders = (body: string) =>
  assertKnownPlaceholders([body], CANNED_PLACEHOLDERS, { body: "unknown placeholder" });

const clash = (shortCode: string) =>
  new AppError("CONFLICT", `A canned response with the short code '${shortCode}' already exists.`, {
    shortCode: "taken",
  });

export async function listCannedResponses(
  db: Db,
  filter: { q?: string; channel?: Channel } = {},
): Promise<CannedResponseRow[]> {
  const q = filter.q?.trim();
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return db
    .select()
    .from(cannedResponses)
    .where(
      and(
        pattern
          ? or(
              ilike(cannedResponses.shortCode, pattern),
              ilike(cannedResponses.title, pattern),
              ilike(cannedResponses.body, pattern),
            )
          : undefined,
        filter.channel
          ? sql`(cardinality(${cannedResponses.channels}) = 0 or ${filter.channel} = any(${cannedResponses.channels}))`
          : undefined,
      ),
    )
    .orderBy(asc(cannedResponses.shortCode))
    .limit(200);
}

export async function createCannedResponse(
  db: Db,
  input: CannedInput,
  createdBy: string,
): Promise<CannedResponseRow> {
  checkPlaceholders(input.body);
  const [row] = await db
    .insert(cannedResponses)
    .values({ ...input, createdBy })
    .onConflictDoNothing({ target: cannedResponses.shortCode })
    .returning();
  if (!row) throw clash(input.shortCode);
  return row;
}

export async function updateCannedResponse(
  db: Db,
  id: string,
  input: Partial<CannedInput>,
  at: Date,
): Promise<CannedResponseRow> {
  if (input.body !== undefined) checkPlaceholders(input.body);
  return db.transaction(async (tx) => {
    if (input.shortCode) {
      const [taken] = await tx
        .select({ id: cannedResponses.id })
        .from(cannedResponses)
        .where(and(eq(cannedResponses.shortCode, input.shortCode), ne(cannedResponses.id, id)));
      if (taken) throw clash(input.shortCode);
    }
    const [row] = await tx
      .update(cannedResponses)
      .set({ ...input, updatedAt: at })
      .where(eq(cannedResponses.id, id))
      .returning();
    if (!row) throw notFound("Canned response", id);
    return row;
  });
}

export async function deleteCannedResponse(db: Db, id: string): Promise<void> {
  const [row] = await db.delete(cannedResponses).where(eq(cannedResponses.id, id)).returning();
  if (!row) throw notFound("Canned response", id);
}

/** The response's text filled in for one case and the agent about to send it. */
export async function renderCannedResponse(
  db: Db,
  input: { id: string; caseId: string; agentId: string },
): Promise<{ body: string }> {
  const [canned] = await db.select().from(cannedResponses).where(eq(cannedResponses.id, input.id));
  if (!canned) throw notFound("Canned response", input.id);
  const [found] = await db
    .select({ number: cases.number, subject: cases.subject, contactName: contacts.name })
    .from(cases)
    .innerJoin(contacts, eq(contacts.id, cases.contactId))
    .where(eq(cases.id, input.caseId));
  if (!found) throw notFound("Case", input.caseId);
  const [agent] = await db.select({ name: agents.name }).from(agents).where(eq(agents.id, input.agentId));
  const values: Record<(typeof CANNED_PLACEHOLDERS)[number], string> = {
    ...contactNameValues(found.contactName),
    "agent.name": agentFirstName(agent?.name),
    "case.number": String(found.number),
    "case.subject": found.subject,
  };
  return { body: fillPlaceholders(canned.body, values) };
}
