/**
 * Generated situations against a brute-force reference: every rule of routing/matcher.ts re-implemented
 * here the plain way (scan every agent for every case, recompute everything), so the fast matcher is
 * held to the spec rather than to its own internals.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CapacityChannel,
  type Channel,
  capacityChannelOf,
  type Priority,
} from "../../db/schema/cases.ts";
import {
  caseOrder,
  effectiveRank,
  hasRoom,
  isEligible,
  type MatcherAgent,
  type MatcherCase,
  type MatcherQueue,
  type MatchInput,
  type MatchResult,
  matchCases,
  type Offer,
  type OverflowStep,
  type SkillRequirement,
} from "../../routing/matcher.ts";
import { CandidateHeap } from "../../routing/matcher-heap.ts";

// ---------------------------------------------------------------------------------------------------
// The reference: the spec, read literally.

const CHANNELS: Channel[] = ["chat", "email", "sms", "voice"];
const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

type Load = Record<CapacityChannel, number>;

function refRank(c: MatcherCase, queues: ReadonlyMap<string, MatcherQueue>, now: number): number {
  const aging = queues.get(c.queueId)?.agingSteps ?? [];
  return aging
    .filter((s) => now - c.enqueuedAt >= s.afterSeconds * 1000)
    .reduce((rank, s) => rank + s.raiseBy, PRIORITY_RANK[c.priority]);
}

function refCompare(a: MatcherCase, b: MatcherCase, queues: ReadonlyMap<string, MatcherQueue>, now: number) {
  const ra = refRank(a, queues, now);
  const rb = refRank(b, queues, now);
  if (ra !== rb) return rb - ra;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt - b.enqueuedAt;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

const skillMaps = new WeakMap<MatcherAgent, Map<string, number>>();

function level(agent: MatcherAgent, skill: string): number {
  let skills = skillMaps.get(agent);
  if (!skills) {
    skills = new Map(Object.entries(agent.skills));
    skillMaps.set(agent, skills);
  }
  return skills.get(skill) ?? 0;
}

const meetsEvery = (agent: MatcherAgent, reqs: SkillRequirement[], lowerBy = 0) =>
  reqs.every((r) => level(agent, r.skill) >= Math.min(r.level, Math.max(1, r.level - lowerBy)));

/** The queue's skill criteria once the `applied` steps apply, as a test of one agent. */
function criteriaWith(
  q: MatcherQueue,
  applied: OverflowStep[],
  queues: ReadonlyMap<string, MatcherQueue>,
): (agent: MatcherAgent) => boolean {
  let lowerBy = 0;
  for (const s of applied) if (s.action === "lower_required") lowerBy += Math.max(0, s.by);
  const dropped = applied.some((s) => s.action === "drop_preferred");
  const overflowRequirements = applied.flatMap((s) => {
    const overflow = s.action === "add_queue" ? queues.get(s.queueId) : undefined;
    return overflow ? [overflow.requiredSkills] : [];
  });
  return (agent) =>
    (meetsEvery(agent, q.requiredSkills, lowerBy) && (dropped || meetsEvery(agent, q.preferredSkills))) ||
    overflowRequirements.some((reqs) => meetsEvery(agent, reqs));
}

/** The overflow steps that apply to the case now, checked one by one as the spec words it. */
function appliedSteps(
  c: MatcherCase,
  q: MatcherQueue,
  queues: ReadonlyMap<string, MatcherQueue>,
  agents: readonly MatcherAgent[],
  now: number,
): OverflowStep[] {
  const steps = q.overflowSteps
    .map((step, i) => ({ step, i }))
    .sort((x, y) => x.step.afterSeconds - y.step.afterSeconds || x.i - y.i)
    .map((x) => x.step);
  const nobodyMeets = (applied: OverflowStep[]) => {
    const meets = criteriaWith(q, applied, queues);
    return !agents.some((a) => a.available && meets(a));
  };
  const applied: OverflowStep[] = [];
  let allEarlierApply = true;
  for (const step of steps) {
    const timeUp = now - c.enqueuedAt >= step.afterSeconds * 1000;
    const skip = step.skipIfNoAgents === true && allEarlierApply && nobodyMeets(applied);
    if (timeUp || skip) applied.push(step);
    else allEarlierApply = false;
  }
  return applied;
}

function stickyOn(c: MatcherCase, q: MatcherQueue, now: number) {
  return (
    c.stickyAgentId !== null &&
    now < c.enqueuedAt + q.stickySeconds * 1000 &&
    !c.excludedAgentIds.includes(c.stickyAgentId) &&
    !c.barredAgentIds?.includes(c.stickyAgentId)
  );
}

/** Eligibility of every agent for the case (indexed like `agents`), room aside. */
function refEligibility(
  c: MatcherCase,
  queues: ReadonlyMap<string, MatcherQueue>,
  agents: readonly MatcherAgent[],
  now: number,
  applied?: OverflowStep[],
  ignoreExclusions = false,
): boolean[] {
  const q = queues.get(c.queueId);
  if (!q) return agents.map(() => false);
  const meets = criteriaWith(q, applied ?? appliedSteps(c, q, queues, agents, now), queues);
  const sticky = stickyOn(c, q, now);
  return agents.map(
    (a) =>
      a.available &&
      (ignoreExclusions || !c.excludedAgentIds.includes(a.id)) &&
      !c.barredAgentIds?.includes(a.id) &&
      (!sticky || a.id === c.stickyAgentId) &&
      meets(a),
  );
}

const roomIn = (load: Load, capacity: Load, ch: Channel) =>
  load.voice === 0 && load[capacityChannelOf(ch)] < capacity[capacityChannelOf(ch)];
const sumLoad = (load: Load) => load.chat + load.email + load.sms + load.voice;

function refNextChange(c: MatcherCase, q: MatcherQueue, applied: OverflowStep[], now: number): number[] {
  const times = [
    ...q.overflowSteps.filter((s) => !applied.includes(s)).map((s) => c.enqueuedAt + s.afterSeconds * 1000),
    ...q.agingSteps.map((s) => c.enqueuedAt + s.afterSeconds * 1000),
    ...(c.stickyAgentId !== null ? [c.enqueuedAt + q.stickySeconds * 1000] : []),
  ];
  return times.filter((t) => t > now);
}

interface Reference {
  result: MatchResult;
  /** Cases in the order they are served. */
  order: MatcherCase[];
  /**
   * Per case id, which agents (indexed like `agents`) may be offered it, room aside: the eligible
   * ones, and those who would be but recently missed it (a last resort).
   */
  eligibility: Map<string, boolean[]>;
}

/** Brute-force greedy: every case in order scans every agent. */
function reference(input: MatchInput): Reference {
  const { agents, queues, now } = input;
  const load = agents.map((a) => ({ ...a.load }));
  const idle = agents.map((a) => a.idleSince);
  // refCompare with each case's rank computed once.
  const rank = new Map(input.cases.map((c) => [c, refRank(c, queues, now)]));
  const order = [...input.cases].sort(
    (a, b) =>
      rank.get(b)! - rank.get(a)! ||
      a.enqueuedAt - b.enqueuedAt ||
      (a.id === b.id ? 0 : a.id < b.id ? -1 : 1),
  );
  const offers: Offer[] = [];
  const eligibility = new Map<string, boolean[]>();
  const nextTimes: number[] = [];
  // Steps depend on the queue and the time waited only: computed once per pair, to keep 10,000 runs fast.
  const appliedMemo = new Map<string, OverflowStep[]>();
  for (const c of order) {
    const q = queues.get(c.queueId);
    const memoKey = `${c.queueId} ${c.enqueuedAt}`;
    let applied = appliedMemo.get(memoKey);
    if (q && !applied) {
      applied = appliedSteps(c, q, queues, agents, now);
      appliedMemo.set(memoKey, applied);
    }
    const eligible = refEligibility(c, queues, agents, now, applied);
    const lastResort = refEligibility(c, queues, agents, now, applied, true);
    eligibility.set(c.id, lastResort);
    if (!q) continue;
    const pick = (allowed: boolean[]) => {
      let best: number | undefined;
      let bestKey = 0;
      for (let i = 0; i < agents.length; i++) {
        const a = agents[i]!;
        if (!allowed[i] || !roomIn(load[i]!, a.capacity, c.channel)) continue;
        const key =
          q.policy === "most_available"
            ? -(a.capacity[capacityChannelOf(c.channel)] - load[i]![capacityChannelOf(c.channel)])
            : q.policy === "least_active"
              ? sumLoad(load[i]!)
              : q.policy === "best_skill"
                ? -q.requiredSkills.reduce((sum, r) => sum + level(a, r.skill), 0)
                : 0;
        const better =
          best === undefined ||
          (key - bestKey || idle[i]! - idle[best]! || (a.id < agents[best]!.id ? -1 : 1)) < 0;
        if (better) {
          best = i;
          bestKey = key;
        }
      }
      return best;
    };
    // Who recently missed the case is a last resort, when nobody else eligible has room.
    const best = pick(eligible) ?? pick(lastResort);
    if (best === undefined) {
      nextTimes.push(...refNextChange(c, q, applied!, now));
      continue;
    }
    offers.push({ caseId: c.id, agentId: agents[best]!.id });
    load[best]![capacityChannelOf(c.channel)] += 1;
    idle[best] = Math.max(idle[best]!, now);
  }
  const nextChangeAt = nextTimes.length ? Math.min(...nextTimes) : null;
  return { result: { offers, nextChangeAt }, order, eligibility };
}

// ---------------------------------------------------------------------------------------------------
// Generated situations.

const NOW = Date.UTC(2026, 0, 5, 12);
const SKILLS = ["billing", "spanish", "toString", "tech"]; // "toString" must be just another skill
const QUEUE_IDS = ["q0", "q1", "q2", "q3", "q4", "q5"];
const STEP_TIMES = [0, 30, 60, 61, 120, 300];

const requirement = fc.record({ skill: fc.constantFrom(...SKILLS), level: fc.integer({ min: 1, max: 8 }) });
const seconds = fc.oneof(fc.constantFrom(...STEP_TIMES), fc.integer({ min: 0, max: 400 }));

const overflowStep: fc.Arbitrary<OverflowStep> = fc.oneof(
  fc.record(
    { afterSeconds: seconds, action: fc.constant("drop_preferred" as const), skipIfNoAgents: fc.boolean() },
    { requiredKeys: ["afterSeconds", "action"] },
  ),
  fc.record(
    {
      afterSeconds: seconds,
      action: fc.constant("lower_required" as const),
      by: fc.integer({ min: 0, max: 4 }),
      skipIfNoAgents: fc.boolean(),
    },
    { requiredKeys: ["afterSeconds", "action", "by"] },
  ),
  fc.record(
    {
      afterSeconds: seconds,
      action: fc.constant("add_queue" as const),
      // "q-gone" is an overflow queue that no longer exists.
      queueId: fc.constantFrom(...QUEUE_IDS, "q-gone"),
      skipIfNoAgents: fc.boolean(),
    },
    { requiredKeys: ["afterSeconds", "action", "queueId"] },
  ),
);

const queueFields = fc.record({
  requiredSkills: fc.array(requirement, { maxLength: 2 }),
  preferredSkills: fc.array(requirement, { maxLength: 1 }),
  policy: fc.constantFrom(
    "longest_idle" as const,
    "most_available" as const,
    "least_active" as const,
    "best_skill" as const,
  ),
  overflowSteps: fc.array(overflowStep, { maxLength: 3 }),
  agingSteps: fc.array(fc.record({ afterSeconds: seconds, raiseBy: fc.integer({ min: 0, max: 3 }) }), {
    maxLength: 2,
  }),
  stickySeconds: fc.constantFrom(0, 30, 120),
});

const small = (max: number) => fc.integer({ min: 0, max });

// Tuples mapped to records: fast-check generates them markedly faster than records, which matters at
// 10,000 runs.
const agentArb = fc
  .tuple(
    // One level per known skill; 0 or less means the agent lacks it (and shrinks towards lacking it).
    fc.tuple(...SKILLS.map(() => fc.integer({ min: -6, max: 10 }))),
    fc.tuple(small(3), small(3), small(2), small(1)),
    fc.tuple(small(3), small(3), small(2), fc.constantFrom(0, 0, 0, 1)),
    // Coarse idle times so ties are common; a few are in the future (clock skew).
    fc.integer({ min: -20, max: 2 }),
    fc.constantFrom(true, true, true, false),
  )
  .map(([levels, [chat, email, sms, voice], load, idleMinutes, available]) => ({
    skills: Object.fromEntries(SKILLS.flatMap((skill, i) => (levels[i]! > 0 ? [[skill, levels[i]!]] : []))),
    capacity: { chat, email, sms, voice },
    load: { chat: load[0], email: load[1], sms: load[2], voice: load[3] },
    idleSince: NOW + idleMinutes * 30_000,
    available,
  }));

/** Queue and agents are picked by number here and resolved once the situation's rosters are known. */
const caseArb = fc.tuple(
  fc.nat(12),
  fc.constantFrom<Channel>(...CHANNELS),
  fc.constantFrom<Priority>("low", "normal", "high", "urgent"),
  // Ages on and around the step times, so boundaries are hit.
  fc.oneof(fc.constantFrom(...STEP_TIMES, 29, 59, 119, 150), fc.integer({ min: -5, max: 400 })),
  fc.option(fc.nat(40), { freq: 3 }),
  fc.array(fc.nat(40), { maxLength: 3 }),
);

/**
 * Up to `maxAgents` agents and `maxCases` cases. "max" spreads the lengths over the whole range; "small"
 * (fast-check's default) keeps them at 10 or fewer, where odd combinations are dense and cheap to run.
 */
function situation(maxAgents: number, maxCases: number, size: "small" | "max"): fc.Arbitrary<MatchInput> {
  return fc
    .record({
      queues: fc.array(queueFields, { minLength: 1, maxLength: QUEUE_IDS.length, size }),
      agents: fc.array(agentArb, { maxLength: maxAgents, size }),
      cases: fc.array(caseArb, { maxLength: maxCases, size }),
      now: fc.integer({ min: 0, max: 5 }).map((s) => NOW + s * 1000),
    })
    .map(({ queues, agents, cases, now }) => {
      const queueIds = QUEUE_IDS.slice(0, queues.length);
      // Mostly existing queues and agents; "q-gone" and the id one past the roster do not exist.
      const queueId = (n: number) => (n === 12 ? "q-gone" : queueIds[n % queueIds.length]!);
      const agentId = (n: number) => `a${n % (agents.length + 1)}`;
      return {
        queues: new Map(
          queues.map((q, i) => [
            queueIds[i]!,
            {
              id: queueIds[i]!,
              ...q,
              overflowSteps: q.overflowSteps.map((step) =>
                step.action === "add_queue" && step.queueId !== "q-gone"
                  ? { ...step, queueId: queueId(QUEUE_IDS.indexOf(step.queueId)) }
                  : step,
              ),
            },
          ]),
        ),
        // Ids a0, a1, ... a10 sort as strings, not in roster order: the id tie-break is exercised.
        agents: agents.map((a, i) => ({ id: `a${i}`, ...a })),
        cases: cases.map(([queue, channel, priority, ageSeconds, sticky, excluded], i) => ({
          id: `c${String(i).padStart(2, "0")}`,
          queueId: queueId(queue),
          channel,
          priority,
          enqueuedAt: NOW - ageSeconds * 1000,
          stickyAgentId: sticky === null ? null : agentId(sticky),
          // Every third case bars its first "excluded" agent instead (a limited agent's scope).
          excludedAgentIds: [...new Set((i % 3 === 0 ? excluded.slice(1) : excluded).map(agentId))],
          ...(i % 3 === 0 && excluded.length > 0 ? { barredAgentIds: [agentId(excluded[0]!)] } : {}),
        })),
        now,
      };
    });
}

/**
 * Two small situations for one spread up to 30 agents and 60 cases: small ones find odd combinations
 * cheaply, large ones interactions; together they keep 10,000 runs within a few seconds.
 */
const mixedSituation = fc.oneof(
  { weight: 2, arbitrary: situation(30, 60, "small") },
  { weight: 1, arbitrary: situation(30, 60, "max") },
);

function deepFreeze<T>(value: T): T {
  if (value instanceof Map) {
    for (const v of value.values()) deepFreeze(v);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return Object.freeze(value);
}

// ---------------------------------------------------------------------------------------------------
// Properties.

/** Checks properties (1)-(6) on one situation; returns the violations found, empty when none. */
function violations(input: MatchInput): string[] {
  const { agents, cases, now } = input;
  const { offers, nextChangeAt } = matchCases(input);
  const ref = reference(input);
  const agentOf = new Map(agents.map((a, i) => [a.id, i]));
  const caseOf = new Map(cases.map((c) => [c.id, c]));
  const found: string[] = [];

  // (5) each case at most one offer (mutation of the inputs: see the frozen and structural properties).
  if (new Set(offers.map((o) => o.caseId)).size !== offers.length) found.push("a case got two offers");

  // (1) replaying the offers in order, each agent has room when offered: capacity is never exceeded
  // and nobody on a call is offered anything.
  // (2) every offer's agent is eligible for its case.
  const load = agents.map((a) => ({ ...a.load }));
  for (const offer of offers) {
    const i = agentOf.get(offer.agentId);
    const c = caseOf.get(offer.caseId);
    if (i === undefined || !c) {
      found.push(`offer of unknown case or agent ${offer.caseId} -> ${offer.agentId}`);
      continue;
    }
    if (!roomIn(load[i]!, agents[i]!.capacity, c.channel))
      found.push(`${offer.agentId} has no room for ${c.id}`);
    if (!ref.eligibility.get(c.id)![i]) found.push(`${offer.agentId} is not eligible for ${c.id}`);
    load[i]![capacityChannelOf(c.channel)] += 1;
  }

  // (3) no case is offered an agent that an earlier unmatched case could have taken when its turn came:
  // replay the offers in case order and note, for each unmatched case, who had room for it then.
  const agentFor = new Map(offers.map((o) => [o.caseId, agentOf.get(o.agentId)]));
  const replay = agents.map((a) => ({ ...a.load }));
  const couldHaveTaken = new Map<number, string>();
  for (const c of ref.order) {
    const taker = agentFor.get(c.id);
    if (taker !== undefined) {
      const earlier = couldHaveTaken.get(taker);
      if (earlier)
        found.push(`${c.id} took ${agents[taker]!.id}, whom the earlier ${earlier} could have had`);
      replay[taker]![capacityChannelOf(c.channel)] += 1;
      continue;
    }
    const eligible = ref.eligibility.get(c.id)!;
    agents.forEach((a, i) => {
      if (eligible[i] && roomIn(replay[i]!, a.capacity, c.channel) && !couldHaveTaken.has(i)) {
        couldHaveTaken.set(i, c.id);
      }
    });
  }

  // (4) no unmatched case has an eligible agent with room once the offers are applied.
  for (const c of cases) {
    if (agentFor.has(c.id)) continue;
    const eligible = ref.eligibility.get(c.id)!;
    agents.forEach((a, i) => {
      if (eligible[i] && roomIn(load[i]!, a.capacity, c.channel))
        found.push(`${c.id} waits while ${a.id} is free`);
    });
  }

  // (6) nextChangeAt is in the future.
  if (nextChangeAt !== null && !(nextChangeAt > now))
    found.push(`nextChangeAt ${nextChangeAt} is not after now`);

  // (3) and the rest: the greedy reference decides exactly the same.
  if (JSON.stringify({ offers, nextChangeAt }) !== JSON.stringify(ref.result)) {
    found.push(
      `differs from the reference: ${JSON.stringify({ offers, nextChangeAt })} vs ${JSON.stringify(ref.result)}`,
    );
  }
  return found;
}

describe("matcher properties (differential against a brute-force greedy)", () => {
  it("holds capacity, eligibility, order, completeness and nextChangeAt on 10,000 situations", () => {
    fc.assert(
      fc.property(mixedSituation, (input) => {
        expect(violations(input)).toEqual([]);
      }),
      { numRuns: 10_000 },
    );
  });

  it("holds on crowded situations: up to 60 agents and 250 cases, heaps drained", () => {
    fc.assert(
      fc.property(situation(60, 250, "max"), (input) => {
        expect(violations(deepFreeze(input))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("exports isEligible, hasRoom, effectiveRank and caseOrder agreeing with the reference", () => {
    fc.assert(
      fc.property(situation(12, 12, "max"), (input) => {
        const { agents, cases, queues, now } = input;
        for (const c of cases) {
          const q = queues.get(c.queueId);
          expect({
            eligible: agents.map((a) => isEligible(a, c, queues, agents, now)),
            rank: q ? effectiveRank(c, q, now) : null,
            order: cases.map((d) => Math.sign(caseOrder(c, d, queues, now))),
            room: agents.map((a) => hasRoom(a, c.channel)),
          }).toEqual({
            eligible: refEligibility(c, queues, agents, now),
            rank: q ? refRank(c, queues, now) : null,
            order: cases.map((d) => Math.sign(refCompare(c, d, queues, now))),
            room: agents.map((a) => roomIn(a.load, a.capacity, c.channel)),
          });
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("keeps the candidate heap in (primary, idle, id rank) order through pushes, pops and re-keys", () => {
    const entry = fc.record({ primary: small(4), idle: small(4) });
    const operation = fc.oneof(
      fc.record({ op: fc.constant("push" as const), entry }),
      fc.record({ op: fc.constant("pop" as const) }),
      fc.record({
        op: fc.constant("rekey" as const),
        worseBy: fc.record({ primary: small(2), idle: small(2) }),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 30 }),
        fc.array(operation, { maxLength: 60 }),
        (initial, ops) => {
          // Agent i has id rank (i * 7) mod 101: not the agent order, so the last tie-break is exercised.
          const idRank = Array.from({ length: 101 }, (_, i) => (i * 7) % 101);
          const heap = new CandidateHeap(2, idRank);
          const model: { agent: number; primary: number; idle: number }[] = [];
          let nextAgent = 0;
          const add = (e: { primary: number; idle: number }, bulk: boolean) => {
            const agent = nextAgent++;
            model.push({ agent, ...e });
            if (bulk) heap.append(agent, e.primary, e.idle, agent);
            else heap.push(agent, e.primary, e.idle, agent);
          };
          for (const e of initial) add(e, true);
          heap.build();
          const sortModel = () =>
            model.sort(
              (a, b) => a.primary - b.primary || a.idle - b.idle || idRank[a.agent]! - idRank[b.agent]!,
            );
          for (const step of ops) {
            sortModel();
            expect(heap.size).toBe(model.length);
            if (model.length > 0) {
              expect([heap.topAgent(), heap.topPrimary(), heap.topIdle(), heap.topVersion()]).toEqual([
                model[0]!.agent,
                model[0]!.primary,
                model[0]!.idle,
                model[0]!.agent,
              ]);
            }
            if (step.op === "push") add(step.entry, false);
            else if (model.length === 0) continue;
            else if (step.op === "pop") {
              heap.pop();
              model.shift();
            } else {
              const top = model[0]!;
              top.primary += step.worseBy.primary;
              top.idle += step.worseBy.idle;
              heap.rekeyTop(top.primary, top.idle, top.agent);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("leaves its inputs untouched (structural comparison)", () => {
    fc.assert(
      fc.property(situation(20, 40, "max"), (input) => {
        const before = structuredClone(input);
        matchCases(input);
        expect(input).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });
});
