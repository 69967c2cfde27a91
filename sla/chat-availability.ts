/**
 * Whether a web chat started now would be answered: the queue a new chat lands in (assignment rules
 * first, the default queue last) is open by its business hours, and someone who could take it is
 * available. The widget offers "leave a message" instead when not. Overflow steps are not followed:
 * a queue that only reaches its agents by overflowing counts as unanswered until someone qualifies.
 */
import type { Executor } from "../db/connect.ts";
import type { AgentSnapshot } from "../routing/agent-snapshot.ts";
import { outOfScopeAgents, type RoutingConfigCache } from "../routing/config-cache.ts";
import { pickRule } from "../routing/placement.ts";
import { isOpenAt } from "./business-calendar.ts";

export const CHAT_AVAILABILITY = ["open", "closed", "no_agents"] as const;
/** `closed`: outside the chat queue's business hours; `no_agents`: nobody available could take a chat. */
export type ChatAvailability = (typeof CHAT_AVAILABILITY)[number];

export interface ChatAvailabilityInput {
  config: RoutingConfigCache;
  /** Every active agent with presence, skills and capacity (the routing registry's view, or read). */
  agents: () => Promise<readonly AgentSnapshot[]>;
  at: Date;
}

/** The queue a chat with nothing said yet would be placed in. */
function chatQueueId(config: Awaited<ReturnType<RoutingConfigCache["get"]>>): string | null {
  const rule = pickRule(config.rules, {
    channel: "chat",
    channelAddress: null,
    contactAttributes: {},
    subject: "",
    body: "",
    priority: "normal",
  });
  return rule?.queueId ?? config.defaultQueueId;
}

export async function chatAvailability(
  executor: Executor,
  input: ChatAvailabilityInput,
): Promise<ChatAvailability> {
  const config = await input.config.get(executor);
  const queueId = chatQueueId(config);
  const queue = queueId ? config.queues.get(queueId) : undefined;
  if (queue?.businessHours && !isOpenAt(queue.businessHours, input.at)) return "closed";
  const barred = new Set(queue ? outOfScopeAgents(config, queue.id) : []);
  const required = queue?.requiredSkills ?? [];
  const people = await input.agents();
  const someone = people.some(
    (person) =>
      person.presence === "available" &&
      person.capacity.chat > 0 &&
      !barred.has(person.id) &&
      required.every((need) => (person.skills[need.skillId] ?? 0) >= need.level),
  );
  return someone ? "open" : "no_agents";
}

/**
 * The available agents, read at most once per `ttlMs` while someone is available: every visitor's
 * hello asks whether a chat would be answered, and reading every available agent per hello costs a
 * routing pass's worth of work under load. An empty answer is never kept, so a visitor is not told
 * "nobody is there" from an old read after someone went available; business hours are checked on
 * every hello from the routing config.
 */
export function availableAgentsKept(
  read: () => Promise<readonly AgentSnapshot[]>,
  ttlMs: number,
  now: () => number = Date.now,
): () => Promise<readonly AgentSnapshot[]> {
  let kept: { agents: readonly AgentSnapshot[]; until: number } | null = null;
  return async () => {
    if (kept && now() < kept.until) return kept.agents;
    const agents = await read();
    kept = agents.length ? { agents, until: now() + ttlMs } : null;
    return agents;
  };
}
