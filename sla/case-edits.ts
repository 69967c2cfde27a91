/**
 * Changing a case's priority, tags, subject or disposition: through the machine (so SLA clocks
 * re-target) and audited.
 */
import { type CaseEvent, canAccept } from "../cases/case-machine.ts";
import {
  type Actor,
  applyCaseEvent,
  type CaseRow,
  lockCase,
  snapshotOf,
  writeAudit,
} from "../cases/case-workflow.ts";
import type { CaseDeps } from "../cases/deps.ts";
import { assertUsableDisposition } from "../cases/dispositions.ts";
import { AppError } from "../cases/errors.ts";
import { type UnitOfWork, withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import type { Priority } from "../db/schema/cases.ts";

export interface CaseEdit {
  priority?: Priority;
  tags?: string[];
  subject?: string;
  /** A current disposition code, or null to clear it. */
  dispositionId?: string | null;
}

export interface CaseEditInput {
  caseId: string;
  edit: CaseEdit;
  actor: Actor;
}

export function editCase(deps: CaseDeps, input: CaseEditInput): Promise<CaseRow> {
  return withUnitOfWork(deps, (tx, uow) => editCaseIn(tx, uow, deps, input));
}

/** `editCase` as part of a caller's transaction, under the case's lock. */
export async function editCaseIn(
  tx: Tx,
  uow: UnitOfWork,
  deps: CaseDeps,
  input: CaseEditInput,
): Promise<CaseRow> {
  const row = await lockCase(tx, input.caseId);
  const at = deps.clock();
  const update: CaseEvent = { type: "UPDATE", at: at.getTime() };
  if (!canAccept(deps.machine, snapshotOf(row), update))
    throw new AppError(
      "ILLEGAL_ACTION",
      `Case #${row.number} is ${row.state}; it can no longer be changed.`,
      {
        state: row.state,
      },
    );
  const tags = input.edit.tags
    ? [...new Set(input.edit.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort()
    : undefined;
  const newDisposition =
    input.edit.dispositionId !== undefined && input.edit.dispositionId !== row.dispositionId;
  if (newDisposition && input.edit.dispositionId) await assertUsableDisposition(tx, input.edit.dispositionId);
  const changes = {
    ...(input.edit.priority && input.edit.priority !== row.priority ? { priority: input.edit.priority } : {}),
    ...(tags && tags.join() !== row.tags.join() ? { tags } : {}),
    ...(input.edit.subject !== undefined && input.edit.subject.trim() !== row.subject
      ? { subject: input.edit.subject.trim() }
      : {}),
    ...(newDisposition ? { dispositionId: input.edit.dispositionId ?? null } : {}),
  };
  if (Object.keys(changes).length === 0) return row;
  const applied = await applyCaseEvent(tx, uow, deps, row, update, input.actor, {}, changes);
  const before = Object.fromEntries(
    Object.keys(changes).map((key) => [key, row[key as keyof typeof changes]]),
  );
  await writeAudit(tx, {
    caseId: row.id,
    type: "edited",
    actor: input.actor,
    details: { before, after: changes },
    at,
  });
  uow.emit({
    type: "case.updated",
    caseId: row.id,
    state: applied.row.state,
    assigneeId: applied.row.assigneeId,
    case: applied.row,
  });
  return applied.row;
}
