/**
 * One run of the matcher (see the rules and the design in matcher.ts): working copies of the agents'
 * load and idle time in typed arrays, lazily built groups of eligible agents per (queue, routing step),
 * and per channel a heap of those with room, keyed by the queue's policy.
 */
import type { Channel } from "../db/schema/cases.ts";
import type {
  MatcherAgent,
  MatcherCase,
  MatcherQueue,
  MatchInput,
  MatchResult,
  Offer,
  OverflowStep,
} from "./matcher.ts";
import { CandidateHeap } from "./matcher-heap.ts";
import {
  compareIds,
  criteriaAt,
  effectiveRank,
  levelOf,
  nextChangeFor,
  routingStep,
  sortedSteps,
  stickyActive,
} from "./matcher-rules.ts";

const CHANNEL_LIST = ["chat", "email", "sms", "voice"] as const satisfies readonly Channel[];
const VOICE = 3;
// WhatsApp counts against the SMS capacity (db/schema/cases.ts `capacityChannelOf`).
const CHANNEL_INDEX: Readonly<Record<Channel, number>> = {
  chat: 0,
  email: 1,
  sms: 2,
  voice: VOICE,
  whatsapp: 2,
};

/** A requirement bound to the column of agent levels for its skill. */
interface BoundRequirement {
  levels: number[];
  level: number;
}

/** The agents of one (queue, routing step): the criteria, who meets them, and a heap per channel. */
interface StepGroup {
  own: BoundRequirement[];
  added: BoundRequirement[][];
  eligible: number[] | null;
  heaps: (CandidateHeap | null)[];
}

interface QueuePlan {
  queue: MatcherQueue;
  steps: OverflowStep[];
  groups: (StepGroup | undefined)[];
  /** best_skill only: per agent, the sum of levels over the queue's required skills. */
  skillSum: number[] | null;
  /** Whether no available agent meets the criteria with the first k steps applied. */
  noAgentsAt: (k: number) => boolean;
}

export class MatchRun {
  private readonly agents: readonly MatcherAgent[];
  private readonly cases: readonly MatcherCase[];
  private readonly queues: ReadonlyMap<string, MatcherQueue>;
  private readonly now: number;
  /** Working copies, indexed by channel then agent. */
  private readonly load: number[][];
  private readonly capacity: number[][];
  private readonly totalLoad: number[];
  private readonly idle: number[];
  /** Offers received in this run: a heap entry keyed at another version is stale. */
  private readonly version: number[];
  private readonly idRank: number[];
  /** Agent index by id, built on the first sticky case. */
  private agentIndex: Map<string, number> | null = null;
  private readonly skillLevels = new Map<string, number[]>();
  private readonly plans = new Map<string, QueuePlan | null>();
  /** Entries set aside while looking past excluded agents, reused across cases. */
  private readonly setAside: number[] = [];

  constructor(input: MatchInput) {
    this.agents = input.agents;
    this.cases = input.cases;
    this.queues = input.queues;
    this.now = input.now;
    const n = this.agents.length;
    this.load = CHANNEL_LIST.map(() => zeros(n));
    this.capacity = CHANNEL_LIST.map(() => zeros(n));
    this.totalLoad = zeros(n);
    this.idle = zeros(n);
    for (let a = 0; a < n; a++) {
      const agent = this.agents[a]!;
      for (let ch = 0; ch < CHANNEL_LIST.length; ch++) {
        this.load[ch]![a] = agent.load[CHANNEL_LIST[ch]!];
        this.capacity[ch]![a] = agent.capacity[CHANNEL_LIST[ch]!];
      }
      this.totalLoad[a] = agent.load.chat + agent.load.email + agent.load.sms + agent.load.voice;
      this.idle[a] = agent.idleSince;
    }
    this.version = zeros(n);
    this.idRank = zeros(n);
    const byId = Array.from({ length: n }, (_, i) => i).sort((x, y) =>
      compareIds(this.agents[x]!.id, this.agents[y]!.id),
    );
    byId.forEach((agent, rank) => {
      this.idRank[agent] = rank;
    });
  }

  run(): MatchResult {
    const { cases, now } = this;
    const rank = zeros(cases.length);
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      rank[i] = effectiveRank(c, this.planOf(c.queueId)?.queue ?? NO_AGING, now);
    }
    const order = this.serviceOrder(rank);

    const offers: Offer[] = [];
    let nextChangeAt = Number.POSITIVE_INFINITY;
    for (const index of order) {
      const c = cases[index]!;
      const plan = this.planOf(c.queueId);
      const ch = CHANNEL_INDEX[c.channel];
      if (!plan || ch === undefined) continue;
      const k = routingStep(c, plan.steps, now, plan.noAgentsAt);
      const group = this.groupOf(plan, k);
      const agent = stickyActive(c, plan.queue, now)
        ? this.stickyChoice(c, group, ch)
        : this.heapChoice(c, plan, group, ch);
      if (agent >= 0) {
        offers.push({ caseId: c.id, agentId: this.agents[agent]!.id });
      } else {
        const at = nextChangeFor(c, plan.queue, plan.steps, k, now);
        if (at < nextChangeAt) nextChangeAt = at;
      }
    }
    return { offers, nextChangeAt: Number.isFinite(nextChangeAt) ? nextChangeAt : null };
  }

  /** Case indices by rank desc, enqueuedAt asc, id asc; the keys are read from flat arrays, not cases. */
  private serviceOrder(rank: readonly number[]): number[] {
    const { cases } = this;
    const enqueuedAt = zeros(cases.length);
    const order = zeros(cases.length);
    for (let i = 0; i < cases.length; i++) {
      enqueuedAt[i] = cases[i]!.enqueuedAt;
      order[i] = i;
    }
    return order.sort((x, y) => {
      if (rank[x] !== rank[y]) return rank[x]! > rank[y]! ? -1 : 1;
      if (enqueuedAt[x] !== enqueuedAt[y]) return enqueuedAt[x]! < enqueuedAt[y]! ? -1 : 1;
      return compareIds(cases[x]!.id, cases[y]!.id);
    });
  }

  private planOf(queueId: string): QueuePlan | null {
    let plan = this.plans.get(queueId);
    if (plan === undefined) {
      const queue = this.queues.get(queueId);
      if (queue) {
        const created: QueuePlan = {
          queue,
          steps: sortedSteps(queue),
          groups: [],
          skillSum: null,
          noAgentsAt: () => false,
        };
        created.noAgentsAt = (k) => this.eligibleOf(this.groupOf(created, k)).length === 0;
        plan = created;
      } else {
        plan = null;
      }
      this.plans.set(queueId, plan);
    }
    return plan;
  }

  private levelsOf(skill: string): number[] {
    let levels = this.skillLevels.get(skill);
    if (!levels) {
      levels = zeros(this.agents.length);
      for (let a = 0; a < levels.length; a++) levels[a] = levelOf(this.agents[a]!, skill);
      this.skillLevels.set(skill, levels);
    }
    return levels;
  }

  private groupOf(plan: QueuePlan, k: number): StepGroup {
    let group = plan.groups[k];
    if (!group) {
      const criteria = criteriaAt(plan.queue, plan.steps, k, this.queues);
      const bind = (reqs: readonly { skill: string; level: number }[]) =>
        reqs.map((r) => ({ levels: this.levelsOf(r.skill), level: r.level }));
      group = {
        own: bind(criteria.own),
        added: criteria.added.map(bind),
        eligible: null,
        heaps: CHANNEL_LIST.map(() => null),
      };
      plan.groups[k] = group;
    }
    return group;
  }

  private meets(group: StepGroup, agent: number): boolean {
    if (meetsAll(group.own, agent)) return true;
    for (const reqs of group.added) if (meetsAll(reqs, agent)) return true;
    return false;
  }

  /** Available agents meeting the group's criteria, room and exclusions aside. */
  private eligibleOf(group: StepGroup): number[] {
    if (!group.eligible) {
      const found: number[] = [];
      for (let a = 0; a < this.agents.length; a++) {
        if (this.agents[a]!.available && this.meets(group, a)) found.push(a);
      }
      group.eligible = found;
    }
    return group.eligible;
  }

  private hasRoom(agent: number, ch: number): boolean {
    return this.load[VOICE]![agent] === 0 && this.load[ch]![agent]! < this.capacity[ch]![agent]!;
  }

  /** The policy's key for an agent now: smaller is better (idle and id rank break ties in the heap). */
  private primaryKey(plan: QueuePlan, agent: number, ch: number): number {
    switch (plan.queue.policy) {
      case "longest_idle":
        return 0;
      case "most_available":
        return this.load[ch]![agent]! - this.capacity[ch]![agent]!;
      case "least_active":
        return this.totalLoad[agent]!;
      case "best_skill":
        return -this.skillSumOf(plan)[agent]!;
    }
  }

  private skillSumOf(plan: QueuePlan): number[] {
    if (!plan.skillSum) {
      const sum = zeros(this.agents.length);
      for (const r of plan.queue.requiredSkills) {
        const levels = this.levelsOf(r.skill);
        for (let a = 0; a < sum.length; a++) sum[a]! += levels[a]!;
      }
      plan.skillSum = sum;
    }
    return plan.skillSum;
  }

  private heapOf(plan: QueuePlan, group: StepGroup, ch: number): CandidateHeap {
    let heap = group.heaps[ch];
    if (!heap) {
      const eligible = this.eligibleOf(group);
      heap = new CandidateHeap(eligible.length, this.idRank);
      for (const a of eligible) {
        if (this.hasRoom(a, ch)) {
          heap.append(a, this.primaryKey(plan, a, ch), this.idle[a]!, this.version[a]!);
        }
      }
      heap.build();
      group.heaps[ch] = heap;
    }
    return heap;
  }

  private stickyChoice(c: MatcherCase, group: StepGroup, ch: number): number {
    if (!this.agentIndex) {
      this.agentIndex = new Map();
      // With duplicate ids the first agent wins; ids are primary keys upstream.
      for (let a = this.agents.length - 1; a >= 0; a--) this.agentIndex.set(this.agents[a]!.id, a);
    }
    const agent = c.stickyAgentId === null ? undefined : this.agentIndex.get(c.stickyAgentId);
    if (agent === undefined || !this.agents[agent]!.available) return -1;
    if (c.barredAgentIds?.includes(c.stickyAgentId!)) return -1;
    if (!this.hasRoom(agent, ch) || !this.meets(group, agent)) return -1;
    this.assign(agent, ch);
    return agent;
  }

  private heapChoice(c: MatcherCase, plan: QueuePlan, group: StepGroup, ch: number): number {
    const heap = this.heapOf(plan, group, ch);
    // Once a group's heap is empty it stays empty (room only shrinks during a run): O(1) from then on.
    if (heap.size === 0) return -1;
    const excluded = c.excludedAgentIds.length > 8 ? new Set(c.excludedAgentIds) : c.excludedAgentIds;
    const barredIds = c.barredAgentIds ?? NONE;
    const barred = barredIds.length > 8 ? new Set(barredIds) : barredIds;
    const setAside = this.setAside;
    let chosen = -1;
    /** Where in `setAside` the best agent who missed the case is. */
    let lastResort: number | undefined;
    while (heap.size > 0) {
      const agent = heap.topAgent();
      if (heap.topVersion() !== this.version[agent]) {
        // Offered a case since it was keyed: its key is now worse, or it has no room left.
        if (this.hasRoom(agent, ch)) {
          heap.rekeyTop(this.primaryKey(plan, agent, ch), this.idle[agent]!, this.version[agent]!);
        } else {
          heap.pop();
        }
        continue;
      }
      if (barredIds.length > 0 && isIn(barred, this.agents[agent]!.id)) {
        // Never this case's: set aside for the cases after it, and no last resort either.
        setAside.push(agent, heap.topPrimary(), heap.topIdle(), heap.topVersion());
        heap.pop();
        continue;
      }
      if (c.excludedAgentIds.length > 0 && isIn(excluded, this.agents[agent]!.id)) {
        lastResort ??= setAside.length;
        setAside.push(agent, heap.topPrimary(), heap.topIdle(), heap.topVersion());
        heap.pop();
        continue;
      }
      chosen = agent;
      this.assign(chosen, ch);
      if (this.hasRoom(chosen, ch)) {
        heap.rekeyTop(this.primaryKey(plan, chosen, ch), this.idle[chosen]!, this.version[chosen]!);
      } else {
        heap.pop();
      }
      break;
    }
    // Nobody else has room: an agent who recently missed the case is better than a stranded case.
    const fallback = chosen === -1 && lastResort !== undefined ? lastResort : -1;
    if (fallback >= 0) {
      chosen = setAside[fallback]!;
      this.assign(chosen, ch);
      if (this.hasRoom(chosen, ch))
        heap.push(chosen, this.primaryKey(plan, chosen, ch), this.idle[chosen]!, this.version[chosen]!);
    }
    for (let i = 0; i < setAside.length; i += 4) {
      if (i === fallback) continue;
      heap.push(setAside[i]!, setAside[i + 1]!, setAside[i + 2]!, setAside[i + 3]!);
    }
    setAside.length = 0;
    return chosen;
  }

  private assign(agent: number, ch: number): void {
    this.load[ch]![agent]! += 1;
    this.totalLoad[agent]! += 1;
    this.version[agent]! += 1;
    if (this.idle[agent]! < this.now) this.idle[agent] = this.now;
  }
}

/** Stands in for an unknown queue when ranking: base rank, no aging. */
const NO_AGING: MatcherQueue = {
  id: "",
  requiredSkills: [],
  preferredSkills: [],
  policy: "longest_idle",
  overflowSteps: [],
  agingSteps: [],
  stickySeconds: 0,
};

/**
 * Plain arrays of numbers rather than typed arrays: V8 keeps them unboxed and on its heap, while every
 * typed array past 64 bytes gets an external buffer whose allocation and collection dominated small runs.
 */
function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

function meetsAll(reqs: readonly BoundRequirement[], agent: number): boolean {
  for (const r of reqs) if (r.levels[agent]! < r.level) return false;
  return true;
}

const NONE: readonly string[] = [];

function isIn(excluded: readonly string[] | ReadonlySet<string>, id: string): boolean {
  return excluded instanceof Set ? excluded.has(id) : (excluded as readonly string[]).includes(id);
}
