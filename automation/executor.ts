/**
 * The action executor: the one place rules and macros change a case. All actions of one firing run
 * in one transaction and leave one audit row naming the rule or macro with what each action did.
 *
 * A rule's action that cannot be done (the agent is offline, the case was closed meanwhile) is
 * rolled back alone (a savepoint) and recorded as failed, while the others still apply: a rule runs
 * unattended and half its work is better than none. A macro is an agent's click: any failure
 * refuses the whole macro with the reason, and nothing is written.
 */
import { lockCase, writeAudit } from "../cases/case-workflow.ts";
import { isAppError } from "../cases/errors.ts";
import { publishAfterCommit, UnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { type ActionSource, runStep, type StepContext } from "./action-steps.ts";
import { alreadyFired } from "./firings.ts";
import type { AutomationDeps } from "./ports.ts";
import type { ActionType, AutomationAction } from "./rule-schema.ts";

export type { ActionSource } from "./action-steps.ts";

export interface ActionRun {
  caseId: string;
  actions: readonly AutomationAction[];
  source: ActionSource;
  /** The depth of the change that triggered the rule (0 for people, channels, macros and the clock). */
  depth: number;
  /** The chain's root trigger, passed on to the events this firing causes (the firing's own `once` by default). */
  root?: string;
  /**
   * A rule's trigger key: checked under the case's lock, so a rule fires once for it even when two
   * jobs race; it is kept on the audit row as `trigger`.
   */
  once?: string;
  /** Kept on the audit row: what triggered the firing and why it matched. */
  details?: Record<string, unknown>;
}

export interface ActionOutcome {
  type: ActionType;
  status: "done" | "skipped" | "failed";
  note?: string;
}

/** Moves what a finished step queued into the firing's unit of work. */
function absorb(into: UnitOfWork, step: UnitOfWork): void {
  into.events.push(...step.events);
  into.jobs.push(...step.jobs);
  for (const queueId of step.routing) into.routing.add(queueId);
  for (const [id, queued] of step.queuedCases) into.queuedCases.set(id, queued);
  for (const agentId of step.freedAgents) into.freedAgents.add(agentId);
  into.followUps.push(...step.followUps);
}

const failureNote = (error: unknown) =>
  isAppError(error) ? error.message : "the action failed unexpectedly; see the server log";

async function runActions(
  tx: Tx,
  uow: UnitOfWork,
  deps: AutomationDeps,
  run: ActionRun,
): Promise<ActionOutcome[] | null> {
  await lockCase(tx, run.caseId);
  if (
    run.once &&
    run.source.kind === "rule" &&
    (await alreadyFired(tx, run.caseId, run.source.ruleId, run.once))
  )
    return null;
  const at = deps.routing.clock();
  const actor =
    run.source.kind === "macro"
      ? { type: "agent" as const, id: run.source.agentId }
      : { type: "system" as const };
  const outcomes: ActionOutcome[] = [];
  for (const action of run.actions) {
    const step = new UnitOfWork();
    const ctx = (stepTx: Tx): StepContext => ({
      tx: stepTx,
      uow: step,
      deps,
      caseId: run.caseId,
      source: run.source,
      actor,
      at,
    });
    if (run.source.kind === "macro") {
      const result = await runStep(ctx(tx), action);
      absorb(uow, step);
      outcomes.push({ type: action.type, ...result });
      continue;
    }
    try {
      const result = await tx.transaction((savepoint) => runStep(ctx(savepoint as Tx), action));
      absorb(uow, step);
      outcomes.push({ type: action.type, ...result });
    } catch (error) {
      if (!isAppError(error)) deps.routing.onAfterCommitError?.(error);
      outcomes.push({ type: action.type, status: "failed", note: failureNote(error) });
    }
  }
  const source =
    run.source.kind === "rule"
      ? { ruleId: run.source.ruleId, ruleName: run.source.ruleName }
      : { macroId: run.source.macroId, macroName: run.source.macroName };
  await writeAudit(tx, {
    caseId: run.caseId,
    type: run.source.kind === "rule" ? "automation_rule" : "macro_applied",
    actor,
    details: {
      ...source,
      ...run.details,
      ...(run.once ? { trigger: run.once } : {}),
      depth: run.depth,
      actions: outcomes,
    },
    at,
  });
  return outcomes;
}

/**
 * Runs the actions on the case and publishes what they changed after the commit, marked one level
 * deeper than the change that triggered them (the loop guard reads that mark). null when the rule
 * had already fired for `once`.
 */
export async function executeActions(deps: AutomationDeps, run: ActionRun): Promise<ActionOutcome[] | null> {
  const uow = new UnitOfWork();
  const outcomes = await deps.routing.db.transaction((tx) => runActions(tx as Tx, uow, deps, run));
  const root = run.root ?? run.once;
  if (root) deps.depths.mark(uow.events, { depth: run.depth + 1, root });
  await publishAfterCommit(deps.routing, uow);
  return outcomes;
}
