/**
 * Reads how much work each agent holds, per channel: assigned open cases plus pending offers. A voice
 * case counts only while its call is live (or before its first call); a live call placed from
 * another case, or an outbound campaign call the agent is on, counts as voice work.
 */
import { type SQL, sql } from "drizzle-orm";
import { liveCallsOnHeldCases, occupiesAgent } from "../cases/calls.ts";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { type Channel, cases } from "../db/schema/cases.ts";
import { dialAttempts } from "../db/schema/outbound.ts";
import { offers } from "../db/schema/routing.ts";

/**
 * SQL rows `(agent_id, channel = 'voice')`, one per outbound campaign call an agent is talking on:
 * those calls have no case, but the agent is on the phone all the same.
 */
export const liveOutboundCalls = (agentMatch: (agent: SQL) => SQL) => sql`
  select da.agent_id, 'voice'::text as channel from ${dialAttempts} da
    where da.status = 'connected' and da.kind = 'dial' and ${agentMatch(sql`da.agent_id`)}`;

const emptyLoad = (): Record<Channel, number> => ({ chat: 0, email: 0, sms: 0, voice: 0 });

export async function loadsFor(
  executor: Executor,
  agentIds: string[],
): Promise<Map<string, Record<Channel, number>>> {
  const loads = new Map(agentIds.map((id) => [id, emptyLoad()]));
  if (!agentIds.length) return loads;
  const ids = sql.join(
    agentIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  // One round trip: cases held (assigned or waiting on the customer) plus cases offered, per agent and channel.
  const rows = await queryRows<{ agent_id: string; channel: Channel; n: number }>(
    executor,
    sql`
      select agent_id, channel, count(*)::int as n from (
        select ${cases.assigneeId} as agent_id, ${cases.channel} as channel
          from ${cases}
          where ${cases.assigneeId} in (${ids}) and ${cases.state} in ('assigned', 'waiting_on_customer')
            and ${occupiesAgent(cases.id, cases.channel)}
        union all
        select o.agent_id, c.channel
          from ${offers} o join ${cases} c on c.id = o.case_id
          where o.agent_id in (${ids}) and o.status = 'pending'
        union all
        ${liveCallsOnHeldCases((assignee) => sql`${assignee} in (${ids})`)}
        union all
        ${liveOutboundCalls((agent) => sql`${agent} in (${ids})`)}
      ) held
      group by agent_id, channel`,
  );
  for (const row of rows) {
    const load = loads.get(row.agent_id);
    if (load) load[row.channel] += Number(row.n);
  }
  return loads;
}
