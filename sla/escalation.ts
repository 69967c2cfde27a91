/**
 * Escalation rules act on what the monitor flagged: tell the supervisors, raise the case's
 * priority one step, or move it to another queue. Each action is audited on the case. They run
 * after the flag is committed, so a failed action never undoes the flag; a flag escalates once,
 * because the monitor reports a flag only the one time it writes it.
 */

import { caseStateHas } from "../cases/case-states.ts";
import { applyCaseEvent, lockCase, writeAudit } from "../cases/case-workflow.ts";
import type { CaseDeps } from "../cases/deps.ts";
import { withUnitOfWork } from "../cases/unit-of-work.ts";
import { PRIORITIES, type Priority } from "../db/schema/cases.ts";
import type { Router } from "../routing/router.ts";
import { casesById, type Flag, rulesFor } from "./sla-monitor.ts";

const METRIC_WORDS: Record<string, string> = {
  first_response: "first response",
  next_response: "next response",
  periodic_update: "update",
  resolution: "resolution",
  answer: "answer",
};

export const raisedPriority = (priority: Priority): Priority =>
  PRIORITIES[Math.min(PRIORITIES.length - 1, PRIORITIES.indexOf(priority) + 1)]!;

export async function escalate(deps: CaseDeps, router: Router, flags: Flag[]): Promise<number> {
  let actions = 0;
  const rows = await casesById(deps.db, [...new Set(flags.map((f) => f.caseId))]);
  for (const flag of flags) {
    const row = rows.get(flag.caseId);
    if (!row || caseStateHas(row.state, "final")) continue;
    for (const rule of await rulesFor(deps.db, flag, row.queueId)) {
      const what = `${METRIC_WORDS[flag.metric] ?? flag.metric} ${flag.type === "breached" ? "breached" : "at risk"}`;
      const actor = { type: "system" as const };
      if (rule.action === "notify_supervisor") {
        await withUnitOfWork(deps, async (tx, uow) => {
          await writeAudit(tx, {
            caseId: row.id,
            type: "escalated",
            actor,
            details: { ruleId: rule.id, action: rule.action, flag: flag.type, metric: flag.metric },
            at: deps.clock(),
          });
          uow.emit({
            type: "sla.escalated",
            caseId: row.id,
            ruleId: rule.id,
            ruleName: rule.name,
            message: `Case #${row.number}: ${what} (${rule.name})`,
          });
        });
      } else if (rule.action === "raise_priority") {
        await withUnitOfWork(deps, async (tx, uow) => {
          const locked = await lockCase(tx, row.id);
          const priority = raisedPriority(locked.priority);
          if (priority === locked.priority) return;
          const at = deps.clock();
          const applied = await applyCaseEvent(
            tx,
            uow,
            deps,
            locked,
            { type: "UPDATE", at: at.getTime() },
            actor,
            {},
            { priority },
          );
          // Closed since the flag was read: the machine takes no change, so there is nothing to audit.
          if (!applied.accepted) return;
          await writeAudit(tx, {
            caseId: row.id,
            type: "escalated",
            actor,
            details: { ruleId: rule.id, action: rule.action, from: locked.priority, to: priority },
            at,
          });
        });
      } else if (
        rule.action === "move_to_queue" &&
        rule.targetQueueId &&
        rule.targetQueueId !== row.queueId
      ) {
        await router.transfer({
          caseId: row.id,
          toQueueId: rule.targetQueueId,
          note: `Escalated: ${what} (${rule.name})`,
          actor,
        });
      }
      actions += 1;
    }
  }
  return actions;
}
