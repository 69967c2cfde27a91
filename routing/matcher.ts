/**
 * The skill-based matcher: which waiting case is offered to which agent, decided in one pure pass over
 * plain data. The database side loads agents, waiting cases and queues, calls `matchCases` and writes
 * the offers in its transaction; the simulator and the benchmark call the same function.
 *
 * Rules (tests/unit/matcher.test.ts shows each with an example; the property test checks them against
 * a brute-force reference):
 *
 * - Order. Cases are served by effective rank descending, then `enqueuedAt` ascending, then id (code
 *   unit order). Base rank: low 0, normal 1, high 2, urgent 3; every aging step whose `afterSeconds`
 *   have elapsed since `enqueuedAt` adds its `raiseBy`.
 * - Greedy. Each case, in that order, is offered to at most one agent: the best eligible agent with
 *   room at that moment. Each offer adds 1 to the working copy of that agent's load on the case's
 *   channel, so later cases see it. Loads only grow during a run, so a case left without an agent
 *   would still find none at the end of the run, and no later case takes an agent it could have had.
 *   The inputs are never mutated. Offers are returned in the order they were made.
 * - Room. `load.voice === 0` (an agent on a call gets nothing else) and `load[ch] < capacity[ch]`.
 * - Eligibility (also `isEligible`, which ignores room): the agent is `available`, not in the case's
 *   `excludedAgentIds`, and meets the skill criteria of the case's current routing step. An excluded
 *   agent (who recently missed the case) is a last resort: when no eligible agent has room, the
 *   agents who would be eligible but for the exclusion are chosen from by the same rules, so a case
 *   is never stranded by a missed offer while someone who could take it has room. An agent in
 *   `barredAgentIds` is never eligible, not even as a last resort:
 *   - The base criteria are the queue's required skills plus its preferred skills (preferred skills are
 *     required until a `drop_preferred` step applies). A requirement is met by level >= the required
 *     level; a missing skill is level 0.
 *   - Overflow steps, sorted by `afterSeconds`, apply cumulatively. A step applies when
 *     `now - enqueuedAt >= afterSeconds * 1000`, or, with `skipIfNoAgents`, as soon as all earlier
 *     steps apply and no available agent (room and exclusions ignored) meets the criteria in force
 *     before it. `drop_preferred` removes the preferred skills; `lower_required` lowers every required
 *     level by `by`, never below 1 (preferred levels are not lowered); `add_queue` also admits agents
 *     meeting the overflow queue's base required skills (an unknown queue admits nobody).
 *   - Sticky: while `now < enqueuedAt + stickySeconds * 1000` and `stickyAgentId` is set, only the
 *     sticky agent is eligible (if eligible by the rules above); afterwards the normal rules apply.
 *     A sticky agent in `excludedAgentIds` (they missed the case) ends the window at once.
 *   - A sticky agent missing from `agents` leaves the case waiting until the window ends.
 *   - A case whose queue is not in `queues` is never matched.
 *   Eligibility depends on presence and skills only, never on load, so it is fixed for the whole run.
 * - Choice among eligible agents with room, by the queue's policy; ties go to the longest idle
 *   (smallest `idleSince`), then the smallest id:
 *   - `longest_idle`: smallest `idleSince`;
 *   - `most_available`: most free room on the case's channel (`capacity[ch] - load[ch]`);
 *   - `least_active`: least total load over all channels;
 *   - `best_skill`: highest sum of the agent's levels over the queue's base required skills.
 *   An agent offered a case in this run counts as idle since `now` for the rest of the run, in the
 *   policy and in the tie-breaks (since `max(idleSince, now)`, so a clock-skewed future `idleSince`
 *   never makes a busy agent look more idle).
 * - `nextChangeAt`: the earliest time after `now` at which an unmatched case reaches its next overflow
 *   step (the first one not applied), its next aging step or the end of its sticky window; null if none.
 *
 * Agent ids and case ids are assumed unique (they are primary keys upstream).
 *
 * How it scales (matcher-run.ts, matcher-heap.ts; bench/matcher.ts measures 5,000 agents, 50 queues
 * and 50,000 cases in one run): agents are grouped lazily per (queue, routing step) into the list of
 * available agents meeting that step's criteria, and per channel into a heap keyed by the queue's
 * policy. Keys only get worse during a run (load grows, idle time
 * becomes `now`), so a heap entry whose agent received an offer since it was keyed is re-keyed when it
 * surfaces, or dropped when the agent has no room left. A group whose heap is empty stays empty, so a
 * case there costs O(1). Excluded agents are popped, set aside and pushed back; a sticky case checks its
 * one agent directly. A run is O((cases + agents × groups) log agents).
 */
import type { ChannelCapacity } from "../db/schema/agents.ts";
import type { CapacityChannel, Channel, Priority } from "../db/schema/cases.ts";
import { MatchRun } from "./matcher-run.ts";

export { caseOrder, effectiveRank, hasRoom, isEligible } from "./matcher-rules.ts";

export type SelectionPolicy = "longest_idle" | "most_available" | "least_active" | "best_skill";

/** `skill` is a skill id; the agent needs a level >= `level`. */
export interface SkillRequirement {
  skill: string;
  level: number;
}

export type OverflowStep =
  | { afterSeconds: number; action: "drop_preferred"; skipIfNoAgents?: boolean }
  | { afterSeconds: number; action: "lower_required"; by: number; skipIfNoAgents?: boolean }
  | { afterSeconds: number; action: "add_queue"; queueId: string; skipIfNoAgents?: boolean };

export interface AgingStep {
  afterSeconds: number;
  raiseBy: number;
}

export interface MatcherQueue {
  id: string;
  requiredSkills: SkillRequirement[];
  preferredSkills: SkillRequirement[];
  policy: SelectionPolicy;
  overflowSteps: OverflowStep[];
  agingSteps: AgingStep[];
  stickySeconds: number;
}

export interface MatcherAgent {
  id: string;
  /** Skill id -> level 1..10. */
  skills: Readonly<Record<string, number>>;
  capacity: ChannelCapacity;
  /** Open cases plus pending offers, per channel. */
  load: Readonly<Record<CapacityChannel, number>>;
  /** Epoch ms; smaller = idle longer. */
  idleSince: number;
  /** Presence available and not in wrap-up. */
  available: boolean;
}

export interface MatcherCase {
  id: string;
  queueId: string;
  channel: Channel;
  priority: Priority;
  /** Epoch ms. */
  enqueuedAt: number;
  stickyAgentId: string | null;
  /** Agents who missed this case recently: chosen only when no other eligible agent has room. */
  excludedAgentIds: readonly string[];
  /** Agents who may never be offered this case (limited to queues other than its own): never chosen. */
  barredAgentIds?: readonly string[];
  /** Overflow steps applied ahead of their time, whatever the wait (0 when absent). */
  stepsApplied?: number;
}

export interface Offer {
  caseId: string;
  agentId: string;
}

export interface MatchInput {
  agents: readonly MatcherAgent[];
  cases: readonly MatcherCase[];
  queues: ReadonlyMap<string, MatcherQueue>;
  now: number;
}

export interface MatchResult {
  offers: Offer[];
  /**
   * Earliest future time (epoch ms) at which an unmatched case's eligibility or order could change
   * (next overflow or aging step, sticky window end), or null. The router schedules a re-run then.
   */
  nextChangeAt: number | null;
}

/** One routing decision over everything waiting: see the rules at the top of this file. */
export function matchCases(input: MatchInput): MatchResult {
  return new MatchRun(input).run();
}
