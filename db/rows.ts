/** Raw SQL results differ by driver (PGlite: `{ rows }`, postgres.js: an array); this evens them out. */
import type { SQL } from "drizzle-orm";
import type { Executor } from "./connect.ts";

export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
