/**
 * The security log: who signed in (or failed to, or was refused), who created an account or changed
 * a role, with the address and time — one table, newest first, filterable, pruned after the
 * retention period. Callers record facts, never passwords, tokens or codes.
 */
import { and, desc, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import { actingThroughDetails } from "../../cases/acting-through.ts";
import { decodeCursor, encodeCursor } from "../../cases/case-queries.ts";
import { isAppError } from "../../cases/errors.ts";
import type { Executor } from "../../db/connect.ts";
import { type SecurityEventKind, securityEvents } from "../../db/schema/agents.ts";

export interface SecurityEventInput {
  kind: SecurityEventKind;
  actorId?: string | null;
  agentId?: string | null;
  email?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export type SecurityEventRow = typeof securityEvents.$inferSelect;

export async function recordSecurityEvent(db: Executor, event: SecurityEventInput): Promise<void> {
  await db.insert(securityEvents).values({
    // Milliseconds, as the cursor carries them: no two pages disagree about an event's time.
    at: new Date(),
    kind: event.kind,
    actorId: event.actorId ?? null,
    agentId: event.agentId ?? null,
    email: event.email?.trim().toLowerCase().slice(0, 320) ?? null,
    ip: event.ip ?? null,
    details: { ...event.details, ...actingThroughDetails(event.actorId) },
  });
}

export interface SecurityEventFilter {
  kinds?: SecurityEventKind[];
  /** Events about this account or done by it. */
  agentId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

/** A page of events, newest first, with the cursor of the next page (keyset on time and id). */
export async function listSecurityEvents(
  db: Executor,
  filter: SecurityEventFilter,
): Promise<{ items: SecurityEventRow[]; nextCursor: string | null }> {
  const after = filter.cursor ? decodeCursor(filter.cursor) : null;
  const conditions = [
    filter.kinds?.length ? inArray(securityEvents.kind, filter.kinds) : undefined,
    filter.agentId
      ? or(eq(securityEvents.agentId, filter.agentId), eq(securityEvents.actorId, filter.agentId))
      : undefined,
    filter.from ? gte(securityEvents.at, filter.from) : undefined,
    filter.to ? lt(securityEvents.at, filter.to) : undefined,
    after
      ? sql`(${securityEvents.at}, ${securityEvents.id}) < (${after.updatedAt}::timestamptz, ${after.id}::uuid)`
      : undefined,
  ];
  const rows = await db
    .select()
    .from(securityEvents)
    .where(and(...conditions))
    .orderBy(desc(securityEvents.at), desc(securityEvents.id))
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > filter.limit && last
        ? encodeCursor({ updatedAt: last.at.toISOString(), id: last.id })
        : null,
  };
}

/** Deletes events older than the retention period; returns how many. */
export async function pruneSecurityEvents(db: Executor, olderThan: Date): Promise<number> {
  const removed = await db
    .delete(securityEvents)
    .where(lt(securityEvents.at, olderThan))
    .returning({ id: securityEvents.id });
  return removed.length;
}

/**
 * Runs a sign-in step and logs how it went: signed in (when `signedIn` names the agent: a password
 * that still needs a second factor is not yet a sign-in), refused for a wrong password or code, or
 * refused by the failure limiter. The outcome is the step's own, error included.
 */
export async function loggedSignIn<T>(
  db: Executor,
  who: { email?: string; ip: string },
  attempt: () => Promise<T>,
  signedIn: (result: T) => string | null,
): Promise<T> {
  try {
    const result = await attempt();
    const agentId = signedIn(result);
    if (agentId) await recordSecurityEvent(db, { kind: "sign_in", agentId, ...who });
    return result;
  } catch (error) {
    if (isAppError(error, "UNAUTHENTICATED"))
      await recordSecurityEvent(db, { kind: "sign_in_failed", ...who });
    else if (isAppError(error, "RATE_LIMITED"))
      await recordSecurityEvent(db, { kind: "sign_in_refused", ...who, details: error.details ?? {} });
    throw error;
  }
}

/** Logs what an admin changed about an account that matters for security: its role, whether it is active. */
export async function recordAccountChanges(
  db: Executor,
  change: {
    actorId: string;
    ip: string;
    before: { id: string; role: string; active: boolean };
    after: { role: string; active: boolean };
  },
): Promise<void> {
  const base = { actorId: change.actorId, agentId: change.before.id, ip: change.ip };
  if (change.before.role !== change.after.role)
    await recordSecurityEvent(db, {
      ...base,
      kind: "role_changed",
      details: { from: change.before.role, to: change.after.role },
    });
  if (change.before.active !== change.after.active)
    await recordSecurityEvent(db, {
      ...base,
      kind: change.after.active ? "agent_reactivated" : "agent_deactivated",
    });
}
