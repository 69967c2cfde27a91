/**
 * Queues and assignment rules change rarely and are read by every new case and every routing pass,
 * so they are kept in memory for a moment. A change made through this process clears the cache at
 * once; other processes see it within `ttlMs`.
 */
import { asc, eq } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { assignmentRules, queues } from "../db/schema/routing.ts";
import type { QueueRow } from "./queue-config.ts";

export type RuleRow = typeof assignmentRules.$inferSelect;

export interface RoutingConfig {
  queues: Map<string, QueueRow>;
  rules: RuleRow[];
  defaultQueueId: string | null;
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
