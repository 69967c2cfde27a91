/**
 * Settings an admin edits from the console, kept as JSON under one key of the `settings` table and
 * shared by every server process. A stored value is read over its defaults, so a setting added
 * later has its default until someone saves it.
 */
import { eq } from "drizzle-orm";
import type { Executor } from "./connect.ts";
import { settings } from "./schema/agents.ts";

export async function readJsonSetting<T extends object>(
  executor: Executor,
  key: string,
  defaults: T,
): Promise<T> {
  const [row] = await executor.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  if (!row) return defaults;
  try {
    const stored = JSON.parse(row.value) as Partial<T>;
    return { ...defaults, ...stored };
  } catch {
    // Written by hand and broken: the defaults serve until an admin saves again.
    return defaults;
  }
}

export async function writeJsonSetting<T extends object>(
  executor: Executor,
  key: string,
  value: T,
): Promise<T> {
  const text = JSON.stringify(value);
  await executor
    .insert(settings)
    .values({ key, value: text })
    .onConflictDoUpdate({ target: settings.key, set: { value: text, updatedAt: new Date() } });
  return value;
}
