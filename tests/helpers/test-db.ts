/**
 * A fresh, migrated database for one test file: a copy of the PGlite template (embedded mode) or a
 * new PostgreSQL database cloned from the template (TEST_DATABASE_URL). Never shared, always dropped.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { inject } from "vitest";
import { connect, type Database } from "../../db/connect.ts";
import { databaseUrlFor } from "./database-url.ts";

export interface TestDatabase {
  database: Database;
  /** Set on PostgreSQL: the URL of this test's database, for extra processes. */
  url?: string;
  drop(): Promise<void>;
}

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);
export const usingRedis = () => Boolean(process.env.TEST_REDIS_URL);

/** A new empty database name on the test server (PostgreSQL mode only), for tests that migrate themselves. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL!;
  const name = `sb_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return {
    url: databaseUrlFor(serverUrl, name),
    drop: () => dropPostgresDatabase(serverUrl, name),
  };
}

/**
 * Drops a test database, first letting any connection that is still busy finish (up to 5 s). A
 * closed pool can leave a connection finishing its start-up (postgres.js then looks up array types);
 * killing it there is an unhandled rejection inside postgres.js. Idle connections are safe to kill.
 */
async function dropPostgresDatabase(serverUrl: string, name: string): Promise<void> {
  const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    for (let waited = 0; waited < 5000; waited += 50) {
      const [row] = await dropper<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where datname = ${name} and state is distinct from 'idle'`;
      if (!row?.n) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await dropper.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await dropper.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const template = inject("postgresTemplate");
    if (!template)
      throw new Error("TEST_DATABASE_URL is set but the global setup made no template database.");
    const name = `sb_test_${randomBytes(6).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    // Copies of one template can collide briefly ("source database is being accessed"); retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.unsafe(`create database ${name} template ${template}`);
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    await admin.end();
    const url = databaseUrlFor(serverUrl, name);
    const database = await connect({ databaseUrl: url, maxConnections: 10 });
    return {
      database,
      url,
      async drop() {
        await database.close();
        await dropPostgresDatabase(serverUrl, name);
      },
    };
  }
  const template = new Blob([readFileSync(inject("pgliteTemplate"))]);
  const database = await connect({ loadDataDir: template });
  return { database, drop: () => database.close() };
}
