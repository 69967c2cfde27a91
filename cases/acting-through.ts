/**
 * The credential a person acts through, when it is not their own session: an API key acts for the
 * admin who created it, and the audit and security-log rows written while it is in use name the
 * key beside that admin. Kept for the rest of the request by the HTTP edge (server/http/access.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface ActingThrough {
  /** The person the credential acts for. */
  agentId: string;
  apiKeyId: string;
  /** How rows name it, e.g. "API key 'CRM sync'". */
  label: string;
}

const current = new AsyncLocalStorage<ActingThrough>();

export function runActingThrough<T>(through: ActingThrough, work: () => T): T {
  return current.run(through, work);
}

/** What a row's details add when `actorId` acts through a key right now; nothing otherwise. */
export function actingThroughDetails(actorId: string | null | undefined): Record<string, string> {
  const through = current.getStore();
  return through && actorId && through.agentId === actorId
    ? { via: through.label, apiKeyId: through.apiKeyId }
    : {};
}
