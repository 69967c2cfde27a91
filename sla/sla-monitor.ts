/**
 * The SLA monitor: flags running targets that have become at risk or breached. It reads only those
 * rows, through two partial indexes on their at-risk and due times, so its cost follows the cases
 * becoming due, not the open cases. Rows are locked with SKIP LOCKED and each flag is an event row
 * unique per target, cycle and type: the monitor running twice, or on two processes at once, writes
 * one breach per target. Escalation rules act on what was flagged, after commit.
 */
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { CaseDeps } from "../cases/deps.ts";
import { withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Db, Tx } from "../db/connect.ts";
import { cases } from "../db/schema/cases.ts";
import { caseSlaTargets, escalationRules, slaEvents } from "../db/schema/sla.ts";
import type { Calendar } from "./business-calendar.ts";
import { type ClockStatus, statusAt } from "./sla-clock.ts";
import { caseSlaSummary } from "./sla-targets.ts";

export interface Flag {
  caseId: string;
  targetId: string;
  metric: string;
  cycle: number;
  type: "at_risk" | "breached";
}

type TargetRow = typeof caseSlaTargets.$inferSelect;

/** A running target the pass found at risk or breached. */
interface Decided {
  row: TargetRow;
  status: Flag["type"];
}

/** Running targets whose at-risk or due time has passed, locked (skipping those another pass holds). */
function lockDueTargets(tx: Tx, now: Date, limit: number): Promise<TargetRow[]> {
  return tx
    .select()
    .from(caseSlaTargets)
    .where(
      or(
        and(sql`status = 'active' and not paused`, lte(caseSlaTargets.atRiskAt, now)),
        and(sql`status in ('active', 'at_risk') and not paused`, lte(caseSlaTargets.dueAt, now)),
      ),
    )
    .orderBy(asc(caseSlaTargets.dueAt))
    .limit(limit)
    .for("update", { skipLocked: true });
}

/** What each due target is at `now`, keeping those to flag. Pure. */
function decideFlags(due: TargetRow[], now: Date): Decided[] {
  return due.flatMap((row) => {
    const status = statusAt({ ...row, calendar: row.calendar as Calendar | null }, now) as ClockStatus;
    return status === "at_risk" || status === "breached" ? [{ row, status }] : [];
  });
}

/**
 * Writes the decided statuses (one statement per kind) and their event rows; returns the flags whose
 * event row this pass wrote (another pass may have written the same one first).
 */
async function writeFlags(tx: Tx, decided: Decided[], now: Date): Promise<Flag[]> {
  const breachedIds = decided.filter((d) => d.status === "breached").map((d) => d.row.id);
  const atRiskIds = decided.filter((d) => d.status === "at_risk").map((d) => d.row.id);
  if (breachedIds.length)
    await tx
      .update(caseSlaTargets)
      .set({ status: "breached", breachedAt: now, dueAt: null, atRiskAt: null, updatedAt: now })
      .where(inArray(caseSlaTargets.id, breachedIds));
  if (atRiskIds.length)
    await tx
      .update(caseSlaTargets)
      .set({ status: "at_risk", atRiskAt: null, updatedAt: now })
      .where(inArray(caseSlaTargets.id, atRiskIds));
  const written = await tx
    .insert(slaEvents)
    .values(
      decided.map(({ row, status }) => ({
        caseId: row.caseId,
        targetId: row.id,
        metric: row.metric,
        cycle: row.cycle,
        type: status,
        at: now,
        details: { dueAt: row.dueAt },
      })),
    )
    .onConflictDoNothing()
    .returning({ targetId: slaEvents.targetId, type: slaEvents.type });
  const writtenKeys = new Set(written.map((w) => `${w.targetId}:${w.type}`));
  return decided
    .filter(({ row, status }) => writtenKeys.has(`${row.id}:${status}`))
    .map(({ row, status }) => ({
      caseId: row.caseId,
      targetId: row.id,
      metric: row.metric,
      cycle: row.cycle,
      type: status,
    }));
}

type CaseSummary = { caseId: string } & ReturnType<typeof caseSlaSummary>;

/** Refreshes the cases' summary (nearest due, worst status) from all their targets, in one statement. */
async function refreshSummaries(tx: Tx, caseIds: string[]): Promise<CaseSummary[]> {
  const targets = await tx.select().from(caseSlaTargets).where(inArray(caseSlaTargets.caseId, caseIds));
  const byCase = new Map<string, typeof targets>();
  for (const target of targets) byCase.set(target.caseId, [...(byCase.get(target.caseId) ?? []), target]);
  const summaries = caseIds.map((caseId) => ({
    caseId,
    ...caseSlaSummary(
      (byCase.get(caseId) ?? []).map((t) => ({ ...t, calendar: t.calendar as Calendar | null })),
    ),
  }));
  const values = sql.join(
    summaries.map(
      (s) =>
        sql`(${s.caseId}::uuid, ${s.slaDueAt ? s.slaDueAt.toISOString() : null}::timestamptz, ${s.slaStatus}::text)`,
    ),
    sql`, `,
  );
  await tx.execute(
    sql`update cases set sla_due_at = v.due_at, sla_status = v.status
        from (values ${values}) as v(id, due_at, status) where cases.id = v.id`,
  );
  return summaries;
}

/** One pass: flags up to `limit` targets; returns what it flagged (for escalation). */
export async function sweepSla(
  deps: Pick<CaseDeps, "db" | "clock" | "events" | "jobs">,
  limit = 500,
): Promise<Flag[]> {
  const now = deps.clock();
  return withUnitOfWork(deps, async (tx, uow) => {
    // Decide in memory, then write each kind of change as one statement: a pass costs a handful of
    // round trips whatever the number of rows it flags.
    const decided = decideFlags(await lockDueTargets(tx, now, limit), now);
    if (!decided.length) return [];
    const flags = await writeFlags(tx, decided, now);
    const caseIds = [...new Set(flags.map((f) => f.caseId))];
    if (!caseIds.length) return flags;
    const summaries = await refreshSummaries(tx, caseIds);
    for (const summary of summaries)
      for (const flag of flags.filter((f) => f.caseId === summary.caseId))
        uow.emit({
          type: "sla.changed",
          caseId: summary.caseId,
          status: summary.slaStatus,
          dueAt: summary.slaDueAt,
          metric: flag.metric,
          flagged: flag.type,
        });
    return flags;
  });
}

export type EscalationRuleRow = typeof escalationRules.$inferSelect;

/** The enabled rules that apply to a flag on a case of `queueId`. */
export async function rulesFor(db: Db, flag: Flag, queueId: string | null): Promise<EscalationRuleRow[]> {
  return db
    .select()
    .from(escalationRules)
    .where(
      and(
        eq(escalationRules.enabled, true),
        eq(escalationRules.trigger, flag.type),
        or(isNull(escalationRules.metric), eq(escalationRules.metric, flag.metric as never)),
        queueId
          ? or(isNull(escalationRules.queueId), eq(escalationRules.queueId, queueId))
          : isNull(escalationRules.queueId),
      ),
    );
}

/** Cases by id, for the escalation step. */
export async function casesById(db: Db, ids: string[]) {
  if (!ids.length) return new Map<string, typeof cases.$inferSelect>();
  const rows = await db.select().from(cases).where(inArray(cases.id, ids));
  return new Map(rows.map((row) => [row.id, row]));
}
