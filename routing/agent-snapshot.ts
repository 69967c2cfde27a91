/**
 * The agents routing may choose from, with their skills and current load, as the matcher wants them,
 * read in one query: skills and load are gathered per agent inside the database (index lookups on
 * agent_skills, and `sb_agent_load`), so no list of ids travels either way.
 */
import type { Executor } from "../db/connect.ts";
import { callFunction } from "../db/functions.ts";
import type { ChannelCapacity, Presence } from "../db/schema/agents.ts";
import type { Channel } from "../db/schema/cases.ts";
import { loadOf } from "./agent-load.ts";
import type { MatcherAgent } from "./matcher.ts";

export interface AgentSnapshot extends MatcherAgent {
  presence: Presence;
  /** Epoch ms when the agent's wrap-up ends, if they have one. */
  wrapUpUntil: number | null;
}

interface Row {
  id: string;
  presence: Presence;
  capacity: ChannelCapacity;
  idle_since: string;
  wrap_up_until: string | null;
  skills: Record<string, number>;
  load: Partial<Record<Channel, number>>;
}

/** Routing may offer work: present, and not in wrap-up. */
export const isAvailable = (presence: Presence, wrapUpUntil: number | null, now: number) =>
  presence === "available" && !(wrapUpUntil !== null && wrapUpUntil > now);

/** Which agents: by presence (`available`: routable; `present`: not offline; absent: all) and ids. */
export interface AgentFilter {
  presence?: "available" | "present";
  ids?: string[];
}

/**
 * Active agents with skills and load. `available` is false for an agent in wrap-up, so overflow
 * steps that wait for "no agent available" see them as busy.
 */
export async function agentSnapshots(
  executor: Executor,
  now: Date,
  filter: AgentFilter = {},
): Promise<AgentSnapshot[]> {
  const rows = await callFunction<Row[]>(executor, "sb_agent_snapshots", filter);
  return rows.map((row) => {
    const wrapUpUntil = row.wrap_up_until === null ? null : new Date(row.wrap_up_until).getTime();
    return {
      id: row.id,
      presence: row.presence,
      skills: row.skills,
      capacity: row.capacity,
      load: loadOf(row.load),
      idleSince: new Date(row.idle_since).getTime(),
      wrapUpUntil,
      available: isAvailable(row.presence, wrapUpUntil, now.getTime()),
    };
  });
}

/** Agents whose presence is `available`: the ones routing may offer work to. */
export function availableAgents(executor: Executor, now: Date): Promise<AgentSnapshot[]> {
  return agentSnapshots(executor, now, { presence: "available" });
}
