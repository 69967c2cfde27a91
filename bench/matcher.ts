/**
 * Skill-based matcher throughput and latency on a contact-center-sized situation (5,000 agents, 50
 * queues, 50,000 waiting cases, 20 skills), beside a naive cases x agents greedy scan measured in the
 * same run on a slice of the cases: the ratio says what the grouping and heaps buy per decision.
 *
 *   node --import tsx bench/matcher.ts
 *   BENCH_RUNS=60 BENCH_CASES=20000 node --import tsx bench/matcher.ts
 *
 * The situation is generated from a fixed seed, so every run measures the same work. The last line is
 * `key=value` figures.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { type Channel, capacityChannelOf, type Priority } from "../db/schema/cases.ts";
import {
  caseOrder,
  hasRoom,
  type MatcherAgent,
  type MatcherCase,
  type MatcherQueue,
  type MatchInput,
  matchCases,
  type Offer,
  type OverflowStep,
  type SelectionPolicy,
  type SkillRequirement,
} from "../routing/matcher.ts";
import {
  compareIds,
  criteriaAt,
  levelOf,
  meetsCriteria,
  routingStep,
  sortedSteps,
  stickyActive,
} from "../routing/matcher-rules.ts";

export interface MatcherBenchOptions {
  agents?: number;
  queues?: number;
  cases?: number;
  skills?: number;
  /** Measured runs of `matchCases` on the whole situation, after `warmupRuns`. */
  runs?: number;
  warmupRuns?: number;
  /** Cases in the slice the naive scan decides (all agents, the first cases of the situation). */
  naiveCases?: number;
  naiveRuns?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface MatcherBenchFigures {
  agents: number;
  queues: number;
  cases: number;
  runs: number;
  offersPerRun: number;
  decisionsPerS: number;
  runP50Ms: number;
  runP99Ms: number;
  naiveCases: number;
  naiveDecisionsPerS: number;
  speedupVsNaive: number;
  /** Whether the naive scan made exactly the matcher's offers on its slice. */
  naiveAgrees: boolean;
}

/** A seeded generator of floats in [0, 1): the same seed gives the same run. */
function random(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

const POLICIES: SelectionPolicy[] = ["longest_idle", "most_available", "least_active", "best_skill"];
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Seeded draws: floats in [0, 1), integers in a range, a pick from a list, a weighted choice. */
interface Draws {
  next: () => number;
  int: (min: number, max: number) => number;
  pick: <T>(items: readonly T[]) => T;
  weighted: <T>(choices: readonly (readonly [T, number])[]) => T;
  /** A skill; some (English, general support) are far more common than others (Finnish, tax law). */
  commonSkill: () => string;
  distinctSkills: (count: number) => string[];
}

function draws(seed: number, skills: readonly string[]): Draws {
  const next = random(seed);
  const commonSkill = () => skills[Math.floor(next() ** 2 * skills.length)]!;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (choices) => {
      let roll = next() * choices.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [value, weight] of choices) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return choices[choices.length - 1]![0];
    },
    commonSkill,
    distinctSkills: (count) => {
      const chosen = new Set<string>();
      while (chosen.size < count) chosen.add(commonSkill());
      return [...chosen];
    },
  };
}

/** The `i`th queue: its skills, policy, overflow and aging steps, stickiness. */
function buildQueue(
  { next, int, pick, commonSkill, distinctSkills }: Draws,
  queueIds: string[],
  i: number,
): MatcherQueue {
  const id = queueIds[i]!;
  const requiredSkills: SkillRequirement[] = distinctSkills(int(1, 3)).map((skill) => ({
    skill,
    level: int(1, 6),
  }));
  const preferredSkills: SkillRequirement[] =
    next() < 0.4 ? [{ skill: commonSkill(), level: int(3, 8) }] : [];
  const overflowSteps: OverflowStep[] = [];
  const skipIfNoAgents = next() < 0.3;
  if (preferredSkills.length) overflowSteps.push({ afterSeconds: int(30, 120), action: "drop_preferred" });
  if (next() < 0.6) {
    overflowSteps.push({
      afterSeconds: int(60, 300),
      action: "lower_required",
      by: int(1, 3),
      skipIfNoAgents,
    });
  }
  if (next() < 0.5) {
    overflowSteps.push({ afterSeconds: int(120, 600), action: "add_queue", queueId: pick(queueIds) });
  }
  return {
    id,
    requiredSkills,
    preferredSkills,
    policy: POLICIES[i % POLICIES.length]!,
    overflowSteps,
    agingSteps: next() < 0.7 ? [{ afterSeconds: int(120, 900), raiseBy: 1 }] : [],
    stickySeconds: next() < 0.3 ? int(60, 300) : 0,
  };
}

/** The `i`th agent: 10 % on a call, 85 % available, idle for up to an hour. */
function buildAgent({ next, int, distinctSkills }: Draws, i: number, now: number): MatcherAgent {
  const onCall = next() < 0.1;
  return {
    id: `agent-${pad(i, 5)}`,
    skills: Object.fromEntries(distinctSkills(int(3, 7)).map((skill) => [skill, int(1, 10)])),
    capacity: { voice: 1, chat: 3, email: 5, sms: 5 },
    load: onCall
      ? { voice: 1, chat: int(0, 1), email: int(0, 2), sms: 0 }
      : { voice: 0, chat: int(0, 2), email: int(0, 4), sms: int(0, 2) },
    idleSince: now - int(0, 3_600_000),
    available: next() < 0.85,
  };
}

/** The `i`th waiting case, its channel and priority weighted as a contact center sees them. */
function buildCase(
  { next, int, pick, weighted }: Draws,
  queueIds: string[],
  agents: MatcherAgent[],
  i: number,
  now: number,
): MatcherCase {
  // Busier queues first: a few queues carry most of the traffic.
  const busyQueue = () => queueIds[Math.floor(next() ** 1.5 * queueIds.length)]!;
  return {
    id: `case-${pad(i, 6)}`,
    queueId: busyQueue(),
    channel: weighted<Channel>([
      ["chat", 40],
      ["email", 30],
      ["sms", 15],
      ["voice", 15],
    ]),
    priority: weighted<Priority>([
      ["low", 15],
      ["normal", 60],
      ["high", 20],
      ["urgent", 5],
    ]),
    enqueuedAt: now - int(0, 1_800_000),
    stickyAgentId: next() < 0.05 ? pick(agents).id : null,
    excludedAgentIds: next() < 0.05 ? [pick(agents).id, pick(agents).id] : [],
  };
}

/** Queues, then agents, then cases, all drawn from one seeded generator. */
export function buildSituation(
  options: Required<Pick<MatcherBenchOptions, "agents" | "queues" | "cases" | "skills" | "seed">>,
): MatchInput {
  const now = Date.UTC(2026, 2, 2, 15, 0, 0);
  const skills = Array.from({ length: options.skills }, (_, i) => `skill-${pad(i, 2)}`);
  const d = draws(options.seed, skills);
  const queueIds = Array.from({ length: options.queues }, (_, i) => `queue-${pad(i, 2)}`);
  const queues = new Map<string, MatcherQueue>();
  for (const [i, id] of queueIds.entries()) queues.set(id, buildQueue(d, queueIds, i));
  const agents = Array.from({ length: options.agents }, (_, i) => buildAgent(d, i, now));
  const cases = Array.from({ length: options.cases }, (_, i) => buildCase(d, queueIds, agents, i, now));
  return { agents, cases, queues, now };
}

/**
 * The straightforward greedy: cases in order, every agent checked for every case. Same rules as the
 * matcher (it reuses their single-record helpers), none of its grouping.
 */
export function naiveMatch(input: MatchInput): Offer[] {
  const { queues, now } = input;
  const agents = input.agents.map((a) => ({ ...a, load: { ...a.load } }));
  const idle = agents.map((a) => a.idleSince);
  const order = [...input.cases].sort((a, b) => caseOrder(a, b, queues, now));
  const offers: Offer[] = [];
  for (const c of order) {
    const q = queues.get(c.queueId);
    if (!q) continue;
    const steps = sortedSteps(q);
    const k = routingStep(c, steps, now, (j) => {
      const criteria = criteriaAt(q, steps, j, queues);
      return !agents.some((a) => a.available && meetsCriteria(a, criteria));
    });
    const criteria = criteriaAt(q, steps, k, queues);
    const sticky = stickyActive(c, q, now);
    const key = (i: number): number => {
      const a = agents[i]!;
      if (q.policy === "most_available")
        return a.load[capacityChannelOf(c.channel)] - a.capacity[capacityChannelOf(c.channel)];
      if (q.policy === "least_active") return a.load.chat + a.load.email + a.load.sms + a.load.voice;
      if (q.policy === "best_skill")
        return -q.requiredSkills.reduce((sum, r) => sum + levelOf(a, r.skill), 0);
      return 0;
    };
    let best = -1;
    for (let i = 0; i < agents.length; i++) {
      const a = agents[i]!;
      if (!a.available || !hasRoom(a, c.channel) || c.excludedAgentIds.includes(a.id)) continue;
      if ((sticky && a.id !== c.stickyAgentId) || !meetsCriteria(a, criteria)) continue;
      if (
        best < 0 ||
        (key(i) - key(best) || idle[i]! - idle[best]! || compareIds(a.id, agents[best]!.id)) < 0
      ) {
        best = i;
      }
    }
    if (best < 0) continue;
    const chosen = agents[best]!;
    offers.push({ caseId: c.id, agentId: chosen.id });
    chosen.load[capacityChannelOf(c.channel)] += 1;
    idle[best] = Math.max(idle[best]!, now);
  }
  return offers;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function benchMatcher(options: MatcherBenchOptions = {}): Promise<MatcherBenchFigures> {
  const sizes = {
    agents: options.agents ?? 5_000,
    queues: options.queues ?? 50,
    cases: options.cases ?? 50_000,
    skills: options.skills ?? 20,
    seed: options.seed ?? 20_260_302,
  };
  const runs = Math.max(1, options.runs ?? 40);
  const warmupRuns = options.warmupRuns ?? 5;
  const naiveCases = Math.min(sizes.cases, options.naiveCases ?? 5_000);
  const naiveRuns = Math.max(1, options.naiveRuns ?? 3);
  const log = options.log ?? ((line: string) => console.log(line));

  const input = buildSituation(sizes);
  const available = input.agents.filter((a) => a.available).length;
  log(
    `situation: ${sizes.agents} agents (${available} available), ${sizes.queues} queues, ${sizes.cases} waiting cases, ${sizes.skills} skills (seed ${sizes.seed})`,
  );

  for (let i = 0; i < warmupRuns; i++) matchCases(input);
  const latencies: number[] = [];
  let offersPerRun = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const result = matchCases(input);
    latencies.push(performance.now() - t0);
    offersPerRun = result.offers.length;
  }
  const totalMs = latencies.reduce((sum, ms) => sum + ms, 0);
  latencies.sort((a, b) => a - b);
  const decisionsPerS = (sizes.cases * runs) / (totalMs / 1000);
  const runP50Ms = percentile(latencies, 50);
  const runP99Ms = percentile(latencies, 99);
  log(
    `matcher: ${runs} runs after ${warmupRuns} warm-up; ${offersPerRun} offers per run; ` +
      `${decisionsPerS.toFixed(0)} decisions/s; run p50 ${runP50Ms.toFixed(1)} ms, p99 ${runP99Ms.toFixed(1)} ms`,
  );

  // The naive scan decides a slice of the cases against every agent; its cost per decision does not
  // depend on how many cases there are, so decisions/s compare directly.
  const slice: MatchInput = { ...input, cases: input.cases.slice(0, naiveCases) };
  const naiveTimes: number[] = [];
  let naiveOffers: Offer[] = [];
  for (let i = 0; i < naiveRuns; i++) {
    const t0 = performance.now();
    naiveOffers = naiveMatch(slice);
    naiveTimes.push(performance.now() - t0);
  }
  naiveTimes.sort((a, b) => a - b);
  const naiveMs = percentile(naiveTimes, 50);
  const naiveDecisionsPerS = naiveCases / (naiveMs / 1000);
  const naiveAgrees = JSON.stringify(naiveOffers) === JSON.stringify(matchCases(slice).offers);
  const speedupVsNaive = decisionsPerS / naiveDecisionsPerS;
  log(
    `naive cases x agents scan: ${naiveCases} cases x ${sizes.agents} agents in ${naiveMs.toFixed(0)} ms ` +
      `(median of ${naiveRuns}) = ${naiveDecisionsPerS.toFixed(0)} decisions/s, ${naiveOffers.length} offers, ` +
      `same offers as the matcher on that slice: ${naiveAgrees ? "yes" : "NO"}; matcher is ${speedupVsNaive.toFixed(1)}x faster per decision`,
  );

  return {
    agents: sizes.agents,
    queues: sizes.queues,
    cases: sizes.cases,
    runs,
    offersPerRun,
    decisionsPerS,
    runP50Ms,
    runP99Ms,
    naiveCases,
    naiveDecisionsPerS,
    speedupVsNaive,
    naiveAgrees,
  };
}

function numberFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new Error(`${name} must be a non-negative number, got '${value}'`);
  return parsed;
}

async function main(): Promise<void> {
  const f = await benchMatcher({
    agents: numberFromEnv("BENCH_AGENTS"),
    queues: numberFromEnv("BENCH_QUEUES"),
    cases: numberFromEnv("BENCH_CASES"),
    runs: numberFromEnv("BENCH_RUNS"),
    naiveCases: numberFromEnv("BENCH_NAIVE_CASES"),
  });
  console.log(
    [
      `matcher_agents=${f.agents}`,
      `matcher_queues=${f.queues}`,
      `matcher_cases=${f.cases}`,
      `matcher_offers=${f.offersPerRun}`,
      `matcher_decisions_per_s=${f.decisionsPerS.toFixed(0)}`,
      `matcher_run_p50_ms=${f.runP50Ms.toFixed(2)}`,
      `matcher_run_p99_ms=${f.runP99Ms.toFixed(2)}`,
      `naive_decisions_per_s=${f.naiveDecisionsPerS.toFixed(0)}`,
      `speedup_vs_naive=${f.speedupVsNaive.toFixed(1)}`,
    ].join(" "),
  );
  if (!f.naiveAgrees) process.exitCode = 1;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
