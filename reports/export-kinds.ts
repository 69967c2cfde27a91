/**
 * Each export's columns and its reads in keyset pages: rows after the last key seen, in primary-key
 * order, a page at a time, so a million-row export never holds more than one page (and works the
 * same on PGlite, which has no server-side cursors, and PostgreSQL). Walking the primary key costs
 * one pass over the table whatever the period; rows come out in key order, not time order.
 */
import { sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import type { ExportKind } from "../db/schema/integrations.ts";
import { compactJson } from "./csv-cells.ts";

export interface ExportParams {
  from: string;
  to: string;
  timeZone: string;
  queueId?: string;
  /** A limited supervisor's queues: only their cases. */
  queueIds?: string[];
}

/** A page of rows as cells, and the key to continue after. */
export interface ExportPage {
  rows: unknown[][];
  last: string | null;
}

export interface StreamedKind {
  columns: string[];
  count(executor: Executor, params: ExportParams): Promise<number>;
  page(
    executor: Executor,
    params: ExportParams,
    after: string | null,
    limit: number,
    time: (ms: number | null) => string,
  ): Promise<ExportPage>;
}

const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const NO_UUID = "00000000-0000-0000-0000-000000000000";

/** The period and queue condition on a case's time column (`c` is the case). */
function caseFilter(params: ExportParams, timeColumn: string) {
  const column = sql.raw(timeColumn);
  const queues = params.queueId ? [params.queueId] : params.queueIds;
  return sql`${column} >= ${params.from}::timestamptz and ${column} < ${params.to}::timestamptz
    ${queues ? sql`and c.queue_id = any(${`{${queues.join(",")}}`}::uuid[])` : sql``}`;
}

async function countOf(executor: Executor, from: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(executor, sql`select count(*)::int as n ${from}`);
  return Number(row?.n ?? 0);
}

const casesKind: StreamedKind = {
  columns: [
    "case_id",
    "number",
    "created_at",
    "channel",
    "subject",
    "priority",
    "state",
    "queue",
    "assignee",
    "contact",
    "tags",
    "disposition",
    "csat_rating",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "sla_status",
    "custom_fields",
  ],
  count: (executor, params) =>
    countOf(executor, sql`from cases c where ${caseFilter(params, "c.created_at")}`),
  async page(executor, params, after, limit, time) {
    const rows = await queryRows<Record<string, unknown>>(
      executor,
      sql`select c.id, c.number, ${ms("c.created_at")} as created, c.channel, c.subject, c.priority, c.state,
          q.name as queue, a.email as assignee, ct.name as contact, array_to_string(c.tags, ';') as tags,
          d.label as disposition, c.csat_rating, ${ms("c.first_response_at")} as first_response,
          ${ms("c.resolved_at")} as resolved, ${ms("c.closed_at")} as closed, c.sla_status, c.custom_fields
        from cases c
        left join queues q on q.id = c.queue_id
        left join agents a on a.id = c.assignee_id
        left join contacts ct on ct.id = c.contact_id
        left join disposition_codes d on d.id = c.disposition_id
        where c.id > ${after ?? NO_UUID}::uuid and ${caseFilter(params, "c.created_at")}
        order by c.id limit ${limit}`,
    );
    return {
      rows: rows.map((r) => [
        r.id,
        r.number,
        time(r.created as number),
        r.channel,
        r.subject,
        r.priority,
        r.state,
        r.queue,
        r.assignee,
        r.contact,
        r.tags,
        r.disposition,
        r.csat_rating,
        time(r.first_response as number | null),
        time(r.resolved as number | null),
        time(r.closed as number | null),
        r.sla_status,
        compactJson(r.custom_fields),
      ]),
      last: rows.length ? String(rows[rows.length - 1]!.id) : null,
    };
  },
};

const interactionsKind: StreamedKind = {
  columns: [
    "interaction_id",
    "case_number",
    "created_at",
    "channel",
    "kind",
    "direction",
    "status",
    "author",
    "body",
  ],
  count: (executor, params) =>
    countOf(
      executor,
      sql`from interactions i join cases c on c.id = i.case_id where ${caseFilter(params, "i.created_at")}`,
    ),
  async page(executor, params, after, limit, time) {
    const rows = await queryRows<Record<string, unknown>>(
      executor,
      sql`select i.id, c.number, ${ms("i.created_at")} as created, i.channel, i.kind, i.direction, i.status,
          a.email as author, i.body
        from interactions i
        join cases c on c.id = i.case_id
        left join agents a on a.id = i.author_agent_id
        where i.id > ${after ?? NO_UUID}::uuid and ${caseFilter(params, "i.created_at")}
        order by i.id limit ${limit}`,
    );
    return {
      rows: rows.map((r) => [
        r.id,
        r.number,
        time(r.created as number),
        r.channel,
        r.kind,
        r.direction,
        r.status,
        r.author,
        r.body,
      ]),
      last: rows.length ? String(rows[rows.length - 1]!.id) : null,
    };
  },
};

const slaEventsKind: StreamedKind = {
  columns: ["event_id", "case_number", "queue", "metric", "cycle", "type", "at"],
  count: (executor, params) =>
    countOf(
      executor,
      sql`from sla_events e join cases c on c.id = e.case_id where ${caseFilter(params, "e.at")}`,
    ),
  async page(executor, params, after, limit, time) {
    const rows = await queryRows<Record<string, unknown>>(
      executor,
      sql`select e.id, c.number, q.name as queue, e.metric, e.cycle, e.type, ${ms("e.at")} as at
        from sla_events e
        join cases c on c.id = e.case_id
        left join queues q on q.id = c.queue_id
        where e.id > ${Number(after ?? 0)} and ${caseFilter(params, "e.at")}
        order by e.id limit ${limit}`,
    );
    return {
      rows: rows.map((r) => [
        Number(r.id),
        r.number,
        r.queue,
        r.metric,
        r.cycle,
        r.type,
        time(r.at as number),
      ]),
      last: rows.length ? String(rows[rows.length - 1]!.id) : null,
    };
  },
};

const csatKind: StreamedKind = {
  columns: ["case_number", "rated_at", "rating", "comment", "queue", "agent", "channel"],
  count: (executor, params) =>
    countOf(
      executor,
      sql`from cases c where c.csat_rating is not null and ${caseFilter(params, "c.csat_at")}`,
    ),
  async page(executor, params, after, limit, time) {
    const rows = await queryRows<Record<string, unknown>>(
      executor,
      sql`select c.id, c.number, ${ms("c.csat_at")} as rated, c.csat_rating, c.csat_comment, q.name as queue,
          a.email as agent, c.channel
        from cases c
        left join queues q on q.id = c.queue_id
        left join agents a on a.id = c.assignee_id
        where c.id > ${after ?? NO_UUID}::uuid and c.csat_rating is not null and ${caseFilter(params, "c.csat_at")}
        order by c.id limit ${limit}`,
    );
    return {
      rows: rows.map((r) => [
        r.number,
        time(r.rated as number),
        r.csat_rating,
        r.csat_comment,
        r.queue,
        r.agent,
        r.channel,
      ]),
      last: rows.length ? String(rows[rows.length - 1]!.id) : null,
    };
  },
};

export const STREAMED_KINDS: Record<Exclude<ExportKind, "agent_performance">, StreamedKind> = {
  cases: casesKind,
  interactions: interactionsKind,
  sla_events: slaEventsKind,
  csat: csatKind,
};

/** The per-agent table of the report: a few hundred rows at most, computed, not paged. */
export const AGENT_PERFORMANCE_COLUMNS = [
  "agent_id",
  "agent",
  "handled",
  "aht_seconds",
  "occupancy",
  "available_seconds",
  "csat_average",
  "csat_count",
];
