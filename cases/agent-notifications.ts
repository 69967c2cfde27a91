/**
 * An agent's notifications: what a colleague told them (a mention in a note) kept until they read
 * it, so a mention made while they were away is not lost. Newest first; an agent reads only their own.
 */
import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { agentNotifications, cases } from "../db/schema/cases.ts";

/** Keeps one mention notification per mentioned agent (inside the note's transaction). */
export async function storeMentions(
  tx: Executor,
  input: {
    caseId: string;
    interactionId: string;
    byAgentId: string;
    agentIds: string[];
    excerpt: string;
    at: Date;
  },
): Promise<void> {
  if (!input.agentIds.length) return;
  await tx.insert(agentNotifications).values(
    input.agentIds.map((agentId) => ({
      agentId,
      kind: "mention" as const,
      caseId: input.caseId,
      interactionId: input.interactionId,
      byAgentId: input.byAgentId,
      excerpt: input.excerpt,
      createdAt: input.at,
    })),
  );
}

/** The latest notifications of an agent with their case's number and who wrote, and how many are unread. */
export async function listNotifications(db: Executor, agentId: string, limit: number) {
  const items = await db
    .select({
      id: agentNotifications.id,
      kind: agentNotifications.kind,
      caseId: agentNotifications.caseId,
      caseNumber: cases.number,
      interactionId: agentNotifications.interactionId,
      by: { id: agents.id, name: agents.name },
      excerpt: agentNotifications.excerpt,
      createdAt: agentNotifications.createdAt,
      readAt: agentNotifications.readAt,
    })
    .from(agentNotifications)
    .innerJoin(cases, eq(cases.id, agentNotifications.caseId))
    .leftJoin(agents, eq(agents.id, agentNotifications.byAgentId))
    .where(eq(agentNotifications.agentId, agentId))
    .orderBy(desc(agentNotifications.createdAt), desc(agentNotifications.id))
    .limit(limit);
  const [unread] = await db
    .select({ n: count() })
    .from(agentNotifications)
    .where(and(eq(agentNotifications.agentId, agentId), isNull(agentNotifications.readAt)));
  return {
    items: items.map((item) => ({ ...item, by: item.by?.id ? item.by : null })),
    unread: Number(unread?.n ?? 0),
  };
}

/** Marks some (or, without ids, all) of an agent's notifications read; answers how many changed. */
export async function markNotificationsRead(
  db: Executor,
  agentId: string,
  ids: readonly string[] | undefined,
  now: Date,
): Promise<number> {
  const changed = await db
    .update(agentNotifications)
    .set({ readAt: now })
    .where(
      and(
        eq(agentNotifications.agentId, agentId),
        isNull(agentNotifications.readAt),
        ids ? inArray(agentNotifications.id, [...ids]) : undefined,
      ),
    )
    .returning({ id: agentNotifications.id });
  return changed.length;
}
