/**
 * Live metrics per queue and for the team: today (since midnight in the server's time zone) and the
 * rolling last 15 and 60 minutes. Definitions (each figure is recomputed over the facts in scope;
 * team figures are over every case and agent, never averages of queues):
 *
 * - offered: cases that joined the queue (new, reopened, returned by an agent, transferred in); an
 *   offer coming back to the queue is not a new arrival.
 * - carried in: cases that joined the queue before the window and were answered or abandoned in it.
 *   Answered + abandoned never exceeds offered + carried in, which the interval charts draw.
 * - answered: an agent took a waiting (queued or offered) case; answer time = from the case's last
 *   queue join to that moment.
 * - abandoned: a waiting case left the queue unanswered (resolved or closed by the system or the
 *   customer; an agent closing spam from the queue is not an abandonment), or a caller hung up
 *   while waiting (a call with outcome "abandoned" that had reached the queue); a caller whose
 *   hang-up also closed their case counts once.
 * - service level: answered within the queue's target seconds ÷ (answered + abandoned).
 * - ASA: mean answer time of the answered.
 * - AHT: mean handle time of work released in the window (resolve, close, unassign, transfer):
 *   the time the case was being worked by that agent since it was assigned, stretches spent waiting
 *   on the customer left out, plus the queue's wrap-up time for chat and voice.
 * - abandonment: abandoned ÷ (answered + abandoned), the share of the waits that ended in the window
 *   that ended with the customer gone.
 * - occupancy: the agents' time working a case or wrapping up while available ÷ their available
 *   time; per queue over the agents holding its required skills (busy with any work).
 * - FCR: among cases an agent resolved (or closed) in the window, the share never reopened, never
 *   transferred and held by one agent only.
 * - SLA met: among SLA targets met in the window (on time or late) plus those breached in it and
 *   not met since, the share met on time.
 * - backlog: waiting cases now, the oldest's and the median age (seconds since joining the queue).
 * - CSAT: the mean customer rating (1–5) and the number of ratings given in the window, counted for
 *   the case's queue (sla/csat-figures.ts).
 *
 * Every fact counts for the queue the case was in at that moment (metrics-facts.ts).
 */
import type { Executor } from "../db/connect.ts";
import {
  type CsatFigure,
  type CsatRating,
  csatBy,
  csatFigure,
  inQueues,
  noCsat,
  ratingsBetween,
} from "./csat-figures.ts";
import {
  addTallies,
  agentTimes,
  emptyTally,
  factsByQueue,
  figuresOf,
  type MetricsFacts,
  startOfDay,
  tallyWindow,
  type WindowFigures,
} from "./metrics-figures.ts";
import { gatherFacts } from "./metrics-gather.ts";
import { settledTallies } from "./metrics-intervals.ts";
import { type Backlog, backlogNow } from "./metrics-queries.ts";

export type { WindowFigures, WindowTally } from "./metrics-figures.ts";
export type { Backlog } from "./metrics-queries.ts";

const MINUTE_MS = 60_000;

export interface WindowSet {
  today: WindowFigures;
  last15m: WindowFigures;
  last60m: WindowFigures;
}

/** CSAT per window: today, the last 15 and 60 minutes. */
export type CsatWindows = Record<keyof WindowSet, CsatFigure>;

export interface QueueLiveMetrics extends WindowSet {
  queueId: string;
  csat: CsatWindows;
  name: string;
  /** The service-level goal, e.g. 80 % within 20 s. */
  goal: { percent: number; seconds: number };
  backlog: Backlog;
}

export interface LiveMetrics {
  at: string;
  queues: QueueLiveMetrics[];
  team: WindowSet & { backlog: Backlog; csat: CsatWindows };
}

export interface LiveMetricsOptions {
  /** IANA time zone whose midnight starts "today". */
  timeZone: string;
  /**
   * Only these queues (a supervisor's queue scope): the other queues are left out, and the team
   * figures are those of these queues together.
   */
  queueIds?: readonly string[];
}

/** The facts of these queues only, every agent's time kept (as `factsByQueue` keeps it). */
function factsOfQueues(facts: MetricsFacts, queueIds: ReadonlySet<string>): MetricsFacts {
  const keep = <T extends { queueId: string | null }>(list: T[]) =>
    list.filter((fact) => fact.queueId !== null && queueIds.has(fact.queueId));
  return {
    arrivals: keep(facts.arrivals),
    answers: keep(facts.answers),
    abandons: keep(facts.abandons),
    handles: keep(facts.handles),
    resolutions: keep(facts.resolutions),
    sla: keep(facts.sla),
    agents: facts.agents,
  };
}

/** The ratings of each window, by queue and for all of `ratings` together. */
function csatWindows(
  ratings: readonly CsatRating[],
  windows: Record<keyof WindowSet, { start: number; end: number }>,
) {
  const pick = (window: { start: number; end: number }) =>
    ratings.filter((entry) => entry.at >= window.start && entry.at < window.end);
  const byQueue = {
    today: csatBy(ratings, "queueId", windows.today),
    last15m: csatBy(ratings, "queueId", windows.last15m),
    last60m: csatBy(ratings, "queueId", windows.last60m),
  };
  return {
    team: {
      today: csatFigure(pick(windows.today)),
      last15m: csatFigure(pick(windows.last15m)),
      last60m: csatFigure(pick(windows.last60m)),
    },
    queue: (queueId: string): CsatWindows => ({
      today: byQueue.today.get(queueId) ?? noCsat,
      last15m: byQueue.last15m.get(queueId) ?? noCsat,
      last60m: byQueue.last60m.get(queueId) ?? noCsat,
    }),
  };
}

/** The backlog of several queues together: the count adds up, the oldest is the oldest; no median. */
function combinedBacklog(parts: Backlog[]): Backlog {
  if (parts.length === 1) return parts[0]!;
  const oldest = parts.map((part) => part.oldestAgeSeconds).filter((age): age is number => age !== null);
  return {
    waiting: parts.reduce((sum, part) => sum + part.waiting, 0),
    oldestAgeSeconds: oldest.length ? Math.max(...oldest) : null,
    medianAgeSeconds: null,
  };
}

/**
 * "Today" is the day's settled 15-minute intervals as stored (metrics-intervals.ts) plus the rest of
 * the day counted live, so a push reads at most the last hour or so of history however late in the
 * day it is. Where intervals are missing (the job has not caught up), the day is counted live.
 */
export async function liveMetrics(
  executor: Executor,
  now: Date,
  options: LiveMetricsOptions,
): Promise<LiveMetrics> {
  const end = now.getTime();
  const settled = await settledTallies(executor, startOfDay(options.timeZone, end), end);
  const windows = {
    rest: { start: settled.until, end },
    last15m: { start: end - 15 * MINUTE_MS, end },
    last60m: { start: end - 60 * MINUTE_MS, end },
  };
  const span = { start: Math.min(windows.rest.start, windows.last60m.start), end };
  const { facts, queues, agentsOf } = await gatherFacts(executor, span);
  const backlog = await backlogNow(executor, end);
  const dayStart = startOfDay(options.timeZone, end);
  const allRatings = await ratingsBetween(executor, {
    start: Math.min(dayStart, windows.last60m.start),
    end,
  });
  const scopeIds = options.queueIds ? new Set(options.queueIds) : undefined;
  const csat = csatWindows(scopeIds ? inQueues(allRatings, scopeIds) : allRatings, {
    today: { start: dayStart, end },
    last15m: windows.last15m,
    last60m: windows.last60m,
  });
  const times = {
    rest: agentTimes(facts, windows.rest),
    last15m: agentTimes(facts, windows.last15m),
    last60m: agentTimes(facts, windows.last60m),
  };
  const byQueue = factsByQueue(
    facts,
    queues.map((queue) => queue.id),
  );
  const figures = (
    scoped: MetricsFacts,
    before: ReturnType<typeof emptyTally>,
    agentIds?: ReadonlySet<string>,
  ) => ({
    today: figuresOf(addTallies(before, tallyWindow(scoped, windows.rest, { agentIds, times: times.rest }))),
    last15m: figuresOf(tallyWindow(scoped, windows.last15m, { agentIds, times: times.last15m })),
    last60m: figuresOf(tallyWindow(scoped, windows.last60m, { agentIds, times: times.last60m })),
  });
  const none: Backlog = { waiting: 0, oldestAgeSeconds: null, medianAgeSeconds: null };
  const scoped = scopeIds;
  const shown = scoped ? queues.filter((queue) => scoped.has(queue.id)) : queues;
  const perQueue = shown.map((queue) => ({
    queueId: queue.id,
    name: queue.name,
    goal: { percent: queue.serviceLevelPercent, seconds: queue.serviceLevelSeconds },
    ...figures(byQueue.get(queue.id)!, settled.byQueue.get(queue.id) ?? emptyTally(), agentsOf.get(queue.id)),
    backlog: backlog.byQueue.get(queue.id) ?? none,
    csat: csat.queue(queue.id),
  }));
  if (!scoped)
    return {
      at: now.toISOString(),
      queues: perQueue,
      team: { ...figures(facts, settled.team), backlog: backlog.total, csat: csat.team },
    };
  const agentIds = new Set(shown.flatMap((queue) => [...(agentsOf.get(queue.id) ?? [])]));
  return {
    at: now.toISOString(),
    queues: perQueue,
    team: {
      ...figures(
        factsOfQueues(facts, scoped),
        shown.reduce(
          (sum, queue) => addTallies(sum, settled.byQueue.get(queue.id) ?? emptyTally()),
          emptyTally(),
        ),
        agentIds,
      ),
      backlog: combinedBacklog(perQueue.map((queue) => queue.backlog)),
      csat: csat.team,
    },
  };
}
