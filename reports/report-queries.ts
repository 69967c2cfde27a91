/** The report's reads: plain rows for the shaping functions (report-shape.ts, report-tallies.ts). */
import { and, asc, gte, inArray, lt, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { agents } from "../db/schema/agents.ts";
import { cases } from "../db/schema/cases.ts";
import { queueIntervals } from "../db/schema/sla.ts";
import { INTERVAL_MS, SETTLE_MS } from "../sla/metrics-intervals.ts";
import type { SlaOutcomeCount, VolumeRow } from "./report-shape.ts";
import type { StoredInterval } from "./report-tallies.ts";
import type { Window } from "./zone-time.ts";

const iso = (ms: number) => new Date(ms).toISOString();
/** `column = any('{…}'::uuid[])`: one statement shape whatever the number of queues. */
const inQueues = (column: unknown, queueIds: readonly string[]) =>
  sql`${column} = any(${`{${queueIds.join(",")}}`}::uuid[])`;

/** Cases created per 15-minute bucket and channel. */
export async function volumeRows(
  executor: Executor,
  period: Window,
  queueIds: readonly string[] | undefined,
): Promise<VolumeRow[]> {
  const bucket = sql<number>`(floor(extract(epoch from ${cases.createdAt}) / 900) * 900000)::float8`;
  const rows = await executor
    .select({ bucket, channel: cases.channel, count: sql<number>`count(*)::int` })
    .from(cases)
    .where(
      and(
        gte(cases.createdAt, new Date(period.start)),
        lt(cases.createdAt, new Date(period.end)),
        queueIds ? inQueues(cases.queueId, queueIds) : undefined,
      ),
    )
    .groupBy(sql`1`, cases.channel);
  return rows.map((row) => ({ bucket: Number(row.bucket), channel: row.channel, count: Number(row.count) }));
}

/** Final stored intervals lying wholly inside the period, by start. */
export async function finalIntervals(
  executor: Executor,
  period: Window,
): Promise<Map<number, StoredInterval[]>> {
  const rows = await executor
    .select({
      queueId: queueIntervals.queueId,
      start: queueIntervals.intervalStart,
      figures: queueIntervals.figures,
    })
    .from(queueIntervals)
    .where(
      and(
        gte(queueIntervals.intervalStart, new Date(period.start)),
        lt(queueIntervals.intervalStart, new Date(period.end - INTERVAL_MS + 1)),
        sql`${queueIntervals.computedAt} >= ${queueIntervals.intervalStart} + ${sql.raw(`interval '${(INTERVAL_MS + SETTLE_MS) / 1000} seconds'`)}`,
      ),
    )
    .orderBy(asc(queueIntervals.intervalStart));
  const byStart = new Map<number, StoredInterval[]>();
  for (const row of rows) {
    const start = row.start.getTime();
    byStart.set(start, [
      ...(byStart.get(start) ?? []),
      { queueId: row.queueId, start, figures: row.figures },
    ]);
  }
  return byStart;
}

/** SLA targets that ended in the period, per metric: met, met late, breached and not met since. */
export async function slaOutcomeCounts(
  executor: Executor,
  period: Window,
  queueIds: readonly string[] | undefined,
): Promise<SlaOutcomeCount[]> {
  const rows = await queryRows<SlaOutcomeCount>(
    executor,
    sql`
      select e.metric, e.type, count(*)::int as count
      from sla_events e
      join cases c on c.id = e.case_id
      where e.at >= ${iso(period.start)}::timestamptz and e.at < ${iso(period.end)}::timestamptz
        and (e.type in ('met', 'met_late')
          or (e.type = 'breached' and not exists (
            select 1 from sla_events m
            where m.target_id = e.target_id and m.cycle = e.cycle and m.type in ('met', 'met_late'))))
        ${queueIds ? sql`and ${inQueues(sql`c.queue_id`, queueIds)}` : sql``}
      group by e.metric, e.type`,
  );
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** Names of these agents (deactivated ones too: their past work still counts). */
export async function agentNames(executor: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await executor
    .select({ id: agents.id, name: agents.name })
    .from(agents)
    .where(inArray(agents.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row.name]));
}
