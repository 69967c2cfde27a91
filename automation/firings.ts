/**
 * What automation remembers of its firings: the audit rows themselves. A rule fires at most once per
 * case for one trigger (a change and everything automation did because of it, or one run of a time
 * rule's clock); the audit row of a firing names both.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { caseEvents } from "../db/schema/cases.ts";

/** Whether the rule already fired on the case for this trigger (an audit row names both). */
export async function alreadyFired(
  executor: Executor,
  caseId: string,
  ruleId: string,
  key: string,
): Promise<boolean> {
  const [found] = await executor
    .select({ id: caseEvents.id })
    .from(caseEvents)
    .where(
      and(
        eq(caseEvents.caseId, caseId),
        eq(caseEvents.type, "automation_rule"),
        sql`${caseEvents.details} @> ${JSON.stringify({ ruleId, trigger: key })}::jsonb`,
      ),
    )
    .limit(1);
  return Boolean(found);
}
