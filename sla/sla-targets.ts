/**
 * Keeps each case's SLA clocks in step with what happens to it, inside the transaction of every
 * case event: clocks start when the case is created (and answer time when it joins a queue), agent
 * replies meet response targets, a customer's message after a reply starts the next-response clock,
 * waiting on the customer pauses the clocks and their message resumes them, resolving meets the
 * resolution target, reopening resumes it, and a change of priority, queue or tags re-targets them.
 * The nearest due time and the worst status are kept on the case row for lists and indexes.
 */

import type { CasePlan } from "../cases/case-plan.ts";
import type { CaseContext, TargetRow } from "../cases/case-store.ts";
import type { CaseTransition, TransitionHook } from "../cases/ports.ts";
import type { Executor } from "../db/connect.ts";
import type { StoredCalendar } from "../db/schema/routing.ts";
import type { SlaMetric } from "../db/schema/sla.ts";
import type { Calendar } from "./business-calendar.ts";
import type { ClockStatus, TargetClock, TargetSpec } from "./sla-clock.ts";
import { pickPolicy, type SlaPolicyCache, targetSpec } from "./sla-policies.ts";
import { type MetricClock, type MovedClock, moveClocks, newlyMet, slaMomentOf } from "./sla-rules.ts";

/** Where a case's queue's business hours come from (the routing configuration cache). */
export type QueueHours = (executor: Executor, queueId: string | null) => Promise<StoredCalendar | null>;

const toClock = (row: TargetRow): TargetClock => ({
  targetMinutes: row.targetMinutes,
  business: row.business,
  calendar: row.calendar as Calendar | null,
  atRiskPercent: row.atRiskPercent,
  status: row.status,
  paused: row.paused,
  segmentStartedAt: row.segmentStartedAt,
  elapsedMinutes: row.elapsedMinutes,
  dueAt: row.dueAt,
  atRiskAt: row.atRiskAt,
  metAt: row.metAt,
  breachedAt: row.breachedAt,
});

const fromClock = (clock: TargetClock) => ({
  targetMinutes: clock.targetMinutes,
  business: clock.business,
  calendar: clock.calendar as StoredCalendar | null,
  atRiskPercent: clock.atRiskPercent,
  status: clock.status,
  paused: clock.paused,
  segmentStartedAt: clock.segmentStartedAt,
  elapsedMinutes: clock.elapsedMinutes,
  dueAt: clock.dueAt,
  atRiskAt: clock.atRiskAt,
  metAt: clock.metAt,
  breachedAt: clock.breachedAt,
});

const SEVERITY: Record<ClockStatus, number> = { breached: 4, at_risk: 3, active: 2, met_late: 1, met: 0 };
const isRunning = (clock: TargetClock) =>
  !clock.paused && (clock.status === "active" || clock.status === "at_risk");

/** The case's nearest due time and worst status, for lists and the case row's index. */
export function caseSlaSummary(clocks: TargetClock[]): { slaDueAt: Date | null; slaStatus: string | null } {
  const due = clocks.filter(isRunning).map((c) => c.dueAt!.getTime());
  const open = clocks.filter((c) => c.status !== "met" && c.status !== "met_late");
  const worst = (open.length ? open : clocks).reduce<ClockStatus | null>(
    (w, c) => (w === null || SEVERITY[c.status] > SEVERITY[w] ? c.status : w),
    null,
  );
  return { slaDueAt: due.length ? new Date(Math.min(...due)) : null, slaStatus: worst };
}

/** A clock as the event found it, with what saving it needs to know. */
interface LoadedClock extends MetricClock {
  policyId: string | null;
  /** The stored row as the transition found it, if any. */
  stored?: TargetRow;
}

/** The case's clocks from its context, as already changed by earlier events in the same plan. */
function loadClocks(context: CaseContext, plan: CasePlan): Map<SlaMetric, LoadedClock> {
  const planned = new Map(plan.write.slaTargets.map((row) => [row.metric!, row]));
  const clocks = new Map<SlaMetric, LoadedClock>();
  for (const stored of context.targets) {
    const row = { ...stored, ...planned.get(stored.metric) } as TargetRow;
    clocks.set(row.metric, { clock: toClock(row), cycle: row.cycle, policyId: row.policyId, stored });
  }
  for (const row of planned.values())
    if (!clocks.has(row.metric!))
      clocks.set(row.metric!, {
        clock: toClock(row as TargetRow),
        cycle: row.cycle ?? 1,
        policyId: row.policyId ?? null,
      });
  return clocks;
}

/** The target the case's policy sets for each metric, as the case is after the event. */
async function targetsOf(
  options: { policies: SlaPolicyCache; queueHours: QueueHours },
  transition: CaseTransition,
  executor: Executor,
): Promise<{ policyId: string | null; specOf: (metric: SlaMetric) => TargetSpec | null }> {
  const { after, context } = transition;
  const facts = {
    priority: after.priority,
    channel: after.channel,
    queueId: after.queueId,
    tags: after.tags,
    contactAttributes: context.contact?.attributes ?? {},
    customFields: after.customFields,
    contactFields: context.contact?.customFields ?? {},
  };
  const policy = pickPolicy(await options.policies.get(executor), facts);
  const hours = await options.queueHours(executor, after.queueId);
  return {
    policyId: policy?.id ?? null,
    specOf: (metric) => (policy ? targetSpec(policy, after.priority, metric, hours) : null),
  };
}

/** Adds the changed clocks, their met events and the case's SLA summary to the plan's write. */
function saveClocks(
  plan: CasePlan,
  loaded: ReadonlyMap<SlaMetric, LoadedClock>,
  moved: ReadonlyMap<SlaMetric, MovedClock>,
  policyId: string | null,
  at: Date,
): void {
  const changed = [...moved].filter(([, entry]) => entry.changed);
  if (!changed.length) return;
  for (const [metric, entry] of changed) {
    const found = loaded.get(metric);
    const row = {
      metric,
      ...fromClock(entry.clock),
      cycle: entry.cycle,
      policyId: policyId ?? found?.policyId ?? null,
      updatedAt: at,
    };
    const index = plan.write.slaTargets.findIndex((planned) => planned.metric === metric);
    if (index >= 0) plan.write.slaTargets[index] = row;
    else plan.write.slaTargets.push(row);
    if (newlyMet(found?.stored, entry))
      plan.write.slaEvents.push({
        metric,
        cycle: entry.cycle,
        type: entry.clock.status as "met" | "met_late",
        at,
      });
  }
  const summary = caseSlaSummary([...moved.values()].map((entry) => entry.clock));
  plan.set(summary);
  plan.afterWrite((written, uow) =>
    uow.emit({
      type: "sla.changed",
      caseId: written.case.id,
      status: summary.slaStatus,
      dueAt: summary.slaDueAt,
      assigneeId: written.case.assigneeId,
    }),
  );
}

/**
 * The SLA side of every case event: loads the case's clocks and its policy's targets, lets each
 * metric's rule (sla/sla-rules.ts) move its clock, and saves what changed into the plan's write.
 */
export function createSlaHook(options: { policies: SlaPolicyCache; queueHours: QueueHours }): TransitionHook {
  return async (transition, plan) => {
    const loaded = loadClocks(transition.context, plan);
    const { policyId, specOf } = await targetsOf(options, transition, plan.executor);
    const moment = slaMomentOf(transition, loaded.size > 0);
    const moved = moveClocks(loaded, moment, specOf, transition.at);
    saveClocks(plan, loaded, moved, policyId, transition.at);
  };
}
