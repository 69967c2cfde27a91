/**
 * Sessions: a random bearer token given to the client once; only its sha256 is stored, so a
 * database dump cannot be replayed as a login.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { Db, Executor } from "../../db/connect.ts";
import { agents, sessions } from "../../db/schema/agents.ts";
import type { AgentRow } from "./accounts.ts";

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(
  db: Db,
  agentId: string,
  ttlMs: number,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.insert(sessions).values({ agentId, tokenHash: hashToken(token), createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** Every API call and socket reads its session: the query is built and prepared once per database. */
const sessionQueries = new WeakMap<Db, ReturnType<typeof prepareSessionQuery>>();

function prepareSessionQuery(db: Db) {
  return db
    .select({ agent: agents, sessionId: sessions.id, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(agents, eq(agents.id, sessions.agentId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder("tokenHash")),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder("now")),
        isNull(agents.deactivatedAt),
      ),
    )
    .prepare("resolve_session");
}

/** A live session: who holds it and until when. */
export interface ResolvedSession {
  agent: AgentRow;
  sessionId: string;
  expiresAt: Date;
}

/** The agent behind a token, if the session is live and the agent active. */
export async function resolveSession(db: Db, token: string, now: Date): Promise<ResolvedSession | null> {
  if (!token || token.length > 200) return null;
  let query = sessionQueries.get(db);
  if (!query) {
    query = prepareSessionQuery(db);
    sessionQueries.set(db, query);
  }
  const [row] = await query.execute({ tokenHash: hashToken(token), now: now.toISOString() });
  return row ?? null;
}

export async function revokeSession(db: Db, sessionId: string, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, sessionId));
}

/**
 * Ends every live session of an agent but `keepSessionId` (the one making a change to the
 * account's sign-in, which stays), so a session opened with the old factor or password is out.
 * Answers how many were ended.
 */
export async function revokeAgentSessions(
  db: Executor,
  agentId: string,
  now: Date,
  keepSessionId?: string,
): Promise<number> {
  const ended = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.agentId, agentId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        keepSessionId ? ne(sessions.id, keepSessionId) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return ended.length;
}
