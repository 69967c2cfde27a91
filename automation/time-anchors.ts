/**
 * The clocks time rules count from, read from a case, and when a rule falls due. A rule with a
 * `businessHours eq true` condition counts only the business time of the case's queue ("unassigned
 * for 10 minutes in business hours"); any other counts wall-clock time.
 */
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import { caseStateHas } from "../cases/case-states.ts";
import type { Executor } from "../db/connect.ts";
import { caseEvents, type cases, interactions } from "../db/schema/cases.ts";
import { addBusinessTime, type Calendar } from "../sla/business-calendar.ts";
import type { Condition, TimeAnchor } from "./rule-schema.ts";

type CaseRow = typeof cases.$inferSelect;

const MINUTE_MS = 60_000;

/** Whether a time rule counts business time only. */
export function countsBusinessTime(conditions: readonly Condition[]): boolean {
  return conditions.some((c) => c.field === "businessHours" && c.op === "eq" && c.value === true);
}

/** When a rule counting `afterMinutes` from `anchorAt` falls due (in the calendar's open time, if given). Pure. */
export function dueAtFor(anchorAt: Date, afterMinutes: number, calendar: Calendar | null): Date {
  if (calendar) return addBusinessTime(anchorAt, afterMinutes, calendar);
  return new Date(anchorAt.getTime() + afterMinutes * MINUTE_MS);
}

/**
 * The anchors that can be told from the case row alone, pure: null when the clock is not running
 * (a case that is assigned has no `unassigned_since`). `undefined` means "read it from the history".
 */
export function anchorFromRow(row: CaseRow, anchor: TimeAnchor): Date | null | undefined {
  if (!caseStateHas(row.state, "open")) return null;
  switch (anchor) {
    case "created":
      return row.createdAt;
    case "last_customer_message":
      return row.lastCustomerMessageAt;
    case "waiting_on_customer_since":
      return row.state === "waiting_on_customer" ? undefined : null;
    case "unassigned_since":
      return row.assigneeId === null ? undefined : null;
    case "last_agent_reply":
      return undefined;
  }
}

/** The anchor of a case, reading its history where the row does not tell (one indexed query). */
export async function readAnchor(executor: Executor, row: CaseRow, anchor: TimeAnchor): Promise<Date | null> {
  const known = anchorFromRow(row, anchor);
  if (known !== undefined) return known;
  if (anchor === "last_agent_reply") {
    const [reply] = await executor
      .select({ at: interactions.createdAt })
      .from(interactions)
      .where(
        and(
          eq(interactions.caseId, row.id),
          eq(interactions.direction, "outbound"),
          eq(interactions.kind, "message"),
          isNotNull(interactions.authorAgentId),
        ),
      )
      .orderBy(desc(interactions.createdAt))
      .limit(1);
    return reply?.at ?? null;
  }
  // The latest audit row that put the case in this situation: into waiting_on_customer, or an
  // assignee change (its details name the new assignee, null when it was unassigned).
  const situation =
    anchor === "waiting_on_customer_since"
      ? eq(caseEvents.toState, "waiting_on_customer")
      : sql`${caseEvents.details} ? 'toAssigneeId'`;
  const [event] = await executor
    .select({ at: caseEvents.at })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, row.id), situation))
    .orderBy(desc(caseEvents.id))
    .limit(1);
  return event?.at ?? (anchor === "unassigned_since" ? row.createdAt : row.updatedAt);
}

/** The key of one run of a time rule's clock: a rule fires once per anchor. */
export const timeTriggerKey = (ruleId: string, anchorAt: Date) => `time-${ruleId}-${anchorAt.getTime()}`;
