/**
 * API keys: an admin's credential for an integration. The secret (`sbk_<prefix>_<random>`) is shown
 * once; only an HMAC of it (keyed with the server secret) is stored, looked up by its prefix and
 * compared in constant time. A key acts for the admin who created it, who must still be an active
 * admin, narrowed by its scopes, queues, expiry and revocation — all read on every request, so a
 * revocation or a demotion takes effect on the next one.
 */
import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { and, desc, eq, getTableColumns, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { AppError, notFound } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { agents } from "../../db/schema/agents.ts";
import { type ApiKeyScope, apiKeys } from "../../db/schema/integrations.ts";
import { queues } from "../../db/schema/routing.ts";
import type { AgentRow } from "./accounts.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** What the access check keeps of a key for the rest of the request. */
export interface ApiKeyIdentity {
  id: string;
  name: string;
  scopes: readonly ApiKeyScope[];
  /** The queues the key may reach; null for every queue. */
  queueIds: readonly string[] | null;
}

export interface ResolvedApiKey {
  key: ApiKeyIdentity;
  /** The admin the key acts for. */
  agent: AgentRow;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const API_KEY_PREFIX_LENGTH = 8;
const SECRET_LENGTH = 40;
const KEY_PATTERN = /^sbk_([0-9A-Za-z]{8})_([0-9A-Za-z]{32,64})$/;
/** `last_used_at` is written at most this often per key, not on every request. */
export const LAST_USED_GRANULARITY_MS = 60_000;

/** Whether a bearer token is shaped like an API key (and so is never taken for a session). */
export const looksLikeApiKey = (token: string) => token.startsWith("sbk_");

/** How logs and audit rows name a key. */
export const apiKeyLabel = (key: { name: string }) => `API key '${key.name}'`;

function randomBase62(length: number): string {
  let text = "";
  for (let i = 0; i < length; i += 1) text += BASE62[randomInt(BASE62.length)];
  return text;
}

function hashSecret(serverSecret: string, token: string): Buffer {
  return createHmac("sha256", serverSecret).update(token).digest();
}

export interface NewApiKey {
  name: string;
  scopes: ApiKeyScope[];
  queueIds: string[] | null;
  expiresAt: Date | null;
}

async function assertQueuesExist(db: Db, queueIds: readonly string[]): Promise<void> {
  const found = await db
    .select({ id: queues.id })
    .from(queues)
    .where(inArray(queues.id, [...queueIds]));
  const missing = queueIds.filter((id) => !found.some((row) => row.id === id));
  if (missing.length)
    throw new AppError("VALIDATION", `Queue '${missing[0]}' does not exist: choose queues from the list.`, {
      queueIds: missing,
    });
}

/** Creates a key; the answer's `secret` is the only time the secret exists outside the caller. */
export async function createApiKey(
  db: Db,
  serverSecret: string,
  input: NewApiKey & { createdBy: string; now: Date },
): Promise<{ row: ApiKeyRow; secret: string }> {
  if (input.expiresAt && input.expiresAt <= input.now)
    throw new AppError(
      "VALIDATION",
      "The expiry must be in the future, or left out for a key that does not expire.",
    );
  if (input.queueIds) await assertQueuesExist(db, input.queueIds);
  const [sameName] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.name, input.name), isNull(apiKeys.revokedAt)));
  if (sameName)
    throw new AppError(
      "CONFLICT",
      `A key named '${input.name}' already exists: choose another name, or revoke that one first.`,
    );
  // A prefix collision (1 in 62^8 per pair) is answered by drawing again, not by a 500.
  for (let attempt = 0; ; attempt += 1) {
    const prefix = randomBase62(API_KEY_PREFIX_LENGTH);
    const secret = `sbk_${prefix}_${randomBase62(SECRET_LENGTH)}`;
    const [row] = await db
      .insert(apiKeys)
      .values({
        name: input.name,
        prefix,
        secretHash: hashSecret(serverSecret, secret).toString("hex"),
        scopes: [...new Set(input.scopes)],
        queueIds: input.queueIds ? [...new Set(input.queueIds)] : null,
        expiresAt: input.expiresAt,
        createdBy: input.createdBy,
        createdAt: input.now,
      })
      .onConflictDoNothing({ target: apiKeys.prefix })
      .returning();
    if (row) return { row, secret };
    if (attempt >= 3) throw new Error("could not draw an unused API key prefix");
  }
}

export interface ApiKeyListing extends ApiKeyRow {
  createdByName: string | null;
}

/** Every key, newest first, revoked ones included (they say when). */
export async function listApiKeys(db: Db): Promise<ApiKeyListing[]> {
  return db
    .select({ ...getTableColumns(apiKeys), createdByName: agents.name })
    .from(apiKeys)
    .leftJoin(agents, eq(agents.id, apiKeys.createdBy))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Revokes a key at once; answers the key, and whether this call revoked it (false: it already was). */
export async function revokeApiKey(
  db: Db,
  id: string,
  now: Date,
): Promise<{ row: ApiKeyRow; revoked: boolean }> {
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  if (revoked) return { row: revoked, revoked: true };
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  if (!row) throw notFound("API key", id);
  return { row, revoked: false };
}

/** Every API call with a key reads it: the query is built and prepared once per database. */
const keyQueries = new WeakMap<Db, ReturnType<typeof prepareKeyQuery>>();

function prepareKeyQuery(db: Db) {
  return db
    .select({ key: apiKeys, agent: agents })
    .from(apiKeys)
    .innerJoin(agents, eq(agents.id, apiKeys.createdBy))
    .where(
      and(
        eq(apiKeys.prefix, sql.placeholder("prefix")),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql.placeholder("now"))),
        isNull(agents.deactivatedAt),
        eq(agents.role, "admin"),
      ),
    )
    .prepare("resolve_api_key");
}

/** Writes `last_used_at` when the stored one is a minute old or more (one process wins the race). */
async function touchLastUsed(db: Db, row: ApiKeyRow, now: Date): Promise<void> {
  if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < LAST_USED_GRANULARITY_MS) return;
  const staleBefore = new Date(now.getTime() - LAST_USED_GRANULARITY_MS);
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))));
}

/**
 * The key a bearer token names, if it is live (not revoked, not expired) and its admin is still an
 * active admin; null otherwise.
 */
export async function resolveApiKey(
  db: Db,
  serverSecret: string,
  token: string,
  now: Date,
): Promise<ResolvedApiKey | null> {
  const match = KEY_PATTERN.exec(token);
  if (!match) return null;
  let query = keyQueries.get(db);
  if (!query) {
    query = prepareKeyQuery(db);
    keyQueries.set(db, query);
  }
  const [found] = await query.execute({ prefix: match[1]!, now: now.toISOString() });
  if (!found) return null;
  const expected = Buffer.from(found.key.secretHash, "hex");
  const given = hashSecret(serverSecret, token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  await touchLastUsed(db, found.key, now);
  const { id, name, scopes, queueIds } = found.key;
  return { key: { id, name, scopes, queueIds }, agent: found.agent };
}
