/**
 * The agents routing may choose from, with their skills and current load, as the matcher wants them,
 * read in one query: skills and load are gathered per agent inside the database (index lookups on
 * agent_skills, cases by assignee and offers by agent), so no list of ids travels either way. A voice
 * case counts only while its call is live (cases/calls.ts).
 */
import { type SQL, sql } from "drizzle-orm";
import { liveCallsOnHeldCases, occupiesAgent } from "../cases/calls.ts";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import type { ChannelCapacity, Presence } from "../db/schema/agents.ts";
import type { Channel } from "../db/schema/cases.ts";
import { liveOutboundCalls } from "./agent-load.ts";
import type { MatcherAgent } from "./matcher.ts";

export interface AgentSnapshot extends MatcherAgent {
  presence: Presence;
}

interface Row {
  id: string;
  presence: Presence;
  capacity: ChannelCapacity;
  idle_since: string | Date;
  in_wrap_up: boolean;
  skills: Record<string, number> | null;
  load: Partial<Record<Channel, number>> | null;
}

const asJson = <T>(value: T | string | null): T | null =>
  typeof value === "string" ? (JSON.parse(value) as T) : value;

/**
 * Active agents with skills and load. `available` is false for an agent in wrap-up, so overflow
 * steps that wait for "no agent available" see them as busy.
 */
export async function agentSnapshots(executor: Executor, now: Date, where: SQL): Promise<AgentSnapshot[]> {
  const rows = await queryRows<Row>(
    executor,
    sql`
      select a.id, a.presence, a.capacity,
        coalesce(a.last_work_ended_at, a.presence_changed_at) as idle_since,
        (a.wrap_up_until is not null and a.wrap_up_until > ${now.toISOString()}::timestamptz) as in_wrap_up,
        (select json_object_agg(s.skill_id, s.level) from agent_skills s where s.agent_id = a.id) as skills,
        (select json_object_agg(held.channel, held.n) from (
          select channel, count(*)::int as n from (
            select c.channel from cases c
              where c.assignee_id = a.id and c.state in ('assigned', 'waiting_on_customer')
                and ${occupiesAgent(sql`c.id`, sql`c.channel`)}
            union all
            select c.channel from offers o join cases c on c.id = o.case_id
              where o.agent_id = a.id and o.status = 'pending'
            union all
            select lc.channel from (${liveCallsOnHeldCases((assignee) => sql`${assignee} = a.id`)}) lc
            union all
            select oc.channel from (${liveOutboundCalls((agent) => sql`${agent} = a.id`)}) oc
          ) work group by channel
        ) held) as load
      from agents a
      where a.deactivated_at is null and ${where}`,
  );
  return rows.map((row) => {
    const load = asJson(row.load) ?? {};
    return {
      id: row.id,
      presence: row.presence,
      skills: asJson(row.skills) ?? {},
      capacity: asJson(row.capacity)!,
      load: { chat: load.chat ?? 0, email: load.email ?? 0, sms: load.sms ?? 0, voice: load.voice ?? 0 },
      idleSince: new Date(row.idle_since).getTime(),
      available: row.presence === "available" && !row.in_wrap_up,
    };
  });
}

/** Agents whose presence is `available`: the ones routing may offer work to. */
export function availableAgents(executor: Executor, now: Date): Promise<AgentSnapshot[]> {
  return agentSnapshots(executor, now, sql`a.presence = 'available'`);
}
