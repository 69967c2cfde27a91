/**
 * The Reports page's one answer: volume by channel, queue and local hour; service level, ASA, AHT,
 * abandonment, FCR, occupancy and SLA met per queue, per local day and in total; SLA attainment per
 * target; CSAT; a per-agent table; dispositions — for a period, a queue or every queue the viewer
 * may see, in an IANA time zone. Read on the reporting pool. Figures are defined as the live
 * metrics define them (sla/metrics.ts); see the README's "Reports and exports".
 */
import { dispositionCounts } from "../cases/dispositions.ts";
import { AppError, notFound } from "../cases/errors.ts";
import { isTimeZone } from "../cases/time-zone.ts";
import type { Executor } from "../db/connect.ts";
import { loadQueues, type QueueRow } from "../routing/queue-config.ts";
import {
  type CsatFigure,
  csatBy,
  csatFigure,
  inQueues,
  noCsat,
  ratingsBetween,
} from "../sla/csat-figures.ts";
import { emptyFacts, factsByQueue, figuresOf, type WindowFigures } from "../sla/metrics-figures.ts";
import { gatherFacts } from "../sla/metrics-gather.ts";
import { agentNames, finalIntervals, slaOutcomeCounts, volumeRows } from "./report-queries.ts";
import {
  type AgentFigures,
  agentTable,
  type ChannelCounts,
  channelTotals,
  dispositionShares,
  type SlaAttainment,
  slaAttainment,
  type VolumeHour,
  volumeByHour,
} from "./report-shape.ts";
import { combine, tallyPeriod } from "./report-tallies.ts";
import { isoInZone, localDays, type Window } from "./zone-time.ts";

export const MAX_REPORT_DAYS = 92;
const DAY_MS = 86_400_000;

export interface ReportQuery {
  from: Date;
  to: Date;
  timeZone: string;
  queueId?: string;
  /** A supervisor limited to some queues sees only theirs. */
  queueIds?: readonly string[];
}

export interface Report {
  period: { from: string; to: string; timeZone: string; queueId: string | null };
  totals: WindowFigures & { csat: CsatFigure };
  volume: { byHour: VolumeHour[]; byChannel: ChannelCounts; total: number };
  queues: (WindowFigures & {
    queueId: string;
    name: string;
    goal: { percent: number; seconds: number };
    csat: CsatFigure;
  })[];
  days: (WindowFigures & { start: string })[];
  sla: SlaAttainment[];
  agents: AgentFigures[];
  dispositions: ReturnType<typeof dispositionShares>;
}

/** A period the report can answer: a real zone, `from` before `to`, at most MAX_REPORT_DAYS. */
export function checkPeriod(query: { from: Date; to: Date; timeZone: string }): void {
  if (!isTimeZone(query.timeZone))
    throw new AppError(
      "VALIDATION",
      `'${query.timeZone}' is not an IANA time zone; use a name such as Europe/Berlin or America/New_York.`,
      { timeZone: "unknown" },
    );
  if (query.to.getTime() <= query.from.getTime())
    throw new AppError("VALIDATION", "`to` must be after `from`.", { to: "before from" });
  if (query.to.getTime() - query.from.getTime() > MAX_REPORT_DAYS * DAY_MS)
    throw new AppError(
      "VALIDATION",
      `A report covers at most ${MAX_REPORT_DAYS} days; choose a shorter period.`,
      {
        to: "too far",
      },
    );
}

/** The queues the report covers: the one asked for, or every queue the viewer may see. */
function chooseQueues(allQueues: Map<string, QueueRow>, query: ReportQuery) {
  if (
    query.queueId &&
    (!allQueues.has(query.queueId) || (query.queueIds && !query.queueIds.includes(query.queueId)))
  )
    throw notFound("Queue", query.queueId);
  const visible = [...allQueues.values()].filter(
    (queue) => !query.queueIds || query.queueIds.includes(queue.id),
  );
  const chosen = query.queueId ? visible.filter((queue) => queue.id === query.queueId) : visible;
  const chosenIds = chosen.map((queue) => queue.id);
  const filterIds = query.queueId || query.queueIds ? chosenIds : undefined;
  return { chosen, chosenIds, filterIds };
}

export async function buildReport(executor: Executor, now: Date, query: ReportQuery): Promise<Report> {
  checkPeriod(query);
  const { chosen, chosenIds, filterIds } = chooseQueues(await loadQueues(executor), query);
  const period: Window = { start: query.from.getTime(), end: query.to.getTime() };
  const happened: Window = { start: period.start, end: Math.min(period.end, now.getTime()) };

  const gathered =
    happened.end > happened.start
      ? await gatherFacts(executor, happened)
      : { facts: emptyFacts(), agentsOf: new Map<string, Set<string>>() };
  const split = factsByQueue(gathered.facts, chosenIds);
  const days = tallyPeriod({
    days: localDays(query.timeZone, period),
    queueIds: chosenIds,
    stored: await finalIntervals(executor, period),
    factsOf: (queueId) => split.get(queueId) ?? { ...emptyFacts(), agents: gathered.facts.agents },
    facts: gathered.facts,
    agentsOf: gathered.agentsOf,
    now: now.getTime(),
  });
  // Every queue: the whole team's time; one queue: its agents'; a limited scope: its queues' agents.
  const teamTime = (day: (typeof days)[number]) => (filterIds ? undefined : day.team);
  const dayTotals = days.map((day) => combine([...day.byQueue.values()], teamTime(day)));

  let ratings = await ratingsBetween(executor, happened, query.queueId);
  if (query.queueIds) ratings = inQueues(ratings, new Set(query.queueIds));
  const csatOfQueue = csatBy(ratings, "queueId");
  const hours = volumeByHour(await volumeRows(executor, period, filterIds), query.timeZone, period);
  const byChannel = channelTotals(hours);
  const agentFacts = agentTable(
    gathered.facts,
    happened,
    await agentNames(executor, [
      ...new Set([...gathered.facts.agents.keys(), ...ratings.flatMap((r) => r.agentId ?? [])]),
    ]),
    csatBy(ratings, "agentId"),
    filterIds ? new Set(filterIds) : undefined,
  );
  const dispositions = await dispositionCounts(executor, {
    from: query.from,
    to: query.to,
    ...(filterIds ? { queueIds: filterIds } : {}),
  });

  return {
    period: {
      from: isoInZone(query.timeZone, period.start),
      to: isoInZone(query.timeZone, period.end),
      timeZone: query.timeZone,
      queueId: query.queueId ?? null,
    },
    totals: { ...figuresOf(combine(dayTotals)), csat: csatFigure(ratings) },
    volume: { byHour: hours, byChannel, total: hours.reduce((sum, hour) => sum + hour.total, 0) },
    queues: chosen.map((queue) => ({
      queueId: queue.id,
      name: queue.name,
      goal: { percent: queue.serviceLevelPercent, seconds: queue.serviceLevelSeconds },
      ...figuresOf(combine(days.map((day) => day.byQueue.get(queue.id)!))),
      csat: csatOfQueue.get(queue.id) ?? noCsat,
    })),
    days: days.map((day, index) => ({
      start: isoInZone(query.timeZone, day.start),
      ...figuresOf(dayTotals[index]!),
    })),
    sla: slaAttainment(await slaOutcomeCounts(executor, happened, filterIds)),
    agents: agentFacts,
    dispositions: dispositionShares(
      dispositions.map((row) => ({ dispositionId: row.dispositionId, label: row.label, count: row.cases })),
    ),
  };
}
