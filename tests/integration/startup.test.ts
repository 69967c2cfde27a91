/**
 * Start-up work that several processes may do at once against one PostgreSQL: migrations take turns
 * under an advisory lock and the first admin is created once. On the embedded database (one process
 * by design) a second run must simply find nothing to do.
 */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { connect, type Database } from "../../db/connect.ts";
import { runMigrations } from "../../db/migrate.ts";
import { queryRows } from "../../db/rows.ts";
import { agents } from "../../db/schema/agents.ts";
import { ensureFirstAdmin } from "../../server/auth/accounts.ts";
import { ensureSecret } from "../../server/secrets.ts";
import { createEmptyPostgresDatabase, usingPostgres } from "../helpers/test-db.ts";

describe("start-up", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /**
   * Two independent pools on one fresh, unmigrated PostgreSQL database: two sessions, as two server
   * processes would have. On the embedded database both are the one PGlite handle of this process.
   */
  async function twoHandles(): Promise<[Database, Database]> {
    if (usingPostgres()) {
      const empty = await createEmptyPostgresDatabase();
      const a = await connect({ databaseUrl: empty.url, maxConnections: 3 });
      const b = await connect({ databaseUrl: empty.url, maxConnections: 3 });
      cleanups.push(async () => {
        await a.close();
        await b.close();
        await empty.drop();
      });
      return [a, b];
    }
    const only = await connect({});
    cleanups.push(() => only.close());
    return [only, only];
  }

  const backendPid = async (database: Database) =>
    (await queryRows<{ pid: number }>(database.db, sql`select pg_backend_pid() as pid`))[0]!.pid;

  const expectFullyMigrated = async (database: Database) => {
    const applied = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    const journal = await import("../../db/migrations/meta/_journal.json", { with: { type: "json" } });
    expect(Number(applied[0]!.n)).toBe(journal.default.entries.length);
    const tables = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'cases'`,
    );
    expect(Number(tables[0]!.n)).toBe(1);
  };

  // PGlite is one process's database (two processes opening one data folder corrupt it), so two
  // processes migrating together can only happen, and only be tested, on PostgreSQL.
  it.skipIf(!usingPostgres())(
    "migrates once when two processes start together (needs TEST_DATABASE_URL: PGlite is one process's database)",
    async () => {
      const [a, b] = await twoHandles();
      // Two sessions of the server, not one handle twice.
      expect(await backendPid(a)).not.toBe(await backendPid(b));
      await Promise.all([runMigrations(a), runMigrations(b)]);
      await runMigrations(a);
      await expectFullyMigrated(a);
      await expectFullyMigrated(b);
    },
  );

  it.skipIf(usingPostgres())("finds nothing to do on a second start of the embedded database", async () => {
    const only = await connect({});
    cleanups.push(() => only.close());
    await runMigrations(only);
    await runMigrations(only);
    await expectFullyMigrated(only);
  });

  it("creates the first admin once and agrees on one signing secret", async () => {
    const [a, b] = await twoHandles();
    await runMigrations(a);
    const admin = { email: "first@example.com", name: "First" };
    const results = await Promise.all([ensureFirstAdmin(a.db, admin), ensureFirstAdmin(b.db, admin)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    // A generated password is returned to be printed once, never stored in clear.
    const created = results.find((r) => r.created)!;
    expect(created.generatedPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const rows = await a.db.select().from(agents);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.passwordHash).not.toContain(created.generatedPassword!);

    const [s1, s2] = await Promise.all([ensureSecret(a.db), ensureSecret(b.db)]);
    expect(s1).toBe(s2);
    expect(s1.length).toBeGreaterThanOrEqual(32);
  });
});
