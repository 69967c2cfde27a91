/**
 * What each SLA target's clock does when something happens to its case: one small rule per metric,
 * as chatwoot's SLA evaluator has one check per metric. A rule reads the transition (`SlaMoment`) and
 * the case's clocks as the event found them, and names the changes its clock goes through, in order;
 * `runClockChanges` carries them out and `moveClocks` does both for every metric. Pure.
 */
import { type CaseTag, caseStateHas } from "../cases/case-states.ts";
import type { Channel, Priority } from "../db/schema/cases.ts";
import type { SlaMetric } from "../db/schema/sla.ts";
import {
  meetClock,
  pauseClock,
  reopenClock,
  resumeClock,
  retarget,
  startClock,
  type TargetClock,
  type TargetSpec,
} from "./sla-clock.ts";

/** One thing that happens to a clock: started (a new cycle), met, paused, resumed, reopened, re-targeted. */
export type ClockChange = "start" | "meet" | "pause" | "resume" | "reopen" | "retarget";

/** A case event, in the words the rules need. */
export interface SlaMoment {
  /** The machine event's type (`AGENT_REPLIED`, `CUSTOMER_MESSAGE`, …). */
  event: string;
  /** The case's first event out of intake, before it had any clock: its clocks start. */
  opened: boolean;
  /** The case joined a queue (not an offer coming back) on a live channel: answer time starts. */
  joinedLiveQueue: boolean;
  /** An agent took the case from the queue: the caller was answered. */
  answered: boolean;
  /** The case began waiting on the customer. */
  startedWaiting: boolean;
  /** The case stopped waiting on the customer, and is not done. */
  stoppedWaiting: boolean;
  /** The case became resolved. */
  resolved: boolean;
  /** A resolved case is open again. */
  reopened: boolean;
  /** The case is closed for good. */
  finished: boolean;
  /** Its priority, queue or tags changed: another policy or other targets may apply. */
  retargeted: boolean;
}

/** Calls and chats are answered live: only they have an answer-time target. */
const LIVE_CHANNELS: ReadonlySet<Channel> = new Set(["chat", "voice"]);

interface CaseSide {
  state: string;
  channel: Channel;
  priority: Priority;
  queueId: string | null;
  tags: string[];
}

/** Reads a transition as the rules see it; `hadClocks` is whether the case had any clock before it. */
export function slaMomentOf(
  transition: { before: CaseSide; after: CaseSide; event: { type: string } },
  hadClocks: boolean,
): SlaMoment {
  const { before, after } = transition;
  const was = (tag: CaseTag) => caseStateHas(before.state, tag);
  const is = (tag: CaseTag) => caseStateHas(after.state, tag);
  const event = transition.event.type;
  return {
    event,
    opened: !hadClocks && was("intake"),
    joinedLiveQueue: is("routable") && !was("inQueue") && LIVE_CHANNELS.has(after.channel),
    answered: event === "ASSIGN" && was("inQueue"),
    startedWaiting: is("awaitingCustomer") && !was("awaitingCustomer"),
    stoppedWaiting: was("awaitingCustomer") && !is("awaitingCustomer") && !is("done"),
    resolved: is("resolved") && !was("resolved"),
    reopened: was("resolved") && !is("done"),
    finished: is("final"),
    retargeted:
      before.priority !== after.priority ||
      before.queueId !== after.queueId ||
      before.tags.join() !== after.tags.join(),
  };
}

/** The case's clocks as the event found them (including those earlier events of the same write moved). */
export type FoundClocks = Partial<Record<SlaMetric, Pick<TargetClock, "status">>>;

export type MetricRule = (moment: SlaMoment, found: FoundClocks) => ClockChange[];

const isMet = (clock: Pick<TargetClock, "status"> | undefined) =>
  clock?.status === "met" || clock?.status === "met_late";

/** The changes whose condition holds, in the order given. */
const steps = (...candidates: [boolean, ClockChange][]): ClockChange[] =>
  candidates.filter(([holds]) => holds).map(([, change]) => change);

/** Time to our first answer: met by an agent's reply; it does not run while the case waits on the customer. */
export const firstResponseRule: MetricRule = (m) =>
  steps(
    [m.opened, "start"],
    [m.event === "AGENT_REPLIED", "meet"],
    [m.startedWaiting, "pause"],
    [m.stoppedWaiting, "resume"],
    [m.resolved, "pause"],
    [m.finished, "pause"],
    [m.retargeted, "retarget"],
  );

/**
 * Time to our next answer: a customer's message after we answered starts it (unless one is running
 * already), an agent's reply meets it; it runs again if the case is reopened.
 */
export const nextResponseRule: MetricRule = (m, found) =>
  steps(
    [m.event === "AGENT_REPLIED", "meet"],
    [
      m.event === "CUSTOMER_MESSAGE" &&
        isMet(found.first_response) &&
        (!found.next_response || isMet(found.next_response)),
      "start",
    ],
    [m.startedWaiting, "pause"],
    [m.stoppedWaiting, "resume"],
    [m.resolved, "pause"],
    [m.reopened, "resume"],
    [m.finished, "pause"],
    [m.retargeted, "retarget"],
  );

/** Time between updates to the customer: each agent's reply meets the running one and starts the next. */
export const periodicUpdateRule: MetricRule = (m, found) => {
  // A clock this same event starts is running too.
  const running = m.opened || (found.periodic_update !== undefined && !isMet(found.periodic_update));
  const replied = m.event === "AGENT_REPLIED" && running;
  return steps(
    [m.opened, "start"],
    [replied, "meet"],
    [replied, "start"],
    [m.startedWaiting, "pause"],
    [m.stoppedWaiting, "resume"],
    [m.resolved, "pause"],
    [m.reopened, "resume"],
    [m.finished, "pause"],
    [m.retargeted, "retarget"],
  );
};

/** Time to resolve: met when the case is resolved, running again (time spent kept) if it is reopened. */
export const resolutionRule: MetricRule = (m) =>
  steps(
    [m.opened, "start"],
    [m.startedWaiting, "pause"],
    [m.stoppedWaiting, "resume"],
    [m.resolved, "meet"],
    [m.reopened, "resume"],
    [m.reopened, "reopen"],
    [m.finished, "pause"],
    [m.retargeted, "retarget"],
  );

/** Time to answer a call or chat: from joining the queue until an agent takes it. */
export const answerRule: MetricRule = (m) =>
  steps(
    [m.joinedLiveQueue, "start"],
    [m.answered, "meet"],
    [m.resolved, "pause"],
    [m.finished, "pause"],
    [m.retargeted, "retarget"],
  );

/**
 * Every metric's rule. The order is that in which clocks a case did not have yet are written
 * (`moveClocks` keeps the clocks it found first, in their order).
 */
export const METRIC_RULES: Readonly<Record<SlaMetric, MetricRule>> = {
  first_response: firstResponseRule,
  resolution: resolutionRule,
  periodic_update: periodicUpdateRule,
  answer: answerRule,
  next_response: nextResponseRule,
};

/** A metric's clock and the cycle it is in (a restarted clock is a new cycle). */
export interface MetricClock {
  clock: TargetClock;
  cycle: number;
}

export interface MovedClock extends MetricClock {
  /** Whether the event changed it, so it must be written. */
  changed: boolean;
}

/**
 * Carries out a rule's changes on one clock, in order. A clock the case does not have can only be
 * started, and only when the policy sets a target (`spec`); re-targeting needs a target too. A
 * change that leaves the clock as it was does not count as a change.
 */
export function runClockChanges(
  found: MetricClock | undefined,
  changes: readonly ClockChange[],
  spec: TargetSpec | null,
  at: Date,
): MovedClock | undefined {
  let current: MovedClock | undefined = found && { ...found, changed: false };
  const step = (move: (clock: TargetClock) => TargetClock) => {
    if (!current) return;
    const next = move(current.clock);
    if (next !== current.clock) current = { ...current, clock: next, changed: true };
  };
  for (const change of changes) {
    switch (change) {
      case "start":
        if (spec)
          current = { clock: startClock(spec, at), cycle: current ? current.cycle + 1 : 1, changed: true };
        break;
      case "meet":
        step((clock) => meetClock(clock, at));
        break;
      case "pause":
        step((clock) => pauseClock(clock, at));
        break;
      case "resume":
        step((clock) => resumeClock(clock, at));
        break;
      case "reopen":
        step((clock) => reopenClock(clock, at));
        break;
      case "retarget":
        if (current && spec)
          current = { ...current, clock: retarget(current.clock, spec, at), changed: true };
        break;
    }
  }
  return current;
}

/**
 * Moves every metric's clock for one event: the clocks found (in their order, changed or not) and
 * any the event started. `specOf` is the target the case's policy sets for a metric, if any.
 */
export function moveClocks(
  found: ReadonlyMap<SlaMetric, MetricClock>,
  moment: SlaMoment,
  specOf: (metric: SlaMetric) => TargetSpec | null,
  at: Date,
): Map<SlaMetric, MovedClock> {
  const foundClocks: FoundClocks = Object.fromEntries(
    [...found].map(([metric, { clock }]) => [metric, clock]),
  );
  const moved = new Map<SlaMetric, MovedClock>(
    [...found].map(([metric, c]) => [metric, { ...c, changed: false }]),
  );
  for (const [metric, rule] of Object.entries(METRIC_RULES) as [SlaMetric, MetricRule][]) {
    const next = runClockChanges(found.get(metric), rule(moment, foundClocks), specOf(metric), at);
    if (next) moved.set(metric, next);
  }
  return moved;
}

/**
 * Whether writing `moved` records the target as met: it was not met before (or this is another
 * cycle of it), and now it is.
 */
export function newlyMet(
  stored: (Pick<TargetClock, "status"> & { cycle: number }) | undefined,
  moved: { clock: Pick<TargetClock, "status">; cycle: number },
): boolean {
  const wasOpen = !stored || !isMet(stored) || stored.cycle !== moved.cycle;
  return wasOpen && isMet(moved.clock);
}
