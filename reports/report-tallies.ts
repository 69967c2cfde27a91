/**
 * A period's queue tallies per local day, pure: each 15-minute interval the metrics job stored as
 * final is read from its row; every other stretch (the part not settled yet, days before the job's
 * backfill, a period starting off an interval boundary) is counted from the facts gathered live, in
 * runs cut at day boundaries. Both give the same counts (sla/metrics-intervals.ts stores exactly
 * what `tallyWindow` counts), so where a figure comes from never shows.
 */
import {
  addTallies,
  agentTimes,
  emptyTally,
  type MetricsFacts,
  tallyOf,
  tallyWindow,
  type WindowTally,
} from "../sla/metrics-figures.ts";
import { INTERVAL_MS } from "../sla/metrics-intervals.ts";
import type { Window } from "./zone-time.ts";

/** One stored final interval row of one queue. */
export interface StoredInterval {
  queueId: string;
  start: number;
  figures: Record<string, number | null>;
}

export interface DayTallies extends Window {
  byQueue: Map<string, WindowTally>;
  /** Every agent's available and occupied time (the team), not tied to a queue. */
  team: { availableSeconds: number; occupiedSeconds: number };
}

export interface PeriodInput {
  days: readonly Window[];
  queueIds: readonly string[];
  /** Final stored intervals inside the period, by interval start. */
  stored: ReadonlyMap<number, readonly StoredInterval[]>;
  /** Facts of the whole period split by queue, each sharing every agent's time. */
  factsOf: (queueId: string) => MetricsFacts;
  /** All facts (for the team's agent time). */
  facts: MetricsFacts;
  agentsOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** Nothing after this has happened yet. */
  now: number;
}

/** The stretches of a day: stored interval starts, and live runs between them. */
export function splitDay(
  day: Window,
  stored: ReadonlyMap<number, unknown>,
): { stored: number[]; live: Window[] } {
  const result: { stored: number[]; live: Window[] } = { stored: [], live: [] };
  let runStart: number | null = null;
  let at = day.start;
  while (at < day.end) {
    const boundary = Math.floor(at / INTERVAL_MS) * INTERVAL_MS;
    const next = Math.min(boundary + INTERVAL_MS, day.end);
    if (boundary === at && next === boundary + INTERVAL_MS && stored.has(at)) {
      if (runStart !== null) result.live.push({ start: runStart, end: at });
      runStart = null;
      result.stored.push(at);
    } else if (runStart === null) runStart = at;
    at = next;
  }
  if (runStart !== null) result.live.push({ start: runStart, end: day.end });
  return result;
}

function addInto(map: Map<string, WindowTally>, queueId: string, tally: WindowTally): void {
  map.set(queueId, addTallies(map.get(queueId) ?? emptyTally(), tally));
}

/** One day's tallies per queue and the team's agent time. */
function tallyDay(input: PeriodInput, day: Window): DayTallies {
  const result: DayTallies = {
    ...day,
    byQueue: new Map(),
    team: { availableSeconds: 0, occupiedSeconds: 0 },
  };
  for (const queueId of input.queueIds) result.byQueue.set(queueId, emptyTally());
  const wanted = new Set(input.queueIds);
  const parts = splitDay(day, input.stored);
  for (const start of parts.stored) {
    const rows = input.stored.get(start) ?? [];
    for (const row of rows)
      if (wanted.has(row.queueId)) addInto(result.byQueue, row.queueId, tallyOf(row.figures));
    const team = rows[0]?.figures;
    result.team.availableSeconds += Number(team?.teamAvailableSeconds ?? 0);
    result.team.occupiedSeconds += Number(team?.teamOccupiedSeconds ?? 0);
  }
  for (const run of parts.live) {
    const window = { start: run.start, end: Math.min(run.end, input.now) };
    if (window.end <= window.start) continue;
    const times = agentTimes(input.facts, window);
    for (const queueId of input.queueIds) {
      const tally = tallyWindow(input.factsOf(queueId), window, {
        agentIds: input.agentsOf.get(queueId),
        times,
      });
      addInto(result.byQueue, queueId, tally);
    }
    for (const time of times.values()) {
      result.team.availableSeconds += time.availableMs / 1000;
      result.team.occupiedSeconds += time.occupiedMs / 1000;
    }
  }
  result.team.availableSeconds = Math.round(result.team.availableSeconds * 1000) / 1000;
  result.team.occupiedSeconds = Math.round(result.team.occupiedSeconds * 1000) / 1000;
  return result;
}

export function tallyPeriod(input: PeriodInput): DayTallies[] {
  return input.days.map((day) => tallyDay(input, day));
}

/** The counts of several queues added up; agent time is the team's when given, else the queues' own. */
export function combine(
  tallies: readonly WindowTally[],
  agentTime?: { availableSeconds: number; occupiedSeconds: number },
): WindowTally {
  let sum = emptyTally();
  for (const tally of tallies) sum = addTallies(sum, tally);
  return agentTime ? { ...sum, ...agentTime } : sum;
}
