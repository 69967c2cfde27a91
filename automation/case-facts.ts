/**
 * Reads what conditions look at, for one case or many (a dry-run): the case's fields, its
 * contact's attributes and custom fields, the message in question and whether its queue is open.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { cases, interactions } from "../db/schema/cases.ts";
import { contacts } from "../db/schema/contacts.ts";
import type { RoutingDeps } from "../routing/ports.ts";
import { type Calendar, isOpenAt } from "../sla/business-calendar.ts";
import type { CaseFacts } from "./conditions.ts";

export type CaseRow = typeof cases.$inferSelect;

export interface CaseWithFacts {
  row: CaseRow;
  facts: CaseFacts;
}

type FactDeps = Pick<RoutingDeps, "db" | "config" | "clock">;

/** The business hours of a case's queue, or null when it has none. */
export async function queueCalendar(
  deps: Pick<RoutingDeps, "config">,
  executor: Executor,
  queueId: string | null,
): Promise<Calendar | null> {
  if (!queueId) return null;
  return (await deps.config.get(executor)).queues.get(queueId)?.businessHours ?? null;
}

/** Latest inbound message text per case. */
async function latestInbound(executor: Executor, caseIds: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!caseIds.length) return found;
  const rows = await executor
    .selectDistinctOn([interactions.caseId], { caseId: interactions.caseId, body: interactions.body })
    .from(interactions)
    .where(
      and(
        inArray(interactions.caseId, caseIds),
        eq(interactions.direction, "inbound"),
        eq(interactions.kind, "message"),
      ),
    )
    .orderBy(interactions.caseId, desc(interactions.createdAt), desc(interactions.seq));
  for (const row of rows) found.set(row.caseId, row.body);
  return found;
}

/**
 * Facts for these cases (missing ones are left out). `message` names the triggering interaction of
 * one case; the others get their latest inbound message.
 */
export async function loadCaseFacts(
  deps: FactDeps,
  caseIds: string[],
  message?: { caseId: string; interactionId: string },
): Promise<Map<string, CaseWithFacts>> {
  const result = new Map<string, CaseWithFacts>();
  if (!caseIds.length) return result;
  const { db } = deps;
  const rows = await db
    .select({ row: cases, contact: contacts })
    .from(cases)
    .leftJoin(contacts, eq(contacts.id, cases.contactId))
    .where(inArray(cases.id, caseIds));
  const messages = await latestInbound(db, caseIds);
  if (message) {
    const [triggering] = await db
      .select({ body: interactions.body })
      .from(interactions)
      .where(eq(interactions.id, message.interactionId));
    if (triggering) messages.set(message.caseId, triggering.body);
  }
  const now = deps.clock();
  for (const { row, contact } of rows) {
    const calendar = await queueCalendar(deps, db, row.queueId);
    result.set(row.id, {
      row,
      facts: {
        channel: row.channel,
        queueId: row.queueId,
        priority: row.priority,
        state: row.state,
        tags: row.tags,
        assigneeId: row.assigneeId,
        subject: row.subject,
        customFields: row.customFields ?? {},
        contact: contact
          ? { ...(contact.customFields ?? {}), ...(contact.attributes ?? {}), name: contact.name }
          : {},
        message: messages.get(row.id) ?? null,
        businessHours: calendar ? isOpenAt(calendar, now) : null,
      },
    });
  }
  return result;
}
