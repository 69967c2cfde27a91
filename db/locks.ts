/**
 * Advisory lock namespaces. Transaction-scoped locks (`pg_advisory_xact_lock(ns, hashtext(key))`)
 * serialise work on one logical thing across connections and processes; they are released at
 * commit or rollback. Each area owns one namespace so keys never collide.
 */
import { sql } from "drizzle-orm";
import type { Executor } from "./connect.ts";

export const LOCK_NAMESPACE = {
  /** One provider message (channel + externalId) is ingested by one transaction at a time. */
  inboundMessage: 1,
  /** One address (kind + address) resolves to one contact. */
  identity: 2,
  /** Routing decisions for one queue are made one at a time. */
  routingQueue: 3,
  /** Process-wide singletons (settings bootstrap, admin creation). */
  singleton: 4,
} as const;

export async function advisoryXactLock(executor: Executor, namespace: number, key: string): Promise<void> {
  await executor.execute(sql`select pg_advisory_xact_lock(${namespace}::int, hashtext(${key}))`);
}
