/**
 * Staffing per queue from live state: the arrival rate and handle time of the last hour, the agents
 * who can serve the queue now, and Erlang C's verdict on whether that meets the queue's goal.
 */
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { stateIn } from "../cases/case-states.ts";
import type { Db } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { caseEvents, cases } from "../db/schema/cases.ts";
import type { AgentSnapshot } from "../routing/agent-snapshot.ts";
import { hasRoom } from "../routing/matcher.ts";
import type { QueueRow } from "../routing/queue-config.ts";
import { agentsNeeded, erlangC } from "./erlang-c.ts";

const HOUR_MS = 3600_000;
/** Handle time assumed for a queue without recent history. */
export const DEFAULT_AHT_SECONDS = 300;

export interface QueueLoad {
  queueId: string;
  arrivalsPerHour: number;
  ahtSeconds: number;
  waiting: number;
}

/** Arrivals and handle time per queue over the last hour, from the audit trail. */
export async function queueLoads(db: Db, queueIds: string[], now: Date): Promise<Map<string, QueueLoad>> {
  const result = new Map<string, QueueLoad>(
    queueIds.map((id) => [
      id,
      { queueId: id, arrivalsPerHour: 0, ahtSeconds: DEFAULT_AHT_SECONDS, waiting: 0 },
    ]),
  );
  if (!queueIds.length) return result;
  const since = new Date(now.getTime() - HOUR_MS);
  const arrivals = await db
    .select({ queueId: cases.queueId, n: sql<number>`count(*)::int` })
    .from(caseEvents)
    .innerJoin(cases, eq(cases.id, caseEvents.caseId))
    .where(
      and(
        inArray(cases.queueId, queueIds),
        gte(caseEvents.at, since),
        stateIn(caseEvents.toState, "routable"),
        stateIn(caseEvents.fromState, "inQueue", true),
      ),
    )
    .groupBy(cases.queueId);
  // Handle time: from assignment to the case leaving the agent, for work finished in the hour.
  const handled = await queryRows<{ queue_id: string; aht: number | null }>(
    db,
    sql`
    select c.queue_id, avg(extract(epoch from (r.at - a.at)))::float as aht
    from ${caseEvents} r
    join ${cases} c on c.id = r.case_id
    join lateral (
      select e.at from ${caseEvents} e where e.case_id = r.case_id and e.type = 'assign' and e.at <= r.at order by e.at desc limit 1
    ) a on true
    where r.at >= ${since.toISOString()}::timestamptz and ${stateIn(sql`r.from_state`, "occupiesAgent")}
      and (${stateIn(sql`r.to_state`, "done")} or ${stateIn(sql`r.to_state`, "routable")}) and c.queue_id in (${sql.join(
        queueIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
    group by c.queue_id`,
  );
  const waiting = await db
    .select({ queueId: cases.queueId, n: sql<number>`count(*)::int` })
    .from(cases)
    .where(and(inArray(cases.queueId, queueIds), stateIn(cases.state, "inQueue")))
    .groupBy(cases.queueId);
  for (const row of arrivals) if (row.queueId) result.get(row.queueId)!.arrivalsPerHour = Number(row.n);
  for (const row of handled) if (row.aht && row.aht > 0) result.get(row.queue_id)!.ahtSeconds = row.aht;
  for (const row of waiting) if (row.queueId) result.get(row.queueId)!.waiting = Number(row.n);
  return result;
}

export const meetsRequired = (
  agent: Pick<AgentSnapshot, "skills">,
  queue: Pick<QueueRow, "requiredSkills">,
) => queue.requiredSkills.every((r) => (agent.skills[r.skillId] ?? 0) >= r.level);

/** Agents who could serve the queue now: available, with its required skills and room on some channel. */
export function staffOf(agents: AgentSnapshot[], queue: Pick<QueueRow, "requiredSkills">): AgentSnapshot[] {
  return agents.filter(
    (agent) =>
      agent.available &&
      meetsRequired(agent, queue) &&
      (["chat", "email", "sms", "voice"] as const).some((ch) => hasRoom(agent, ch)),
  );
}

export interface StaffingVerdict {
  queueId: string;
  name: string;
  goal: { percent: number; seconds: number };
  load: QueueLoad;
  staffed: number;
  /** Erlang C agents needed for the goal at this load (0 without traffic). */
  needed: number;
  /** Predicted service level with the agents staffed now (null when unstable or no traffic). */
  serviceLevel: number | null;
}

/**
 * Erlang C needs at least some traffic; a queue with waiting cases but no arrivals in the hour is
 * treated as if those cases had arrived in it.
 */
function arrivalsFor(load: QueueLoad): number {
  return Math.max(load.arrivalsPerHour, load.waiting);
}

export function predictedServiceLevel(load: QueueLoad, agents: number, goalSeconds: number): number | null {
  const arrivals = arrivalsFor(load);
  if (arrivals === 0) return 1;
  const result = erlangC({ arrivalsPerHour: arrivals, ahtSeconds: load.ahtSeconds, agents });
  return result.probabilityOfWaiting >= 1 ? 0 : result.serviceLevel(goalSeconds);
}

export function verdict(queue: QueueRow, load: QueueLoad, staffed: number): StaffingVerdict {
  const arrivals = arrivalsFor(load);
  const needed =
    arrivals === 0
      ? 0
      : agentsNeeded({
          arrivalsPerHour: arrivals,
          ahtSeconds: load.ahtSeconds,
          targetServiceLevel: queue.serviceLevelPercent / 100,
          targetSeconds: queue.serviceLevelSeconds,
        }).agents;
  return {
    queueId: queue.id,
    name: queue.name,
    goal: { percent: queue.serviceLevelPercent, seconds: queue.serviceLevelSeconds },
    load,
    staffed,
    needed,
    serviceLevel: predictedServiceLevel(load, staffed, queue.serviceLevelSeconds),
  };
}
