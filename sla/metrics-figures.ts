/**
 * Live metrics, the pure part: from facts (arrivals, answers, abandons, handled work, agent time,
 * resolutions, SLA outcomes, each with its time and queue) to the figures of one window. No
 * database here: the facts are derived in metrics-facts.ts and gathered in metrics-queries.ts.
 *
 * Every fact is counted in the window that holds its moment (answered when assigned, handled when
 * released, ...); time (agents' available and occupied time) is clipped to the window. Windows are
 * half-open, [start, end), in epoch milliseconds.
 */
import { offsetStretchAt } from "./business-calendar-zone.ts";

export interface Span {
  start: number;
  end: number;
}

/** A case joined a queue (new, returned by an agent, reopened, transferred in). */
export interface ArrivalFact {
  caseId: string;
  queueId: string | null;
  at: number;
}

/** An agent took a waiting case; `waitMs` since it last joined the queue. */
export interface AnswerFact {
  caseId: string;
  queueId: string | null;
  at: number;
  waitMs: number;
  withinTarget: boolean;
}

/** A case left the queue unanswered (`queue`), or a caller hung up while waiting (`call`). */
export interface AbandonFact {
  caseId: string;
  queueId: string | null;
  at: number;
  source: "queue" | "call";
  /** When the case last joined the queue before giving up (absent: taken as inside the window). */
  joinedAt?: number;
}

/** A case left its agent: the time it was worked on (waiting on the customer excluded) and the wrap-up after it. */
export interface HandleFact {
  caseId: string;
  queueId: string | null;
  agentId: string;
  releasedAt: number;
  workMs: number;
  wrapUpMs: number;
}

/** A case an agent resolved; `firstContact` when never reopened, transferred or held by a second agent. */
export interface ResolutionFact {
  caseId: string;
  queueId: string | null;
  at: number;
  firstContact: boolean;
}

/** An SLA target that was met (on time or late), or breached and not met since. */
export interface SlaFact {
  caseId: string;
  queueId: string | null;
  at: number;
  onTime: boolean;
}

/** Stretches of one agent's time: busy = working a case or wrapping up; `end` may be Infinity (still busy). */
export interface AgentSpans {
  available: Span[];
  busy: Span[];
}

export interface MetricsFacts {
  arrivals: ArrivalFact[];
  answers: AnswerFact[];
  abandons: AbandonFact[];
  handles: HandleFact[];
  resolutions: ResolutionFact[];
  sla: SlaFact[];
  /** Per agent id. */
  agents: Map<string, AgentSpans>;
}

export const emptyFacts = (): MetricsFacts => ({
  arrivals: [],
  answers: [],
  abandons: [],
  handles: [],
  resolutions: [],
  sla: [],
  agents: new Map(),
});

/**
 * The facts split by queue (a part for each of `queueIds` at least), each part sharing every agent's
 * time: counting a queue then reads only its own facts.
 */
export function factsByQueue(
  facts: MetricsFacts,
  queueIds: readonly string[],
): Map<string | null, MetricsFacts> {
  const parts = new Map<string | null, MetricsFacts>();
  const part = (queueId: string | null) => {
    const found = parts.get(queueId) ?? { ...emptyFacts(), agents: facts.agents };
    parts.set(queueId, found);
    return found;
  };
  for (const queueId of queueIds) part(queueId);
  for (const fact of facts.arrivals) part(fact.queueId).arrivals.push(fact);
  for (const fact of facts.answers) part(fact.queueId).answers.push(fact);
  for (const fact of facts.abandons) part(fact.queueId).abandons.push(fact);
  for (const fact of facts.handles) part(fact.queueId).handles.push(fact);
  for (const fact of facts.resolutions) part(fact.queueId).resolutions.push(fact);
  for (const fact of facts.sla) part(fact.queueId).sla.push(fact);
  return parts;
}

/** Counts and sums of one window: what the rates are made of, and what reports add up across intervals. */
export interface WindowTally {
  offered: number;
  /**
   * Contacts that joined the queue before the window and were answered or abandoned in it: with
   * `offered`, everything the window's answers and abandonments can come from.
   */
  carriedIn: number;
  answered: number;
  answeredWithinTarget: number;
  answerSeconds: number;
  abandoned: number;
  handled: number;
  handleSeconds: number;
  availableSeconds: number;
  occupiedSeconds: number;
  resolved: number;
  resolvedFirstContact: number;
  slaCompleted: number;
  slaMetOnTime: number;
}

export interface WindowFigures {
  offered: number;
  answered: number;
  abandoned: number;
  /** Answered within the queue's target ÷ (answered + abandoned); null without either. */
  serviceLevel: number | null;
  /** Mean seconds from joining the queue to an agent taking the case. */
  asa: number | null;
  /** Mean seconds of work per case released by an agent, wrap-up included. */
  aht: number | null;
  /** Abandoned ÷ (answered + abandoned). */
  abandonment: number | null;
  /** Agents' busy time while available ÷ their available time. */
  occupancy: number | null;
  /** First-contact resolutions ÷ cases resolved. */
  fcr: number | null;
  /** SLA targets met on time ÷ targets met or breached. */
  slaMet: number | null;
}

const inWindow = (at: number, window: Span) => at >= window.start && at < window.end;
const ratio = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
const mean = (sum: number, n: number) => (n > 0 ? Math.round((sum / n) * 10) / 10 : null);
const seconds = (ms: number) => Math.round(ms) / 1000;

/** Sorted, non-overlapping stretches covering the same time. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** The parts of stretches inside the window (merged in, merged out). */
export function clipSpans(merged: readonly Span[], window: Span): Span[] {
  const clipped: Span[] = [];
  for (const span of merged) {
    const start = Math.max(span.start, window.start);
    const end = Math.min(span.end, window.end);
    if (end > start) clipped.push({ start, end });
  }
  return clipped;
}

export const totalMs = (spans: readonly Span[]) => spans.reduce((sum, s) => sum + (s.end - s.start), 0);

/** Time covered by both lists (each merged and sorted). */
export function overlapMs(a: readonly Span[], b: readonly Span[]): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) total += end - start;
    if (x.end < y.end) i++;
    else j++;
  }
  return total;
}

/** One agent's available time in the window and the part of it they were busy. */
export function agentTime(spans: AgentSpans, window: Span): { availableMs: number; occupiedMs: number } {
  // Clipped first: a day of busy stretches is then sorted once per window only for the few inside it.
  const available = mergeSpans(clipSpans(spans.available, window));
  const busy = mergeSpans(clipSpans(spans.busy, window));
  return { availableMs: totalMs(available), occupiedMs: overlapMs(available, busy) };
}

export type AgentTimes = Map<string, { availableMs: number; occupiedMs: number }>;

/** Every agent's time in the window, to share between the queues' tallies. */
export function agentTimes(facts: MetricsFacts, window: Span): AgentTimes {
  return new Map([...facts.agents].map(([agentId, spans]) => [agentId, agentTime(spans, window)]));
}

export interface TallyScope {
  /** One queue's facts; undefined: every queue (the team). */
  queueId?: string | null;
  /** The agents whose time counts for occupancy; undefined: every agent. */
  agentIds?: ReadonlySet<string>;
  /** `agentTimes(facts, window)`, when already computed. */
  times?: AgentTimes;
}

/** Abandonments, once per case and source: a caller who hangs up may also take their case out of the queue. */
function countAbandons(abandons: readonly AbandonFact[]): number {
  const byCase = new Map<string, { queue: number; call: number }>();
  for (const fact of abandons) {
    const counts = byCase.get(fact.caseId) ?? { queue: 0, call: 0 };
    counts[fact.source] += 1;
    byCase.set(fact.caseId, counts);
  }
  let total = 0;
  for (const counts of byCase.values()) total += Math.max(counts.queue, counts.call);
  return total;
}

/** Counts one window. Each figure is recomputed over the facts in scope, never averaged over queues. */
export function tallyWindow(facts: MetricsFacts, window: Span, scope: TallyScope = {}): WindowTally {
  const inScope = (fact: { queueId: string | null; at: number }) =>
    (scope.queueId === undefined || fact.queueId === scope.queueId) && inWindow(fact.at, window);

  const answers = facts.answers.filter(inScope);
  const handles = facts.handles.filter((h) => inScope({ queueId: h.queueId, at: h.releasedAt }));
  const sla = facts.sla.filter(inScope);

  const abandons = facts.abandons.filter(inScope);
  const joinedBefore = (joinedAt: number | undefined) => joinedAt !== undefined && joinedAt < window.start;
  const abandoned = countAbandons(abandons);
  const carriedIn =
    answers.filter((a) => joinedBefore(a.at - a.waitMs)).length +
    countAbandons(abandons.filter((a) => joinedBefore(a.joinedAt)));

  // Cases, not resolutions: a case resolved twice in the window counts once.
  const resolved = new Map<string, boolean>();
  for (const fact of facts.resolutions.filter(inScope))
    resolved.set(fact.caseId, (resolved.get(fact.caseId) ?? true) && fact.firstContact);

  let availableMs = 0;
  let occupiedMs = 0;
  for (const [agentId, time] of scope.times ?? agentTimes(facts, window)) {
    if (scope.agentIds && !scope.agentIds.has(agentId)) continue;
    availableMs += time.availableMs;
    occupiedMs += time.occupiedMs;
  }

  return {
    offered: facts.arrivals.filter(inScope).length,
    carriedIn,
    answered: answers.length,
    answeredWithinTarget: answers.filter((a) => a.withinTarget).length,
    answerSeconds: seconds(answers.reduce((sum, a) => sum + a.waitMs, 0)),
    abandoned,
    handled: handles.length,
    handleSeconds: seconds(handles.reduce((sum, h) => sum + h.workMs + h.wrapUpMs, 0)),
    availableSeconds: seconds(availableMs),
    occupiedSeconds: seconds(occupiedMs),
    resolved: resolved.size,
    resolvedFirstContact: [...resolved.values()].filter(Boolean).length,
    slaCompleted: sla.length,
    slaMetOnTime: sla.filter((s) => s.onTime).length,
  };
}

export const TALLY_FIELDS = [
  "offered",
  "carriedIn",
  "answered",
  "answeredWithinTarget",
  "answerSeconds",
  "abandoned",
  "handled",
  "handleSeconds",
  "availableSeconds",
  "occupiedSeconds",
  "resolved",
  "resolvedFirstContact",
  "slaCompleted",
  "slaMetOnTime",
] as const satisfies readonly (keyof WindowTally)[];

/** The tally of two windows side by side (e.g. stored intervals and the live rest of the day). */
export function addTallies(a: WindowTally, b: WindowTally): WindowTally {
  const sum = { ...a };
  for (const field of TALLY_FIELDS) sum[field] = Math.round((a[field] + b[field]) * 1000) / 1000;
  return sum;
}

/** A tally read back from stored figures; a missing count is 0. */
export function tallyOf(stored: Record<string, number | null | undefined>): WindowTally {
  const tally = {} as WindowTally;
  for (const field of TALLY_FIELDS) tally[field] = Number(stored[field] ?? 0);
  return tally;
}

export const emptyTally = (): WindowTally => tallyOf({});

export function figuresOf(tally: WindowTally): WindowFigures {
  const ended = tally.answered + tally.abandoned;
  return {
    offered: tally.offered,
    answered: tally.answered,
    abandoned: tally.abandoned,
    serviceLevel: ratio(tally.answeredWithinTarget, ended),
    asa: mean(tally.answerSeconds, tally.answered),
    aht: mean(tally.handleSeconds, tally.handled),
    abandonment: ratio(tally.abandoned, ended),
    occupancy: ratio(tally.occupiedSeconds, tally.availableSeconds),
    fcr: ratio(tally.resolvedFirstContact, tally.resolved),
    slaMet: ratio(tally.slaMetOnTime, tally.slaCompleted),
  };
}

const DAY_MS = 86_400_000;

/**
 * The instant the local day holding `at` began in `timeZone`: local midnight, or, where a clock
 * change skips midnight, the first instant of that day.
 */
export function startOfDay(timeZone: string, at: number): number {
  const midnight = Math.floor((at + offsetStretchAt(timeZone, at).offset) / DAY_MS) * DAY_MS;
  // Try the offsets in force now and at the guessed midnight; the earliest that maps back to midnight wins.
  const guesses = [midnight - offsetStretchAt(timeZone, at).offset];
  guesses.push(midnight - offsetStretchAt(timeZone, guesses[0]!).offset);
  const exact = guesses
    .filter((guess) => guess + offsetStretchAt(timeZone, guess).offset === midnight)
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) {
    // In a repeated hour the earlier of two local midnights may lie one offset step further back.
    const earlier = midnight - offsetStretchAt(timeZone, exact[0] - 1).offset;
    return earlier < exact[0] && earlier + offsetStretchAt(timeZone, earlier).offset === midnight
      ? earlier
      : exact[0];
  }
  // Midnight does not exist that day: the day starts when the clocks jump past it.
  const before = offsetStretchAt(timeZone, Math.min(...guesses));
  return before.end;
}
