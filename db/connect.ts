/**
 * One database handle for the whole app: embedded PGlite when there is no DATABASE_URL,
 * PostgreSQL through postgres.js otherwise. The rest of the code sees one `Db` type.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock.ts";
import { PGLITE_EXTENSIONS } from "./pglite-extensions.ts";
import { readPgliteTemplate } from "./pglite-template.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  db: Db;
  kind: DatabaseKind;
  /**
   * Runs `fn` while holding a session-level advisory lock, so processes sharing one PostgreSQL take
   * turns. PGlite lives in one process, so there callers take turns in memory.
   */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /** SQL statements this handle has sent since it opened (for `/metrics` and the benchmarks). */
  statementCount(): number;
  close(): Promise<void>;
}

export type ConnectOptions =
  | { databaseUrl: string; maxConnections?: number }
  | {
      /** A folder for the data files; omitted means in memory. */
      dataDir?: string;
      /** A dumped data folder (tarball) to start from: tests copy a migrated template this way. */
      loadDataDir?: Blob;
    };

/** Callers with the same key run one after another. */
class KeyedMutex {
  private readonly tails = new Map<number, Promise<unknown>>();

  run<T>(key: number, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/**
 * Every query PGlite runs, inside a transaction or not, goes through `execProtocolStream` as wire
 * protocol messages: a Parse ('P') starts an extended-protocol statement, a Query ('Q') a simple one.
 */
function countStatements(client: PGlite, count: () => void): void {
  const PARSE = 0x50;
  const QUERY = 0x51;
  const original = client.execProtocolStream.bind(client);
  client.execProtocolStream = (message, options) => {
    if (message[0] === PARSE || message[0] === QUERY) count();
    return original(message, options);
  };
}

export async function connect(options: ConnectOptions): Promise<Database> {
  let statements = 0;
  if ("databaseUrl" in options) {
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      // Called once per statement sent. It also makes a failed query's parameters enumerable on the
      // error, so the logger redacts them (server/app.ts).
      debug: () => {
        statements += 1;
      },
      // Dates come back as Date objects and timestamptz stays UTC.
      types: {},
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      async withAdvisoryLock(key, fn) {
        const holder = await client.reserve();
        try {
          await holder`select pg_advisory_lock(${key})`;
          try {
            return await fn();
          } finally {
            await holder`select pg_advisory_unlock(${key})`;
          }
        } finally {
          holder.release();
        }
      },
      statementCount: () => statements,
      close: () => client.end({ timeout: 5 }),
    };
  }

  let lock: DataDirLock | undefined;
  let loadDataDir = options.loadDataDir;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = acquireDataDirLock(options.dataDir);
    // A new folder starts from the migrated template `npm install` prepared, if there is one.
    if (!loadDataDir && !existsSync(join(options.dataDir, "pglite", "PG_VERSION")))
      loadDataDir = readPgliteTemplate();
  }
  try {
    const client = new PGlite({
      dataDir: options.dataDir ? join(options.dataDir, "pglite") : undefined,
      loadDataDir,
      extensions: PGLITE_EXTENSIONS,
    });
    await client.waitReady;
    countStatements(client, () => {
      statements += 1;
    });
    const locks = new KeyedMutex();
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: "pglite",
      withAdvisoryLock: (key, fn) => locks.run(key, fn),
      statementCount: () => statements,
      close: async () => {
        await client.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
