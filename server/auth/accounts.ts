/** Agent accounts: creating them, reading them, and the first admin. */
import { randomBytes } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import type { QueueScope } from "../../cases/case-permissions.ts";
import { AppError, notFound } from "../../cases/errors.ts";
import type { Db, Executor } from "../../db/connect.ts";
import { advisoryXactLock, LOCK_NAMESPACE } from "../../db/locks.ts";
import { type AgentRole, agents } from "../../db/schema/agents.ts";
import { storedQueueScopes } from "../../routing/queue-scope.ts";
import { assertPasswordPolicy } from "./password-policy.ts";
import { hasPassword } from "./password-tokens.ts";
import { hashPassword } from "./passwords.ts";
import { revokeAgentSessions } from "./sessions.ts";

export type AgentRow = typeof agents.$inferSelect;

/**
 * The public face of an agent: never the password hash. `queueScope` is the scope as stored (an
 * admin's is shown but never applied).
 */
export function agentView(agent: AgentRow, queueScope: QueueScope) {
  return {
    id: agent.id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    presence: agent.presence,
    presenceReason: agent.presenceReason,
    capacity: agent.capacity,
    active: agent.deactivatedAt === null,
    invitationPending: !hasPassword(agent),
    createdAt: agent.createdAt,
    queueScope: { limited: queueScope.limited, queueIds: [...queueScope.queueIds] },
    timeZone: agent.timeZone,
  };
}

/** The views of these agents, their scopes read in one statement (none when nobody is limited). */
export async function agentViews(db: Executor, people: AgentRow[]): Promise<AgentView[]> {
  const scopes = await storedQueueScopes(db, people);
  return people.map((agent) => agentView(agent, scopes.get(agent.id)!));
}

export async function agentViewOf(db: Executor, agent: AgentRow): Promise<AgentView> {
  return (await agentViews(db, [agent]))[0]!;
}
export type AgentView = ReturnType<typeof agentView>;

export async function createAgent(
  db: Db,
  input: { email: string; name: string; password: string; role: AgentRole },
): Promise<AgentRow> {
  const email = input.email.trim().toLowerCase();
  await assertPasswordPolicy(input.password, [email, input.name]);
  const passwordHash = await hashPassword(input.password);
  const [agent] = await db
    .insert(agents)
    .values({ email, name: input.name.trim(), role: input.role, passwordHash })
    .onConflictDoNothing({ target: agents.email })
    .returning();
  if (!agent)
    throw new AppError("CONFLICT", `An agent with email ${email} already exists.`, { field: "email" });
  return agent;
}

export async function listAgents(db: Db): Promise<AgentRow[]> {
  return db.select().from(agents).orderBy(asc(agents.name));
}

export async function findAgent(db: Db, agentId: string): Promise<AgentRow | undefined> {
  const [agent] = await db.select().from(agents).where(eq(agents.id, agentId));
  return agent;
}

/** Changes an agent's name, role, per-channel capacity or the zone their console shows times in. */
export async function updateAgent(
  db: Db,
  agentId: string,
  input: { name?: string; role?: AgentRole; capacity?: AgentRow["capacity"]; timeZone?: string | null },
): Promise<AgentRow> {
  const [agent] = await db
    .update(agents)
    .set({ ...input, ...(input.name ? { name: input.name.trim() } : {}), updatedAt: new Date() })
    .where(eq(agents.id, agentId))
    .returning();
  if (!agent) throw notFound("Agent", agentId);
  return agent;
}

/** Deactivates (or reactivates) an account; a deactivated agent cannot sign in and every session ends. */
export async function setAgentActive(db: Db, agentId: string, active: boolean): Promise<AgentRow> {
  return db.transaction(async (tx) => {
    const [agent] = await tx
      .update(agents)
      .set({
        deactivatedAt: active ? null : new Date(),
        ...(active ? {} : { presence: "offline" as const }),
        updatedAt: new Date(),
      })
      .where(eq(agents.id, agentId))
      .returning();
    if (!agent) throw notFound("Agent", agentId);
    if (!active) await revokeAgentSessions(tx, agentId, new Date());
    return agent;
  });
}

async function hasAgents(executor: Executor): Promise<boolean> {
  const [{ n }] = (await executor.select({ n: sql<number>`count(*)::int` }).from(agents)) as [{ n: number }];
  return Number(n) > 0;
}

/**
 * Creates the first admin when there is no agent yet. Returns the generated password when one was
 * generated (the caller prints it once), so it is never stored or logged in clear.
 */
export async function ensureFirstAdmin(
  db: Db,
  admin: { email: string; name: string; password?: string },
): Promise<{ created: boolean; generatedPassword?: string }> {
  // Every start but the first finds an agent, and skips hashing a password nobody will store.
  if (await hasAgents(db)) return { created: false };
  const generatedPassword = admin.password ? undefined : randomBytes(12).toString("base64url");
  const password = admin.password ?? generatedPassword!;
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Two processes starting together: one creates the admin, the other finds it.
    await advisoryXactLock(tx, LOCK_NAMESPACE.singleton, "first-admin");
    if (await hasAgents(tx)) return { created: false };
    await tx.insert(agents).values({ email: admin.email, name: admin.name, role: "admin", passwordHash });
    return { created: true, ...(generatedPassword ? { generatedPassword } : {}) };
  });
}
