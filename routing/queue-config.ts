/** Queues as the matcher sees them, read from the database. */
import { asc, eq } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { queues } from "../db/schema/routing.ts";
import type { MatcherQueue } from "./matcher.ts";

export type QueueRow = typeof queues.$inferSelect;

export function toMatcherQueue(row: QueueRow): MatcherQueue {
  return {
    id: row.id,
    requiredSkills: row.requiredSkills.map((r) => ({ skill: r.skillId, level: r.level })),
    preferredSkills: row.preferredSkills.map((r) => ({ skill: r.skillId, level: r.level })),
    policy: row.policy,
    overflowSteps: [...row.overflowSteps].sort((a, b) => a.afterSeconds - b.afterSeconds),
    agingSteps: [...row.agingSteps].sort((a, b) => a.afterSeconds - b.afterSeconds),
    stickySeconds: row.stickySeconds,
  };
}

export async function loadQueues(executor: Executor): Promise<Map<string, QueueRow>> {
  const rows = await executor.select().from(queues).orderBy(asc(queues.name));
  return new Map(rows.map((row) => [row.id, row]));
}

export async function defaultQueueId(executor: Executor): Promise<string | null> {
  const [row] = await executor.select({ id: queues.id }).from(queues).where(eq(queues.isDefault, true));
  return row?.id ?? null;
}
