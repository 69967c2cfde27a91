/**
 * Time rules. When a change moves one of a case's clocks, its rows in `automation_schedule` are
 * written again (one per enabled time rule whose clock runs); the periodic sweep then reads only the
 * rows that are due, from the `due_at` index, so its cost follows the cases falling due, not the
 * number of open cases. A due row is checked again on fresh data before its rule fires, and a rule
 * fires once per run of its clock (the audit row remembers which).
 */
import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import { caseStateHas } from "../cases/case-states.ts";
import { cases, OPEN_CASE_STATES } from "../db/schema/cases.ts";
import { automationRules, automationSchedule } from "../db/schema/integrations.ts";
import { loadCaseFacts, queueCalendar } from "./case-facts.ts";
import { evaluateConditions } from "./conditions.ts";
import { executeActions } from "./executor.ts";
import { alreadyFired } from "./firings.ts";
import type { AutomationDeps } from "./ports.ts";
import { type ActiveRule, activeRule } from "./rule-cache.ts";
import { countsBusinessTime, dueAtFor, readAnchor, timeTriggerKey } from "./time-anchors.ts";

type CaseRow = typeof cases.$inferSelect;

/** When the rule falls due on the case and the clock it counts from; null when its clock is not running. */
async function dueOf(deps: AutomationDeps, row: CaseRow, rule: ActiveRule) {
  const anchorAt = await readAnchor(deps.routing.db, row, rule.timeAnchor!);
  if (!anchorAt) return null;
  const calendar = countsBusinessTime(rule.conditions)
    ? await queueCalendar(deps.routing, deps.routing.db, row.queueId)
    : null;
  return { anchorAt, dueAt: dueAtFor(anchorAt, rule.afterMinutes!, calendar) };
}

/** Writes the case's schedule rows for these time rules (deleting those whose clock stopped). */
export async function scheduleCase(deps: AutomationDeps, row: CaseRow, rules: readonly ActiveRule[]) {
  const { db } = deps.routing;
  if (!rules.length) return;
  const ids = rules.map((rule) => rule.id);
  if (!caseStateHas(row.state, "open")) {
    await db
      .delete(automationSchedule)
      .where(and(eq(automationSchedule.caseId, row.id), inArray(automationSchedule.ruleId, ids)));
    return;
  }
  const now = deps.routing.clock();
  const upserts: { caseId: string; ruleId: string; dueAt: Date }[] = [];
  const stopped: string[] = [];
  for (const rule of rules) {
    const due = await dueOf(deps, row, rule);
    const fired =
      due &&
      due.dueAt <= now &&
      (await alreadyFired(db, row.id, rule.id, timeTriggerKey(rule.id, due.anchorAt)));
    if (!due || fired) stopped.push(rule.id);
    else upserts.push({ caseId: row.id, ruleId: rule.id, dueAt: due.dueAt });
  }
  if (stopped.length)
    await db
      .delete(automationSchedule)
      .where(and(eq(automationSchedule.caseId, row.id), inArray(automationSchedule.ruleId, stopped)));
  if (upserts.length)
    await db
      .insert(automationSchedule)
      .values(upserts)
      .onConflictDoUpdate({
        target: [automationSchedule.caseId, automationSchedule.ruleId],
        set: { dueAt: sql`excluded.due_at` },
      });
}

/** After a change to the case: its rows for every enabled time rule, written again. */
export async function refreshSchedule(deps: AutomationDeps, caseId: string): Promise<void> {
  const { timeRules } = await deps.rules.get(deps.routing.db);
  if (!timeRules.length) return;
  const [row] = await deps.routing.db.select().from(cases).where(eq(cases.id, caseId));
  if (row) await scheduleCase(deps, row, timeRules);
}

/**
 * Takes a due row: deleting it is the claim, so when two sweeps (or two processes) read the same
 * row only one of them fires it.
 */
async function claim(deps: AutomationDeps, due: { caseId: string; ruleId: string }) {
  const [row] = await deps.routing.db
    .delete(automationSchedule)
    .where(
      and(
        eq(automationSchedule.caseId, due.caseId),
        eq(automationSchedule.ruleId, due.ruleId),
        lte(automationSchedule.dueAt, deps.routing.clock()),
      ),
    )
    .returning();
  return row ?? null;
}

const putBack = (deps: AutomationDeps, row: typeof automationSchedule.$inferSelect) =>
  deps.routing.db
    .insert(automationSchedule)
    .values(row)
    .onConflictDoUpdate({
      target: [automationSchedule.caseId, automationSchedule.ruleId],
      set: { dueAt: sql`least(${automationSchedule.dueAt}, excluded.due_at)` },
    });

/** One due row: claimed, checked on fresh data, fired if its rule still matches. */
async function fireDue(deps: AutomationDeps, due: { caseId: string; ruleId: string }, rules: ActiveRule[]) {
  const claimed = await claim(deps, due);
  const rule = rules.find((candidate) => candidate.id === due.ruleId);
  if (!claimed || !rule) return;
  try {
    await fireClaimed(deps, due.caseId, rule);
  } catch (error) {
    // Not fired: the row comes back for the next sweep.
    await putBack(deps, claimed);
    throw error;
  }
}

async function fireClaimed(deps: AutomationDeps, caseId: string, rule: ActiveRule) {
  const found = (await loadCaseFacts(deps.routing, [caseId])).get(caseId);
  const clock = found ? await dueOf(deps, found.row, rule) : null;
  if (!found || !clock) return;
  if (clock.dueAt > deps.routing.clock()) {
    // The clock moved on since the row was written (e.g. the customer wrote again): wait for the new time.
    await putBack(deps, { caseId, ruleId: rule.id, dueAt: clock.dueAt });
    return;
  }
  const key = timeTriggerKey(rule.id, clock.anchorAt);
  const evaluation = evaluateConditions(rule.conditions, found.facts);
  if (!evaluation.matched) return;
  await executeActions(deps, {
    caseId,
    actions: rule.actions,
    source: { kind: "rule", ruleId: rule.id, ruleName: rule.name },
    depth: 0,
    once: key,
    details: {
      trigger: key,
      event: "time",
      anchor: rule.timeAnchor,
      anchorAt: clock.anchorAt.toISOString(),
      afterMinutes: rule.afterMinutes,
      why: evaluation.results.map((result) => result.why),
    },
  });
}

/**
 * Fires what is due, oldest first, at most `batch` rows (read through the `due_at` index). Returns
 * how many rows it handled, so a caller can run it again while there is more.
 */
export async function sweepDueRules(deps: AutomationDeps, batch = 200): Promise<number> {
  const now = deps.routing.clock();
  const due = await deps.routing.db
    .select({ caseId: automationSchedule.caseId, ruleId: automationSchedule.ruleId })
    .from(automationSchedule)
    .where(lte(automationSchedule.dueAt, now))
    .orderBy(asc(automationSchedule.dueAt))
    .limit(batch);
  if (!due.length) return 0;
  const { timeRules } = await deps.rules.get(deps.routing.db);
  for (const row of due) {
    try {
      await fireDue(deps, row, timeRules);
    } catch (error) {
      // One case that cannot be handled must not hold up the others; its row stays for the next sweep.
      deps.routing.onAfterCommitError?.(error);
    }
  }
  return due.length;
}

/** Writes schedule rows for a created or enabled time rule on every open case, a page at a time. */
export async function backfillRule(deps: AutomationDeps, ruleId: string, pageSize = 500): Promise<number> {
  const { db } = deps.routing;
  const [stored] = await db.select().from(automationRules).where(eq(automationRules.id, ruleId));
  if (!stored?.enabled || stored.trigger !== "time") return 0;
  const rule = activeRule(stored);
  let after = "00000000-0000-0000-0000-000000000000";
  let written = 0;
  for (;;) {
    const page = await db
      .select()
      .from(cases)
      .where(and(gt(cases.id, after), inArray(cases.state, [...OPEN_CASE_STATES])))
      .orderBy(asc(cases.id))
      .limit(pageSize);
    for (const row of page) await scheduleCase(deps, row, [rule]);
    written += page.length;
    if (page.length < pageSize) return written;
    after = page[page.length - 1]!.id;
  }
}
