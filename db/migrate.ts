/**
 * Applies the committed drizzle-kit migrations. Several processes may start at once against one
 * PostgreSQL: an advisory lock makes them take turns, and the ones after the first find nothing to do.
 */
import { join } from "node:path";
import type { MigrationConfig } from "drizzle-orm/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { Database } from "./connect.ts";
import { PROJECT_ROOT } from "./project-root.ts";

export const MIGRATIONS_FOLDER = join(PROJECT_ROOT, "db", "migrations");

/** Arbitrary constant shared by every Switchboard process; only has to differ from other lock keys. */
const MIGRATION_LOCK_KEY = 727_001;

export async function runMigrations(database: Database): Promise<void> {
  const config: MigrationConfig = { migrationsFolder: MIGRATIONS_FOLDER };
  await database.withAdvisoryLock(MIGRATION_LOCK_KEY, () =>
    database.kind === "pglite"
      ? migratePglite(database.db as unknown as PgliteDatabase, config)
      : migratePostgres(database.db as unknown as PostgresJsDatabase, config),
  );
}
