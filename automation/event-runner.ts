/**
 * Event rules: after a change commits, the rule sets run in the admin's order — in a first-match
 * set the first rule whose conditions hold fires, in an all-match set every such rule does, each
 * seeing what the ones before it changed. A rule fires at most once per case for one chain of
 * changes (its root trigger), and no rule runs at or past the loop guard's depth; when either holds
 * back a rule whose conditions hold, an audit row says the loop was stopped.
 */
import { and, eq, sql } from "drizzle-orm";
import { lockCase, writeAudit } from "../cases/case-workflow.ts";
import type { Tx } from "../db/connect.ts";
import { caseEvents } from "../db/schema/cases.ts";
import { loadCaseFacts } from "./case-facts.ts";
import { evaluateConditions } from "./conditions.ts";
import { executeActions } from "./executor.ts";
import { alreadyFired } from "./firings.ts";
import { mayRunAt } from "./loop-guard.ts";
import type { AutomationDeps, AutomationEventJob } from "./ports.ts";
import type { ActiveRule, ActiveRuleSet } from "./rule-cache.ts";
import type { AutomationEvent } from "./rule-schema.ts";
import { refreshSchedule } from "./schedule.ts";

const listening = (set: ActiveRuleSet, event: AutomationEvent) =>
  set.rules.filter((rule) => rule.events.includes(event));

async function factsOf(deps: AutomationDeps, job: AutomationEventJob) {
  const message = job.interactionId ? { caseId: job.caseId, interactionId: job.interactionId } : undefined;
  return (await loadCaseFacts(deps.routing, [job.caseId], message)).get(job.caseId) ?? null;
}

/** One audit row per chain saying automation stopped, naming the rules it held back. */
async function recordLoopStopped(
  deps: AutomationDeps,
  job: AutomationEventJob,
  heldBack: ActiveRule[],
  why: string,
) {
  await deps.routing.db.transaction(async (raw) => {
    const tx = raw as Tx;
    await lockCase(tx, job.caseId);
    const [found] = await tx
      .select({ id: caseEvents.id })
      .from(caseEvents)
      .where(
        and(
          eq(caseEvents.caseId, job.caseId),
          eq(caseEvents.type, "automation_loop_stopped"),
          sql`${caseEvents.details} @> ${JSON.stringify({ trigger: job.root })}::jsonb`,
        ),
      )
      .limit(1);
    if (found) return;
    await writeAudit(tx, {
      caseId: job.caseId,
      type: "automation_loop_stopped",
      actor: { type: "system" },
      details: {
        event: job.event,
        trigger: job.root,
        depth: job.depth,
        rules: heldBack.map((rule) => ({ ruleId: rule.id, ruleName: rule.name })),
        message: `Automation stopped: ${why}.`,
      },
      at: deps.routing.clock(),
    });
  });
}

/** The job's rules in order, fired where they match; the rules the depth guard held back. */
async function runRules(
  deps: AutomationDeps,
  job: AutomationEventJob,
  event: AutomationEvent,
  sets: ActiveRuleSet[],
) {
  const heldBack: ActiveRule[] = [];
  let found = await factsOf(deps, job);
  for (const set of sets) {
    for (const rule of listening(set, event)) {
      if (!found) return heldBack;
      const evaluation = evaluateConditions(rule.conditions, found.facts);
      if (!evaluation.matched) continue;
      if (!mayRunAt(job.depth)) {
        // Past the depth: held back, unless it already ran in this chain and would be skipped anyway.
        if (!(await alreadyFired(deps.routing.db, job.caseId, rule.id, job.root))) heldBack.push(rule);
        continue;
      }
      // null when it already fired in this chain: two rules undoing each other stop after one turn each.
      const outcomes = await executeActions(deps, {
        caseId: job.caseId,
        actions: rule.actions,
        source: { kind: "rule", ruleId: rule.id, ruleName: rule.name },
        depth: job.depth,
        root: job.root,
        once: job.root,
        details: {
          event: job.event,
          ...(job.interactionId ? { interactionId: job.interactionId } : {}),
          why: evaluation.results.map((result) => result.why),
        },
      });
      // The next rule sees what this one changed.
      if (outcomes) found = await factsOf(deps, job);
      if (set.mode === "first_match") break;
    }
  }
  return heldBack;
}

/** The event job: the case's time-rule schedule refreshed, then the event rules run. */
export async function runEventJob(deps: AutomationDeps, job: AutomationEventJob): Promise<void> {
  await refreshSchedule(deps, job.caseId);
  if (job.event === "schedule") return;
  const active = await deps.rules.get(deps.routing.db);
  if (!active.events.has(job.event)) return;
  const heldBack = await runRules(deps, job, job.event, active.sets);
  if (!heldBack.length) return;
  const names = heldBack.map((rule) => `'${rule.name}'`).join(", ");
  await recordLoopStopped(
    deps,
    job,
    heldBack,
    `rules changed the case ${job.depth} times in a row; ${names} held back`,
  );
}
