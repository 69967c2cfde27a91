/**
 * One database handle for the whole app: embedded PGlite when there is no DATABASE_URL,
 * PostgreSQL through postgres.js otherwise. The rest of the code sees one `Db` type.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock.ts";
import { registerRawCall } from "./functions.ts";
import { PGLITE_EXTENSIONS } from "./pglite-extensions.ts";
import { copyPgliteTemplate } from "./pglite-template.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  db: Db;
  /**
   * For dashboards, reports and metrics: on PostgreSQL its own small pool, so a slow report never
   * holds the connections cases and routing use; on the embedded database the same handle.
   */
  reporting: Db;
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

export type ConnectOptions = (
  | {
      databaseUrl: string;
      maxConnections?: number;
      /** Connections of the reporting pool (default 2). */
      reportingConnections?: number;
    }
  | {
      /** A folder for the data files; omitted means in memory. */
      dataDir?: string;
      /** A dumped data folder (tarball) to start from: tests copy a migrated template this way. */
      loadDataDir?: Blob;
      /**
       * PostgreSQL's shared_buffers inside PGlite (default 32MB). PGlite's own default, 128MB, takes
       * about half a second of every start to set up; the embedded mode's data is mostly small and the
       * operating system caches its files anyway.
       */
      sharedBuffers?: string;
    }
) & {
  /** Sees the text of every statement sent (tracing a code path's statements; benchmarks). */
  trace?: (statement: string) => void;
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
function countStatements(client: PGlite, count: () => void, trace?: (statement: string) => void): void {
  const PARSE = 0x50;
  const QUERY = 0x51;
  const original = client.execProtocolStream.bind(client);
  const decoder = new TextDecoder();
  client.execProtocolStream = (message, options) => {
    if (message[0] === PARSE || message[0] === QUERY) {
      count();
      if (trace) {
        // Parse: type, length, statement name\0, text\0; Query: type, length, text\0.
        const start = message[0] === PARSE ? message.indexOf(0, 5) + 1 : 5;
        trace(decoder.decode(message.subarray(start, message.indexOf(0, start))));
      }
    }
    return original(message, options);
  };
}

/** How long a query made from inside an open transaction may wait for that transaction. */
const SELF_WAIT_MS = 5000;

/**
 * PGlite has one connection: a statement outside a transaction waits until the open one ends. Code
 * that, holding a transaction, queries the database handle instead of the transaction waits for
 * itself forever and stalls every request. Each exclusive section (a transaction, or one statement)
 * records in its async context that it is open; a new one asked for from that context while it is
 * still open waits as usual (work merely started inside a transaction may query once it has ended),
 * but if the section is still open and the query has not started after `SELF_WAIT_MS`, the query
 * fails with the reason, which ends the wait instead of the server.
 */
function refuseSelfWaits(client: PGlite): void {
  const open = new AsyncLocalStorage<{ open: boolean }>();
  const original = client._runExclusiveTransaction.bind(client);
  client._runExclusiveTransaction = <T>(fn: () => Promise<T>): Promise<T> => {
    const holder = open.getStore();
    let cancelled = false;
    let began = false;
    const queued = original(() => {
      if (cancelled) return Promise.resolve(undefined as T);
      began = true;
      const section = { open: true };
      return open.run(section, async () => {
        try {
          return await fn();
        } finally {
          section.open = false;
        }
      });
    });
    if (!holder?.open) return queued;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (began || !holder.open) return;
        cancelled = true;
        reject(
          new Error(
            "A query on the embedded database was made inside its own open transaction and would wait for it forever; run it on the transaction instead.",
          ),
        );
      }, SELF_WAIT_MS);
      queued.then(
        (value) => {
          clearTimeout(timer);
          if (!cancelled) resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!cancelled) reject(error);
        },
      );
    });
  };
}

type PostgresOptions = Extract<ConnectOptions, { databaseUrl: string }>;
type PgliteOptions = Exclude<ConnectOptions, { databaseUrl: string }>;

/** A postgres.js pool that counts (and may trace) every statement it sends. */
function postgresPool(options: PostgresOptions, max: number, counted: () => void) {
  return postgres(options.databaseUrl, {
    max,
    onnotice: () => {},
    // Called once per statement sent. It also makes a failed query's parameters enumerable on the
    // error, so the logger redacts them (server/app.ts).
    debug: (_connection: number, query: string) => {
      counted();
      options.trace?.(query);
    },
    // Dates come back as Date objects and timestamptz stays UTC.
    types: {},
  });
}

/** A drizzle handle over a pool, with its raw calls going through the same pool. */
function drizzleOverPool(client: postgres.Sql): Db {
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  registerRawCall(db, async (text, json) => (await client.unsafe(text, [json], { prepare: true }))[0]?.r);
  return db;
}

/** Holds a session-level advisory lock on one reserved connection while `fn` runs. */
async function withPostgresAdvisoryLock<T>(
  client: postgres.Sql,
  key: number,
  fn: () => Promise<T>,
): Promise<T> {
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
}

function connectPostgres(options: PostgresOptions): Database {
  let statements = 0;
  const counted = () => {
    statements += 1;
  };
  const client = postgresPool(options, options.maxConnections ?? 10, counted);
  const reportingClient = postgresPool(options, options.reportingConnections ?? 2, counted);
  return {
    db: drizzleOverPool(client),
    reporting: drizzleOverPool(reportingClient),
    kind: "postgres",
    withAdvisoryLock: (key, fn) => withPostgresAdvisoryLock(client, key, fn),
    statementCount: () => statements,
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), reportingClient.end({ timeout: 5 })]);
    },
  };
}

/** Starts PGlite in `pgliteDir` (or in memory), from the template for a new folder. */
async function startPglite(options: PgliteOptions, pgliteDir: string | undefined): Promise<PGlite> {
  // A new folder starts from the migrated template `npm install` prepared, if there is one.
  if (pgliteDir && !options.loadDataDir && !existsSync(join(pgliteDir, "PG_VERSION")))
    await copyPgliteTemplate(pgliteDir);
  const client = new PGlite({
    dataDir: pgliteDir,
    loadDataDir: options.loadDataDir,
    extensions: PGLITE_EXTENSIONS,
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${options.sharedBuffers ?? "32MB"}`],
  });
  await client.waitReady;
  return client;
}

function pgliteDatabase(client: PGlite, options: PgliteOptions, lock: DataDirLock | undefined): Database {
  let statements = 0;
  countStatements(
    client,
    () => {
      statements += 1;
    },
    options.trace,
  );
  refuseSelfWaits(client);
  const locks = new KeyedMutex();
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  registerRawCall(db, async (text, json) => (await client.query<{ r: unknown }>(text, [json])).rows[0]?.r);
  return {
    db,
    reporting: db,
    kind: "pglite",
    withAdvisoryLock: (key, fn) => locks.run(key, fn),
    statementCount: () => statements,
    close: async () => {
      await client.close();
      lock?.release();
    },
  };
}

async function connectPglite(options: PgliteOptions): Promise<Database> {
  let lock: DataDirLock | undefined;
  const pgliteDir = options.dataDir ? join(options.dataDir, "pglite") : undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = acquireDataDirLock(options.dataDir);
  }
  try {
    return pgliteDatabase(await startPglite(options, pgliteDir), options, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

export async function connect(options: ConnectOptions): Promise<Database> {
  return "databaseUrl" in options ? connectPostgres(options) : connectPglite(options);
}
