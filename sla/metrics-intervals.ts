/**
 * 15-minute intervals kept for reports: per queue, the counts and sums of each interval (so reports
 * can add intervals up into hours, days or weeks and take rates of the sums) and the figures.
 *
 * A periodic job calls `computeIntervals`. It recomputes every interval from the last final one to
 * the current one (provisional, cut at now) and upserts their rows. A row is final once computed
 * SETTLE_MS after its interval ended: by then the audit rows of the interval's last moments have
 * committed and the SLA monitor has written its breaches. Running twice, or on two processes at
 * once, writes the same rows; a row is only ever replaced by one computed at a later time.
 */
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { notFound } from "../cases/errors.ts";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { queues } from "../db/schema/routing.ts";
import { queueIntervals } from "../db/schema/sla.ts";
import {
  addTallies,
  agentTimes,
  emptyFacts,
  emptyTally,
  factsByQueue,
  figuresOf,
  TALLY_FIELDS,
  tallyOf,
  tallyWindow,
  type WindowTally,
} from "./metrics-figures.ts";
import { gatherFacts } from "./metrics-gather.ts";

export const INTERVAL_MS = 15 * 60_000;
export const SETTLE_MS = 5 * 60_000;
/** A new deployment over old data, or one back from a long stop, fills in at most this far back. */
export const BACKFILL_MS = 7 * 86_400_000;
/** Intervals per run: catching up a week takes a few runs, none of which holds the job for long. */
export const MAX_INTERVALS_PER_RUN = 96;
const UPSERT_BATCH = 500;

/** What each stored row holds: counts and sums (add them up across intervals), figures, the goal then, the team's agent time. */
export const INTERVAL_FIELDS = [
  ...TALLY_FIELDS,
  "serviceLevel",
  "asa",
  "aht",
  "abandonment",
  "occupancy",
  "fcr",
  "slaMet",
  "goalPercent",
  "goalSeconds",
  "teamAvailableSeconds",
  "teamOccupiedSeconds",
] as const;

export interface IntervalRun {
  /** Starts of the intervals computed, oldest first. */
  intervals: Date[];
  rows: number;
}

/** The start of the newest interval whose rows are final (max over queues: each row is one lookup). */
async function lastFinalStart(executor: Executor): Promise<number | null> {
  const [row] = await queryRows<{ start_ms: number | null }>(
    executor,
    sql`
      select (extract(epoch from max(f.interval_start)) * 1000)::float8 as start_ms
      from queues q
      cross join lateral (
        select i.interval_start from queue_intervals i
        where i.queue_id = q.id
          and i.computed_at >= i.interval_start + ${FINAL_AFTER}
        order by i.interval_start desc limit 1
      ) f`,
  );
  return row?.start_ms == null ? null : Number(row.start_ms);
}

const FINAL_AFTER = sql.raw(`interval '${(INTERVAL_MS + SETTLE_MS) / 1000} seconds'`);

/**
 * When activity began, for a first run over old data: the oldest audit row or presence change
 * (primary-key order, one index lookup each).
 */
async function firstActivity(executor: Executor): Promise<number | null> {
  const [row] = await queryRows<{ at_ms: number | null }>(
    executor,
    sql`select (extract(epoch from least(
      (select at from case_events order by id limit 1),
      (select at from agent_presence_log order by id limit 1))) * 1000)::float8 as at_ms`,
  );
  return row?.at_ms == null ? null : Number(row.at_ms);
}

export async function computeIntervals(
  executor: Executor,
  now: Date,
  options: { maxIntervals?: number } = {},
): Promise<IntervalRun> {
  const end = now.getTime();
  const current = Math.floor(end / INTERVAL_MS) * INTERVAL_MS;
  const floor = current - BACKFILL_MS;
  const lastFinal = await lastFinalStart(executor);
  const first = lastFinal === null ? await firstActivity(executor) : null;
  const from =
    lastFinal !== null
      ? lastFinal + INTERVAL_MS
      : first !== null
        ? Math.floor(first / INTERVAL_MS) * INTERVAL_MS
        : current;
  const starts: number[] = [];
  const limit = options.maxIntervals ?? MAX_INTERVALS_PER_RUN;
  for (let start = Math.max(from, floor); start <= current && starts.length < limit; start += INTERVAL_MS)
    starts.push(start);
  if (starts.length === 0) return { intervals: [], rows: 0 };

  const spanEnd = Math.min(end, starts[starts.length - 1]! + INTERVAL_MS);
  const { facts, queues, agentsOf } = await gatherFacts(executor, { start: starts[0]!, end: spanEnd });
  if (queues.length === 0) return { intervals: [], rows: 0 };
  const byQueue = factsByQueue(
    facts,
    queues.map((queue) => queue.id),
  );
  const rows: (typeof queueIntervals.$inferInsert)[] = [];
  for (const start of starts) {
    const window = { start, end: Math.min(start + INTERVAL_MS, end) };
    const times = agentTimes(facts, window);
    // The table has no team row: the team's agent time goes on every queue's row of the interval.
    const team = tallyWindow(emptyFacts(), window, { times });
    for (const queue of queues) {
      const tally = tallyWindow(byQueue.get(queue.id)!, window, { agentIds: agentsOf.get(queue.id), times });
      rows.push({
        queueId: queue.id,
        intervalStart: new Date(start),
        figures: {
          ...tally,
          ...figuresOf(tally),
          goalPercent: queue.serviceLevelPercent,
          goalSeconds: queue.serviceLevelSeconds,
          teamAvailableSeconds: team.availableSeconds,
          teamOccupiedSeconds: team.occupiedSeconds,
        },
        computedAt: now,
      });
    }
  }
  // Sorted the same way on every process, so concurrent upserts lock rows in one order.
  rows.sort(
    (a, b) =>
      (a.intervalStart as Date).getTime() - (b.intervalStart as Date).getTime() ||
      a.queueId.localeCompare(b.queueId),
  );
  for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
    await executor
      .insert(queueIntervals)
      .values(rows.slice(i, i + UPSERT_BATCH))
      .onConflictDoUpdate({
        target: [queueIntervals.queueId, queueIntervals.intervalStart],
        set: { figures: sql`excluded.figures`, computedAt: sql`excluded.computed_at` },
        setWhere: sql`${queueIntervals.computedAt} <= excluded.computed_at`,
      });
  }
  return { intervals: starts.map((start) => new Date(start)), rows: rows.length };
}

export interface IntervalRow {
  queueId: string;
  intervalStart: Date;
  intervalEnd: Date;
  /** Computed before the interval had ended and settled: its figures may still change. */
  provisional: boolean;
  computedAt: Date;
  figures: Record<string, number | null>;
}

/** Stored intervals starting in [from, to), of one queue or all, oldest first. */
export async function listIntervals(
  executor: Executor,
  query: { queueId?: string; from: Date; to: Date },
): Promise<IntervalRow[]> {
  if (query.queueId) {
    const [queue] = await executor.select({ id: queues.id }).from(queues).where(eq(queues.id, query.queueId));
    if (!queue) throw notFound("Queue", query.queueId);
  }
  const rows = await executor
    .select()
    .from(queueIntervals)
    .where(
      and(
        query.queueId ? eq(queueIntervals.queueId, query.queueId) : undefined,
        gte(queueIntervals.intervalStart, query.from),
        lt(queueIntervals.intervalStart, query.to),
      ),
    )
    .orderBy(asc(queueIntervals.intervalStart), asc(queueIntervals.queueId));
  return rows.map((row) => {
    const endMs = row.intervalStart.getTime() + INTERVAL_MS;
    return {
      queueId: row.queueId,
      intervalStart: row.intervalStart,
      intervalEnd: new Date(endMs),
      provisional: row.computedAt.getTime() < endMs + SETTLE_MS,
      computedAt: row.computedAt,
      figures: row.figures,
    };
  });
}

export interface SettledTallies {
  /** The settled intervals cover [from, until) without a gap; `until` is `from` when there are none. */
  until: number;
  byQueue: Map<string, WindowTally>;
  /** Counts over every queue; agent time as stored for the whole team. */
  team: WindowTally;
}

/**
 * The tallies of the final intervals from `from` on, up to the first one missing or not final (one
 * primary-key range per queue). Live metrics count only the time after them. Intervals before the
 * first stored one count as empty: the job computes every interval in order from the first activity
 * on, so an interval it skipped had none.
 */
export async function settledTallies(executor: Executor, from: number, now: number): Promise<SettledTallies> {
  const current = Math.floor(now / INTERVAL_MS) * INTERVAL_MS;
  const none: SettledTallies = { until: from, byQueue: new Map(), team: emptyTally() };
  // A day that does not start on an interval boundary (a zone offset in odd minutes) is counted live.
  if (from % INTERVAL_MS !== 0 || from >= current) return none;
  const rows = await queryRows<{
    queue_id: string;
    start_ms: number;
    figures: Record<string, number | null> | string;
  }>(
    executor,
    sql`
      select i.queue_id, (extract(epoch from i.interval_start) * 1000)::float8 as start_ms, i.figures
      from queues q
      join queue_intervals i on i.queue_id = q.id
      where i.interval_start >= ${new Date(from).toISOString()}::timestamptz
        and i.interval_start < ${new Date(current).toISOString()}::timestamptz
        and i.computed_at >= i.interval_start + ${FINAL_AFTER}`,
  );
  const byStart = new Map<number, { queueId: string; figures: Record<string, number | null> }[]>();
  for (const row of rows) {
    const figures = typeof row.figures === "string" ? JSON.parse(row.figures) : row.figures;
    const start = Number(row.start_ms);
    byStart.set(start, [...(byStart.get(start) ?? []), { queueId: row.queue_id, figures }]);
  }
  if (byStart.size === 0) return none;
  let until = Math.min(...byStart.keys());
  while (until < current && byStart.has(until)) until += INTERVAL_MS;

  const result: SettledTallies = { until, byQueue: new Map(), team: emptyTally() };
  for (let start = from; start < until; start += INTERVAL_MS) {
    const interval = byStart.get(start);
    if (!interval) continue;
    for (const { queueId, figures } of interval) {
      const tally = tallyOf(figures);
      result.byQueue.set(queueId, addTallies(result.byQueue.get(queueId) ?? emptyTally(), tally));
      result.team = addTallies(result.team, { ...tally, availableSeconds: 0, occupiedSeconds: 0 });
    }
    const team = interval[0]!.figures;
    result.team = addTallies(result.team, {
      ...emptyTally(),
      availableSeconds: Number(team.teamAvailableSeconds ?? 0),
      occupiedSeconds: Number(team.teamOccupiedSeconds ?? 0),
    });
  }
  return result;
}
