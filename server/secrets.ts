/**
 * The signing secret for visitor and status-page tokens. SECRET_KEY wins; without it one is
 * generated on first start and kept in the database, so every process and every restart agrees.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/connect.ts";
import { settings } from "../db/schema/agents.ts";

const KEY = "secret_key";

export async function ensureSecret(db: Db): Promise<string> {
  await db
    .insert(settings)
    .values({ key: KEY, value: randomBytes(32).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  return row!.value;
}
