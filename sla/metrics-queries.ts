/**
 * Live metrics: the SQL that gathers the facts of a span of time. A handful of queries, each bounded
 * by the span through an index, whatever the size of the history:
 *
 * - case_events has no index on `at`, but every audit row of a case moves `cases.updated_at` up to
 *   at least its time (case-workflow.ts writes `greatest(updated_at, at)`), and none is older than
 *   the case. So the cases with an event in the span are among those with `updated_at >= start` and
 *   `created_at < end` (index cases_updated_idx), plus those held by an agent now (cases_state_idx:
 *   a case held since before the span keeps its agent busy). Their events come through case_events
 *   (case_id, id), the whole trail of each, since a fact may hinge on an earlier event (the queue
 *   join before an answer, the assignment before a release, a reopening).
 * - presence: the state of each agent when the span began (agent_presence_log (agent_id, at), one
 *   index probe per agent) and the changes during it (agent_presence_log (at)).
 * - SLA outcomes: sla_events (at), and the unique (target_id, cycle, type) to see whether a breach
 *   was met later.
 * - backlog: the waiting cases now (cases_state_idx).
 */
import { sql } from "drizzle-orm";
import { stateIn } from "../cases/case-states.ts";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import type { Presence } from "../db/schema/agents.ts";
import type { CaseState, Channel } from "../db/schema/cases.ts";
import type { CaseHistory } from "./metrics-facts.ts";
import type { Span } from "./metrics-figures.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const asJson = <T>(value: T | string | null): T | null =>
  typeof value === "string" ? (JSON.parse(value) as T) : value;

/** The cases that may have facts in the span: touched since it began, or held by an agent now. */
const candidates = (span: Span) => sql`
  candidate as (
    select id from cases
    where updated_at >= ${iso(span.start)}::timestamptz and created_at < ${iso(span.end)}::timestamptz
    union
    select id from cases
    where ${stateIn(sql`state`, "occupiesAgent")} and created_at < ${iso(span.end)}::timestamptz
  )`;

interface EventRow {
  case_id: string;
  channel: Channel;
  queue_id: string | null;
  created_ms: number;
  type: string;
  from_state: CaseState | null;
  to_state: CaseState | null;
  actor_type: string;
  at_ms: number;
  assignee_changed: boolean;
  to_assignee_id: string | null;
  queue_changed: boolean;
  from_queue_id: string | null;
  to_queue_id: string | null;
  transfer: boolean;
}

/** The full audit trail (state, assignee and queue changes) of every case that may have facts in the span. */
export async function caseHistories(executor: Executor, span: Span): Promise<Map<string, CaseHistory>> {
  const rows = await queryRows<EventRow>(
    executor,
    sql`
      with ${candidates(span)}
      select c.id as case_id, c.channel, c.queue_id,
        (extract(epoch from c.created_at) * 1000)::float8 as created_ms,
        e.type, e.from_state, e.to_state, e.actor_type,
        (extract(epoch from e.at) * 1000)::float8 as at_ms,
        (e.details -> 'toAssigneeId') is not null as assignee_changed,
        e.details ->> 'toAssigneeId' as to_assignee_id,
        (e.details -> 'toQueueId') is not null as queue_changed,
        e.details ->> 'fromQueueId' as from_queue_id,
        e.details ->> 'toQueueId' as to_queue_id,
        coalesce(e.details ->> 'transfer', '') = 'true' as transfer
      from candidate k
      join cases c on c.id = k.id
      join case_events e on e.case_id = c.id
      where e.to_state is not null
      order by e.case_id, e.id`,
  );
  const histories = new Map<string, CaseHistory>();
  for (const row of rows) {
    let history = histories.get(row.case_id);
    if (!history) {
      history = {
        caseId: row.case_id,
        channel: row.channel,
        queueId: row.queue_id,
        createdAt: Number(row.created_ms),
        events: [],
        abandonedCalls: [],
      };
      histories.set(row.case_id, history);
    }
    history.events.push({
      type: row.type,
      fromState: row.from_state,
      toState: row.to_state,
      actorType: row.actor_type,
      at: Number(row.at_ms),
      assigneeChanged: row.assignee_changed,
      toAssigneeId: row.to_assignee_id,
      queueChanged: row.queue_changed,
      fromQueueId: row.from_queue_id,
      toQueueId: row.to_queue_id,
      transfer: row.transfer,
    });
  }
  for (const call of await abandonedCalls(executor, span))
    histories.get(call.case_id)?.abandonedCalls.push(call.at_ms);
  return histories;
}

/**
 * Calls whose caller hung up while waiting for an agent (the voice channel sets `outcome` and, once
 * the caller was put in the queue, `waitStartedAt`; a hang-up in the menu never reached a queue).
 */
async function abandonedCalls(executor: Executor, span: Span) {
  const rows = await queryRows<{ case_id: string; at_ms: number }>(
    executor,
    sql`
      with ${candidates(span)}
      select i.case_id,
        (extract(epoch from coalesce((i.metadata ->> 'endedAt')::timestamptz, i.status_changed_at)) * 1000)::float8 as at_ms
      from candidate k
      join interactions i on i.case_id = k.id
      where i.kind = 'call' and i.metadata ->> 'outcome' = 'abandoned'
        and (i.metadata -> 'waitStartedAt') is not null`,
  );
  return rows.map((row) => ({ case_id: row.case_id, at_ms: Number(row.at_ms) }));
}

export interface AgentPresenceRow {
  agentId: string;
  /** Presence when the span began. */
  initial: Presence;
  changes: { presence: Presence; at: number }[];
  skills: Record<string, number>;
}

/** Every agent's presence over the span, and their skills (which queues they count for). */
export async function agentPresence(executor: Executor, span: Span): Promise<AgentPresenceRow[]> {
  const rows = await queryRows<{
    id: string;
    presence: Presence;
    changed_ms: number;
    before: Presence | null;
    changes: [Presence, number][] | string | null;
    skills: Record<string, number> | string | null;
  }>(
    executor,
    sql`
      select a.id, a.presence,
        (extract(epoch from a.presence_changed_at) * 1000)::float8 as changed_ms,
        (select p.presence from agent_presence_log p
          where p.agent_id = a.id and p.at < ${iso(span.start)}::timestamptz
          order by p.at desc, p.id desc limit 1) as before,
        (select json_agg(json_build_array(p.presence, (extract(epoch from p.at) * 1000)::float8) order by p.at, p.id)
          from agent_presence_log p
          where p.agent_id = a.id and p.at >= ${iso(span.start)}::timestamptz
            and p.at < ${iso(span.end)}::timestamptz) as changes,
        (select json_object_agg(s.skill_id, s.level) from agent_skills s where s.agent_id = a.id) as skills
      from agents a`,
  );
  return rows.map((row) => {
    const changes = (asJson(row.changes) ?? []).map(([presence, at]) => ({ presence, at: Number(at) }));
    // Without a logged change before the span (the log is younger than the agent), the agent's
    // current presence counts if it has not changed since the span began.
    const initial =
      row.before ?? (changes.length === 0 && Number(row.changed_ms) <= span.start ? row.presence : "offline");
    return { agentId: row.id, initial, changes, skills: asJson(row.skills) ?? {} };
  });
}

export interface SlaOutcomeRow {
  caseId: string;
  /** The case's queue now; the caller refines it from the case's history when it has one. */
  queueId: string | null;
  at: number;
  onTime: boolean;
}

/** SLA targets met (on time or late) in the span, and those breached in it and not met since. */
export async function slaOutcomes(executor: Executor, span: Span): Promise<SlaOutcomeRow[]> {
  const rows = await queryRows<{ case_id: string; queue_id: string | null; at_ms: number; on_time: boolean }>(
    executor,
    sql`
      select e.case_id, c.queue_id, (extract(epoch from e.at) * 1000)::float8 as at_ms, e.type = 'met' as on_time
      from sla_events e
      join cases c on c.id = e.case_id
      where e.at >= ${iso(span.start)}::timestamptz and e.at < ${iso(span.end)}::timestamptz
        and (e.type in ('met', 'met_late')
          or (e.type = 'breached' and not exists (
            select 1 from sla_events m
            where m.target_id = e.target_id and m.cycle = e.cycle and m.type in ('met', 'met_late'))))`,
  );
  return rows.map((row) => ({
    caseId: row.case_id,
    queueId: row.queue_id,
    at: Number(row.at_ms),
    onTime: row.on_time,
  }));
}

export interface Backlog {
  waiting: number;
  oldestAgeSeconds: number | null;
  medianAgeSeconds: number | null;
}

/** Waiting cases (queued or offered) now, per queue and in total; ages since they joined the queue. */
export async function backlogNow(
  executor: Executor,
  now: number,
): Promise<{ byQueue: Map<string | null, Backlog>; total: Backlog }> {
  const rows = await queryRows<{
    queue_id: string | null;
    total: boolean;
    waiting: number;
    oldest: number | null;
    median: number | null;
  }>(
    executor,
    sql`
      with waiting as (
        select queue_id,
          greatest(0, extract(epoch from (${iso(now)}::timestamptz - coalesce(enqueued_at, created_at))))::float8 as age
        from cases where ${stateIn(sql`state`, "inQueue")}
      )
      select queue_id, grouping(queue_id) = 1 as total, count(*)::int as waiting,
        max(age) as oldest, (percentile_cont(0.5) within group (order by age))::float8 as median
      from waiting
      group by grouping sets ((queue_id), ())`,
  );
  const empty: Backlog = { waiting: 0, oldestAgeSeconds: null, medianAgeSeconds: null };
  const byQueue = new Map<string | null, Backlog>();
  let total = empty;
  for (const row of rows) {
    const waiting = Number(row.waiting);
    const backlog: Backlog = {
      waiting,
      oldestAgeSeconds: waiting && row.oldest !== null ? Math.round(Number(row.oldest)) : null,
      medianAgeSeconds: waiting && row.median !== null ? Math.round(Number(row.median)) : null,
    };
    if (row.total) total = backlog;
    else byQueue.set(row.queue_id, backlog);
  }
  return { byQueue, total };
}
