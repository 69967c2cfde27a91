/**
 * Queue scopes read and written: the queues a limited person may see (cases/case-permissions.ts
 * holds the rule). Reading costs nothing for an unlimited person (the flag is on their row) and one
 * indexed statement for a limited one.
 */
import { and, eq, inArray } from "drizzle-orm";
import { EVERY_QUEUE, type QueueScope } from "../cases/case-permissions.ts";
import { AppError, notFound } from "../cases/errors.ts";
import type { Db, Executor } from "../db/connect.ts";
import { type AgentRole, agents } from "../db/schema/agents.ts";
import { agentQueueScopes, queues } from "../db/schema/routing.ts";

type ScopedPerson = { id: string; role: AgentRole; queueScopeLimited: boolean };

/** The person's queue scope as the rule applies it: admins and unlimited people see every queue. */
export async function loadQueueScope(executor: Executor, person: ScopedPerson): Promise<QueueScope> {
  if (person.role === "admin" || !person.queueScopeLimited) return EVERY_QUEUE;
  const rows = await executor
    .select({ queueId: agentQueueScopes.queueId })
    .from(agentQueueScopes)
    .where(eq(agentQueueScopes.agentId, person.id));
  return { limited: true, queueIds: rows.map((row) => row.queueId).sort() };
}

/** The stored scopes of several people at once (as set, admins included), keyed by agent id. */
export async function storedQueueScopes(
  executor: Executor,
  people: readonly { id: string; queueScopeLimited: boolean }[],
): Promise<Map<string, QueueScope>> {
  const limited = people.filter((person) => person.queueScopeLimited).map((person) => person.id);
  const rows = limited.length
    ? await executor
        .select({ agentId: agentQueueScopes.agentId, queueId: agentQueueScopes.queueId })
        .from(agentQueueScopes)
        .where(inArray(agentQueueScopes.agentId, limited))
    : [];
  const scopes = new Map<string, QueueScope>();
  for (const person of people)
    scopes.set(
      person.id,
      person.queueScopeLimited
        ? {
            limited: true,
            queueIds: rows
              .filter((row) => row.agentId === person.id)
              .map((row) => row.queueId)
              .sort(),
          }
        : { limited: false, queueIds: [] },
    );
  return scopes;
}

/**
 * Replaces a person's scope in one transaction; an unknown queue is refused by id and nothing is
 * written. Returns the scope before and after, for the security log.
 */
export async function setQueueScope(
  db: Db,
  agentId: string,
  scope: { limited: boolean; queueIds: readonly string[] },
): Promise<{ before: QueueScope; after: QueueScope }> {
  const queueIds = [...new Set(scope.queueIds)].sort();
  return db.transaction(async (tx) => {
    const [person] = await tx
      .select({ id: agents.id, queueScopeLimited: agents.queueScopeLimited })
      .from(agents)
      .where(eq(agents.id, agentId))
      .for("update");
    if (!person) throw notFound("Agent", agentId);
    const known = queueIds.length
      ? await tx.select({ id: queues.id }).from(queues).where(inArray(queues.id, queueIds))
      : [];
    const missing = queueIds.filter((id) => !known.some((row) => row.id === id));
    if (missing.length)
      throw new AppError(
        "VALIDATION",
        `Queue '${missing[0]}' does not exist; pick queues from GET /api/queues.`,
        {
          field: "queueIds",
          missing,
        },
      );
    const before = (await storedQueueScopes(tx, [person])).get(agentId)!;
    await tx
      .update(agents)
      .set({ queueScopeLimited: scope.limited, updatedAt: new Date() })
      .where(eq(agents.id, agentId));
    await tx.delete(agentQueueScopes).where(eq(agentQueueScopes.agentId, agentId));
    // An unlimited person keeps no list: "every queue" has one spelling.
    const kept = scope.limited ? queueIds : [];
    if (kept.length) await tx.insert(agentQueueScopes).values(kept.map((queueId) => ({ agentId, queueId })));
    return { before, after: { limited: scope.limited, queueIds: kept } };
  });
}

/** The people limited to any of these queues (for re-joining socket rooms and the agent grid). */
export async function peopleScopedTo(executor: Executor, queueIds: readonly string[]): Promise<string[]> {
  if (!queueIds.length) return [];
  const rows = await executor
    .selectDistinct({ agentId: agentQueueScopes.agentId })
    .from(agentQueueScopes)
    .innerJoin(agents, and(eq(agents.id, agentQueueScopes.agentId), eq(agents.queueScopeLimited, true)))
    .where(inArray(agentQueueScopes.queueId, [...queueIds]));
  return rows.map((row) => row.agentId);
}
