/**
 * Queues, assignment rules and agents' queue scopes change rarely and are read by every new case and every routing pass,
 * so they are kept in memory for a moment. A change made through this process clears the cache at
 * once; other processes see it within `ttlMs`.
 */
import { and, asc, eq, ne } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { agentQueueScopes, assignmentRules, queues } from "../db/schema/routing.ts";
import type { QueueRow } from "./queue-config.ts";

export type RuleRow = typeof assignmentRules.$inferSelect;

export interface RoutingConfig {
  queues: Map<string, QueueRow>;
  rules: RuleRow[];
  defaultQueueId: string | null;
  /**
   * The agents limited to some queues (admins never are), with those queues: routing never offers
   * them a case of another queue (cases/case-permissions.ts: an agent is not offered what they
   * could not see).
   */
  scopes: Map<string, ReadonlySet<string>>;
}

/** The limited agents who may not see this queue: barred from its cases. */
export function outOfScopeAgents(config: Pick<RoutingConfig, "scopes">, queueId: string): string[] {
  const out: string[] = [];
  for (const [agentId, queueIds] of config.scopes) if (!queueIds.has(queueId)) out.push(agentId);
  return out;
}

async function readScopes(executor: Executor): Promise<Map<string, ReadonlySet<string>>> {
  const rows = await executor
    .select({ agentId: agents.id, queueId: agentQueueScopes.queueId })
    .from(agents)
    .leftJoin(agentQueueScopes, eq(agentQueueScopes.agentId, agents.id))
    .where(and(eq(agents.queueScopeLimited, true), ne(agents.role, "admin")));
  const scopes = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = scopes.get(row.agentId) ?? new Set<string>();
    if (row.queueId) set.add(row.queueId);
    scopes.set(row.agentId, set);
  }
  return scopes;
}

export interface RoutingConfigCache {
  get(executor: Executor): Promise<RoutingConfig>;
  invalidate(): void;
}

export const CONFIG_TTL_MS = 2000;

export function createRoutingConfigCache(ttlMs = CONFIG_TTL_MS): RoutingConfigCache {
  let cached: { config: RoutingConfig; at: number } | undefined;
  let generation = 0;
  return {
    async get(executor) {
      if (cached && Date.now() - cached.at < ttlMs) return cached.config;
      const started = generation;
      const queueRows = await executor.select().from(queues).orderBy(asc(queues.name));
      const rules = await executor
        .select()
        .from(assignmentRules)
        .where(eq(assignmentRules.enabled, true))
        .orderBy(asc(assignmentRules.position));
      const config = {
        queues: new Map(queueRows.map((row) => [row.id, row])),
        rules,
        defaultQueueId: queueRows.find((row) => row.isDefault)?.id ?? null,
        scopes: await readScopes(executor),
      };
      // A change while this was being read makes it stale already: use it, but do not keep it.
      if (started === generation) cached = { config, at: Date.now() };
      return config;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
    },
  };
}
