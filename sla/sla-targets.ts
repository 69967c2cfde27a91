/**
 * Keeps each case's SLA clocks in step with what happens to it, inside the transaction of every
 * case event: clocks start when the case is created (and answer time when it joins a queue), agent
 * replies meet response targets, a customer's message after a reply starts the next-response clock,
 * waiting on the customer pauses the clocks and their message resumes them, resolving meets the
 * resolution target, reopening resumes it, and a change of priority, queue or tags re-targets them.
 * The nearest due time and the worst status are kept on the case row for lists and indexes.
 */
import { type CaseTag, caseStateHas } from "../cases/case-states.ts";
import type { TargetRow } from "../cases/case-store.ts";
import type { TransitionHook } from "../cases/ports.ts";
import type { Executor } from "../db/connect.ts";
import type { StoredCalendar } from "../db/schema/routing.ts";
import type { SlaMetric } from "../db/schema/sla.ts";
import type { Calendar } from "./business-calendar.ts";
import {
  type ClockStatus,
  meetClock,
  pauseClock,
  reopenClock,
  resumeClock,
  retarget,
  startClock,
  type TargetClock,
} from "./sla-clock.ts";
import { pickPolicy, type SlaPolicyCache, targetSpec } from "./sla-policies.ts";

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

const PAUSABLE: SlaMetric[] = ["first_response", "next_response", "periodic_update", "resolution"];
const LIVE_CHANNELS = new Set(["chat", "voice"]);
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

interface ClockEntry {
  clock: TargetClock;
  cycle: number;
  changed: boolean;
  policyId: string | null;
  /** The stored row as the transition found it, if any. */
  stored?: TargetRow;
}

/**
 * The SLA side of every case event: reads the case's clocks from its context (as already changed
 * by earlier events in the same plan), moves them, and adds the changed clocks, their met events and
 * the case's SLA summary to the plan's write.
 */
export function createSlaHook(options: { policies: SlaPolicyCache; queueHours: QueueHours }): TransitionHook {
  return async (transition, plan) => {
    const { before, after, at, context } = transition;
    const type = transition.event.type;
    const planned = new Map(plan.write.slaTargets.map((row) => [row.metric!, row]));
    const clocks = new Map<SlaMetric, ClockEntry>();
    for (const stored of context.targets) {
      const row = { ...stored, ...planned.get(stored.metric) } as TargetRow;
      clocks.set(row.metric, {
        clock: toClock(row),
        cycle: row.cycle,
        changed: false,
        policyId: row.policyId,
        stored,
      });
    }
    for (const row of planned.values())
      if (!clocks.has(row.metric!))
        clocks.set(row.metric!, {
          clock: toClock(row as TargetRow),
          cycle: row.cycle ?? 1,
          changed: false,
          policyId: row.policyId ?? null,
        });

    const facts = {
      priority: after.priority,
      channel: after.channel,
      queueId: after.queueId,
      tags: after.tags,
      contactAttributes: context.contact?.attributes ?? {},
    };
    const policy = pickPolicy(await options.policies.get(plan.executor), facts);
    const hours = await options.queueHours(plan.executor, after.queueId);
    const spec = (metric: SlaMetric) => (policy ? targetSpec(policy, after.priority, metric, hours) : null);

    const set = (metric: SlaMetric, clock: TargetClock, cycle?: number) => {
      const current = clocks.get(metric);
      clocks.set(metric, {
        clock,
        cycle: cycle ?? current?.cycle ?? 1,
        changed: true,
        policyId: policy?.id ?? current?.policyId ?? null,
        ...(current?.stored ? { stored: current.stored } : {}),
      });
    };
    const start = (metric: SlaMetric) => {
      const s = spec(metric);
      if (!s) return;
      const current = clocks.get(metric);
      set(metric, startClock(s, at), current ? current.cycle + 1 : 1);
    };
    const apply = (metric: SlaMetric, step: (clock: TargetClock) => TargetClock) => {
      const current = clocks.get(metric);
      if (!current) return;
      const next = step(current.clock);
      if (next !== current.clock) set(metric, next);
    };

    const was = (tag: CaseTag) => caseStateHas(before.state, tag);
    const is = (tag: CaseTag) => caseStateHas(after.state, tag);
    if (clocks.size === 0 && was("intake")) {
      for (const metric of ["first_response", "resolution", "periodic_update"] as const) start(metric);
    }
    const joinedQueue = is("routable") && !was("inQueue");
    if (joinedQueue && LIVE_CHANNELS.has(after.channel)) start("answer");

    switch (type) {
      case "AGENT_REPLIED": {
        apply("first_response", (c) => meetClock(c, at));
        apply("next_response", (c) => meetClock(c, at));
        const periodic = clocks.get("periodic_update");
        if (
          periodic &&
          (periodic.clock.status === "active" ||
            periodic.clock.status === "at_risk" ||
            periodic.clock.status === "breached")
        ) {
          apply("periodic_update", (c) => meetClock(c, at));
          start("periodic_update");
        }
        break;
      }
      case "CUSTOMER_MESSAGE": {
        const first = clocks.get("first_response")?.clock.status;
        const next = clocks.get("next_response")?.clock;
        // A message after we answered starts the clock for our next answer.
        if (
          (first === "met" || first === "met_late") &&
          (!next || next.status === "met" || next.status === "met_late")
        )
          start("next_response");
        break;
      }
      case "ASSIGN":
        if (was("inQueue")) apply("answer", (c) => meetClock(c, at));
        break;
    }

    if (is("awaitingCustomer") && !was("awaitingCustomer")) {
      for (const metric of PAUSABLE) apply(metric, (c) => pauseClock(c, at));
    }
    if (was("awaitingCustomer") && !is("awaitingCustomer") && !is("done")) {
      for (const metric of PAUSABLE) apply(metric, (c) => resumeClock(c, at));
    }
    if (is("resolved") && !was("resolved")) {
      apply("resolution", (c) => meetClock(c, at));
      for (const metric of ["first_response", "next_response", "periodic_update", "answer"] as const)
        apply(metric, (c) => pauseClock(c, at));
    }
    if (was("resolved") && !is("done")) {
      apply("resolution", (c) => reopenClock(resumeClock(c, at), at));
      for (const metric of ["next_response", "periodic_update"] as const)
        apply(metric, (c) => resumeClock(c, at));
    }
    if (is("final")) for (const metric of [...clocks.keys()]) apply(metric, (c) => pauseClock(c, at));

    // A new priority, queue or set of tags can mean another policy or other targets.
    if (
      before.priority !== after.priority ||
      before.queueId !== after.queueId ||
      before.tags.join() !== after.tags.join()
    ) {
      for (const [metric, entry] of clocks) {
        const s = spec(metric);
        if (s) set(metric, retarget(entry.clock, s, at));
      }
    }

    const changed = [...clocks].filter(([, entry]) => entry.changed);
    if (!changed.length) return;
    for (const [metric, entry] of changed) {
      const values = {
        ...fromClock(entry.clock),
        cycle: entry.cycle,
        policyId: entry.policyId,
        updatedAt: at,
      };
      const index = plan.write.slaTargets.findIndex((row) => row.metric === metric);
      const row = { metric, ...values };
      if (index >= 0) plan.write.slaTargets[index] = row;
      else plan.write.slaTargets.push(row);
      const stored = entry.stored;
      const wasOpen =
        !stored || (stored.status !== "met" && stored.status !== "met_late") || stored.cycle !== entry.cycle;
      if (wasOpen && (entry.clock.status === "met" || entry.clock.status === "met_late"))
        plan.write.slaEvents.push({ metric, cycle: entry.cycle, type: entry.clock.status, at });
    }
    const summary = caseSlaSummary([...clocks.values()].map((entry) => entry.clock));
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
  };
}
