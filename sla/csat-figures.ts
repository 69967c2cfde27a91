/**
 * CSAT figures for the wall, the agent grid and reports: the mean rating and the number of ratings
 * given in a window, per queue, per agent and for the team. Read from the cases at read time (the
 * rating lives on the case: `csat_rating`, `csat_at`), so a rating changed later counts once, at its
 * latest time. A rating counts for the queue the case is in and the agent holding it when read —
 * the agent who resolved it, unless someone took it since.
 */
import { and, eq, gte, isNotNull, lt } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { cases } from "../db/schema/cases.ts";
import { startOfDay } from "./metrics-figures.ts";

export interface CsatFigure {
  /** Mean rating (1–5) over the window; null when nobody rated. */
  average: number | null;
  count: number;
}

export interface CsatRating {
  queueId: string | null;
  agentId: string | null;
  rating: number;
  at: number;
}

export const noCsat: CsatFigure = { average: null, count: 0 };

/** The mean of these ratings, to two decimals. */
export function csatFigure(ratings: readonly { rating: number }[]): CsatFigure {
  if (!ratings.length) return noCsat;
  const sum = ratings.reduce((total, entry) => total + entry.rating, 0);
  return { average: Math.round((sum / ratings.length) * 100) / 100, count: ratings.length };
}

/** Every rating given in [start, end) (of one queue's cases, given `queueId`), with its case's queue and agent. */
export async function ratingsBetween(
  executor: Executor,
  window: { start: number; end: number },
  queueId?: string,
): Promise<CsatRating[]> {
  const rows = await executor
    .select({
      queueId: cases.queueId,
      agentId: cases.assigneeId,
      rating: cases.csatRating,
      at: cases.csatAt,
    })
    .from(cases)
    .where(
      and(
        isNotNull(cases.csatRating),
        gte(cases.csatAt, new Date(window.start)),
        lt(cases.csatAt, new Date(window.end)),
        queueId ? eq(cases.queueId, queueId) : undefined,
      ),
    );
  return rows.map((row) => ({
    queueId: row.queueId,
    agentId: row.agentId,
    rating: row.rating!,
    at: row.at!.getTime(),
  }));
}

/** The ratings of a window, by a key (queue or agent); rows without the key are left out. */
export function csatBy(
  ratings: readonly CsatRating[],
  key: "queueId" | "agentId",
  window: { start: number; end: number } = { start: -Infinity, end: Infinity },
): Map<string, CsatFigure> {
  const groups = new Map<string, CsatRating[]>();
  for (const entry of ratings) {
    const id = entry[key];
    if (!id || entry.at < window.start || entry.at >= window.end) continue;
    groups.set(id, [...(groups.get(id) ?? []), entry]);
  }
  return new Map([...groups].map(([id, group]) => [id, csatFigure(group)]));
}

/** The ratings of each 15-minute bucket of each queue, for the interval reports: key `queueId|startMs`. */
export function csatByInterval(ratings: readonly CsatRating[], intervalMs: number): Map<string, CsatFigure> {
  const groups = new Map<string, CsatRating[]>();
  for (const entry of ratings) {
    if (!entry.queueId) continue;
    const key = `${entry.queueId}|${Math.floor(entry.at / intervalMs) * intervalMs}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return new Map([...groups].map(([key, group]) => [key, csatFigure(group)]));
}

/** Only the ratings of cases in these queues: a limited supervisor's scope. */
export const inQueues = (ratings: readonly CsatRating[], queueIds: ReadonlySet<string>) =>
  ratings.filter((entry) => entry.queueId !== null && queueIds.has(entry.queueId));

/**
 * Each agent's CSAT since midnight in `timeZone`: for the agent grid. With `queueIds` (a limited
 * supervisor's scope) only the ratings of cases in those queues count.
 */
export async function agentCsatToday(
  executor: Executor,
  now: Date,
  options: { timeZone: string; queueIds?: readonly string[] },
): Promise<Map<string, CsatFigure>> {
  const end = now.getTime();
  const ratings = await ratingsBetween(executor, { start: startOfDay(options.timeZone, end), end });
  return csatBy(options.queueIds ? inQueues(ratings, new Set(options.queueIds)) : ratings, "agentId");
}
