/** Resolved cases close after a delay; a job fires at the due time and the sweep catches any it missed. */
import { and, lt } from "drizzle-orm";
import { cases } from "../db/schema/cases.ts";
import { stateIn } from "./case-states.ts";
import { applyCaseEvent, lockCase } from "./case-workflow.ts";
import type { CaseDeps } from "./deps.ts";
import { withUnitOfWork } from "./unit-of-work.ts";

/** Closes the case if it is still resolved and its delay has passed; otherwise does nothing. */
export function closeIfDue(deps: CaseDeps, caseId: string): Promise<boolean> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const row = await lockCase(tx, caseId);
    const applied = await applyCaseEvent(
      tx,
      uow,
      deps,
      row,
      { type: "AUTO_CLOSE", at: deps.clock().getTime() },
      {
        type: "system",
      },
    );
    return applied.accepted;
  });
}

export async function closeOverdueResolved(deps: CaseDeps, limit: number): Promise<number> {
  const cutoff = new Date(deps.clock().getTime() - deps.policy.autoCloseAfterMs);
  const due = await deps.db
    .select({ id: cases.id })
    .from(cases)
    .where(and(stateIn(cases.state, "resolved"), lt(cases.resolvedAt, cutoff)))
    .limit(limit);
  let closed = 0;
  for (const row of due) if (await closeIfDue(deps, row.id)) closed++;
  return closed;
}
