/**
 * The matcher's rules on single records: rank and order of cases, room, routing steps and the skill
 * criteria in force at a step, eligibility. `matchCases` (matcher.ts) applies the same rules to a whole
 * run with caches and heaps; these plain versions are what the database side and the tests call.
 */
import { type Channel, capacityChannelOf, type Priority } from "../db/schema/cases.ts";
import type { MatcherAgent, MatcherCase, MatcherQueue, OverflowStep, SkillRequirement } from "./matcher.ts";

export const BASE_RANK: Readonly<Record<Priority, number>> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** Priority rank plus every aging step whose time has come. */
export function effectiveRank(c: MatcherCase, q: MatcherQueue, now: number): number {
  const waited = now - c.enqueuedAt;
  let rank = BASE_RANK[c.priority];
  for (const step of q.agingSteps) if (waited >= step.afterSeconds * 1000) rank += step.raiseBy;
  return rank;
}

/** Ids compare by UTF-16 code units (not locale), so every process orders them the same way. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Comparator for the order in which cases are served: rank desc, then enqueuedAt asc, then id asc. */
export function caseOrder(
  a: MatcherCase,
  b: MatcherCase,
  queues: ReadonlyMap<string, MatcherQueue>,
  now: number,
): number {
  const qa = queues.get(a.queueId);
  const qb = queues.get(b.queueId);
  // A case whose queue is unknown keeps its base rank; it is never matched but still has a place.
  const ra = qa ? effectiveRank(a, qa, now) : BASE_RANK[a.priority];
  const rb = qb ? effectiveRank(b, qb, now) : BASE_RANK[b.priority];
  if (ra !== rb) return ra > rb ? -1 : 1;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt ? -1 : 1;
  return compareIds(a.id, b.id);
}

/** An agent on a call gets nothing else; otherwise the channel's load must be under its capacity. */
export function hasRoom(agent: MatcherAgent, channel: Channel): boolean {
  const counted = capacityChannelOf(channel);
  return agent.load.voice === 0 && agent.load[counted] < agent.capacity[counted];
}

/** Overflow steps in the order they apply (stable, so steps with equal times keep their written order). */
export function sortedSteps(q: MatcherQueue): OverflowStep[] {
  return [...q.overflowSteps].sort((x, y) => x.afterSeconds - y.afterSeconds);
}

/** Whether only the sticky agent may take the case right now. */
export function stickyActive(c: MatcherCase, q: MatcherQueue, now: number): boolean {
  return (
    c.stickyAgentId !== null &&
    now < c.enqueuedAt + q.stickySeconds * 1000 &&
    // The sticky agent missed the case (or may not have it): waiting on for them would strand it.
    !c.excludedAgentIds.includes(c.stickyAgentId) &&
    !c.barredAgentIds?.includes(c.stickyAgentId)
  );
}

/**
 * How many of the (sorted) overflow steps apply to the case at `now`. Applied steps always form a
 * prefix: a timed step's predecessors have equal or earlier times, and a skip-if-no-agents step only
 * applies once all earlier steps do. `noAgentsAt(k)` says whether no available agent meets the criteria
 * in force with the first k steps applied.
 */
export function routingStep(
  c: MatcherCase,
  steps: readonly OverflowStep[],
  now: number,
  noAgentsAt: (k: number) => boolean,
): number {
  const waited = now - c.enqueuedAt;
  let k = Math.min(steps.length, Math.max(0, c.stepsApplied ?? 0));
  while (k < steps.length && waited >= steps[k]!.afterSeconds * 1000) k++;
  while (k < steps.length && steps[k]!.skipIfNoAgents === true && noAgentsAt(k)) k++;
  return k;
}

/** Skill criteria in force once the first `k` steps apply: the queue's own, or any added queue's. */
export interface StepCriteria {
  own: SkillRequirement[];
  added: SkillRequirement[][];
}

/**
 * Lowering never goes below 1; a requirement already at or below 1 stays where it is (lowering must
 * not raise it), and a negative `by` lowers nothing.
 */
function lowered(level: number, by: number): number {
  return level - by < 1 ? Math.min(level, 1) : level - by;
}

export function criteriaAt(
  q: MatcherQueue,
  steps: readonly OverflowStep[],
  k: number,
  queues: ReadonlyMap<string, MatcherQueue>,
): StepCriteria {
  let lowerBy = 0;
  let dropPreferred = false;
  const added: SkillRequirement[][] = [];
  for (const step of steps.slice(0, k)) {
    if (step.action === "drop_preferred") dropPreferred = true;
    else if (step.action === "lower_required") lowerBy += Math.max(0, step.by);
    else {
      // An overflow queue that no longer exists admits nobody.
      const overflow = queues.get(step.queueId);
      if (overflow) added.push(overflow.requiredSkills);
    }
  }
  const own = q.requiredSkills.map((r) => ({ skill: r.skill, level: lowered(r.level, lowerBy) }));
  // Lowering applies to required skills only: a preferred skill is kept at its level until dropped.
  if (!dropPreferred) own.push(...q.preferredSkills);
  return { own, added };
}

/** The agent's level of a skill, 0 when missing (own keys only: a skill named "toString" is a skill). */
export function levelOf(agent: Pick<MatcherAgent, "skills">, skill: string): number {
  return Object.hasOwn(agent.skills, skill) ? (agent.skills[skill] ?? 0) : 0;
}

function meetsAll(agent: Pick<MatcherAgent, "skills">, requirements: readonly SkillRequirement[]): boolean {
  for (const r of requirements) if (levelOf(agent, r.skill) < r.level) return false;
  return true;
}

export function meetsCriteria(agent: Pick<MatcherAgent, "skills">, criteria: StepCriteria): boolean {
  return meetsAll(agent, criteria.own) || criteria.added.some((reqs) => meetsAll(agent, reqs));
}

/** Whether the agent's skills admit them to the queue at some routing step, its overflow included. */
export function servesQueue(
  agent: Pick<MatcherAgent, "skills">,
  q: MatcherQueue,
  queues: ReadonlyMap<string, MatcherQueue>,
): boolean {
  const steps = sortedSteps(q);
  for (let k = 0; k <= steps.length; k++)
    if (meetsCriteria(agent, criteriaAt(q, steps, k, queues))) return true;
  return false;
}

/**
 * Whether the agent may be offered the case at `now`, capacity aside: available, not excluded, the
 * sticky agent while the sticky window lasts, and meeting the skill criteria of the case's current
 * routing step (`agents` is the whole roster: skip-if-no-agents steps look at it).
 */
export function isEligible(
  agent: MatcherAgent,
  c: MatcherCase,
  queues: ReadonlyMap<string, MatcherQueue>,
  agents: readonly MatcherAgent[],
  now: number,
): boolean {
  if (!agent.available || c.excludedAgentIds.includes(agent.id) || c.barredAgentIds?.includes(agent.id))
    return false;
  const q = queues.get(c.queueId);
  if (!q) return false;
  if (stickyActive(c, q, now) && agent.id !== c.stickyAgentId) return false;
  const steps = sortedSteps(q);
  const k = routingStep(c, steps, now, (j) => {
    const criteria = criteriaAt(q, steps, j, queues);
    return !agents.some((a) => a.available && meetsCriteria(a, criteria));
  });
  return meetsCriteria(agent, criteriaAt(q, steps, k, queues));
}

/**
 * The earliest time after `now` at which the unmatched case's eligibility or order can change on its
 * own: its next overflow step (the first step not applied), its next aging step, the end of its sticky
 * window. Infinity when none.
 */
export function nextChangeFor(
  c: MatcherCase,
  q: MatcherQueue,
  steps: readonly OverflowStep[],
  k: number,
  now: number,
): number {
  // Candidate times that are not after now are ignored: they already apply.
  let next = Number.POSITIVE_INFINITY;
  const step = steps[k];
  if (step) next = earliestAfter(now, next, c.enqueuedAt + step.afterSeconds * 1000);
  for (const aging of q.agingSteps) next = earliestAfter(now, next, c.enqueuedAt + aging.afterSeconds * 1000);
  if (c.stickyAgentId !== null) next = earliestAfter(now, next, c.enqueuedAt + q.stickySeconds * 1000);
  return next;
}

function earliestAfter(now: number, next: number, at: number): number {
  return at > now && at < next ? at : next;
}
