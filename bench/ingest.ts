/**
 * Ingest throughput and latency, on PGlite and on PostgreSQL, beside a bare insert loop of the same
 * rows (one autocommitted single-row insert per message) measured in the same run: the ratio says
 * what resolving the contact, threading, the case machine and the audit trail cost on top of
 * storing a row. Messages are stored one after another (one sender), then with
 * `BENCH_CONCURRENCY` in flight at once (webhooks arriving together).
 *
 *   npm run bench:ingest                       # both backends (PostgreSQL if reachable)
 *   BENCH_MESSAGES=5000 BENCH_SENDERS=500 npm run bench:ingest
 *   BENCH_DATABASE_URL=postgres://... npm run bench:ingest
 *   BENCH_PARTS=pg npm run bench:ingest          # one database only (pglite or pg)
 *
 * The last line is `key=value` figures: `*_share_of_bare` is ingest rate / bare insert rate (one after
 * another), `*_concurrent_vs_bare` the concurrent ingest rate / the bare rate.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createCaseMachine, DEFAULT_CASE_POLICY } from "../cases/case-machine.ts";
import type { CaseDeps } from "../cases/deps.ts";
import { type InboundMessage, ingest } from "../cases/ingest.ts";
import { connect, type Database } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { postgresReachable } from "./postgres-reachable.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Which databases to measure: `pglite`, `pg` or both (the default). */
const PARTS = new Set((process.env.BENCH_PARTS ?? "pglite,pg").split(","));
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";

interface Figures {
  msgsPerS: number;
  p50Ms: number;
  p99Ms: number;
  bareRowsPerS: number;
  ratioToBare: number;
  concurrentMsgsPerS: number;
  statementsPerMsg: number;
  /** This process's CPU per message, one after another (PGlite's includes the database). */
  cpuMsPerMsg: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function messages(run: string): InboundMessage[] {
  return Array.from({ length: MESSAGES }, (_, i) => ({
    channel: "sms",
    externalId: `SM${run}${String(i).padStart(8, "0")}`,
    from: { kind: "phone", address: `+1415${String(5_000_000 + (i % SENDERS)).padStart(7, "0")}` },
    to: "+14155550100",
    body: `Message ${i}: my order ${1000 + (i % 97)} has not arrived yet, can you check?`,
    receivedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
  }));
}

async function measure(database: Database, label: string): Promise<Figures> {
  await runMigrations(database);
  const deps: CaseDeps = {
    db: database.db,
    events: { publish: () => {} },
    jobs: { enqueue: async () => {} },
    clock: () => new Date(),
    machine: createCaseMachine(DEFAULT_CASE_POLICY),
    policy: DEFAULT_CASE_POLICY,
    defaultCountry: "US",
  };
  const run = randomBytes(3).toString("hex");
  const batch = messages(run);

  // Warm-up: JIT, prepared statements, first contacts.
  for (const message of messages(`${run}w`).slice(0, 50)) await ingest(deps, message);

  const latencies: number[] = [];
  const statementsBefore = database.statementCount();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const message of batch) {
    const t0 = performance.now();
    await ingest(deps, message);
    latencies.push(performance.now() - t0);
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerMsg = (cpu.user + cpu.system) / 1000 / MESSAGES;
  const statementsPerMsg = (database.statementCount() - statementsBefore) / MESSAGES;

  // The same number of messages again, `CONCURRENCY` in flight at a time.
  const concurrent = messages(`${run}c`);
  let next = 0;
  const concurrentStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < concurrent.length) await ingest(deps, concurrent[next++]!);
    }),
  );
  const concurrentSeconds = (performance.now() - concurrentStarted) / 1000;

  await database.db.execute(
    sql`create table bench_bare (id uuid primary key default gen_random_uuid(), channel text not null, external_id text not null unique, sender text not null, body text not null, created_at timestamptz not null)`,
  );
  const bareStarted = performance.now();
  for (const message of batch) {
    await database.db.execute(
      sql`insert into bench_bare (channel, external_id, sender, body, created_at) values (${message.channel}, ${message.externalId}, ${message.from.address}, ${message.body}, ${message.receivedAt!.toISOString()})`,
    );
  }
  const bareSeconds = (performance.now() - bareStarted) / 1000;

  latencies.sort((a, b) => a - b);
  const figures: Figures = {
    msgsPerS: MESSAGES / ingestSeconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    bareRowsPerS: MESSAGES / bareSeconds,
    ratioToBare: ingestSeconds / bareSeconds,
    concurrentMsgsPerS: MESSAGES / concurrentSeconds,
    statementsPerMsg,
    cpuMsPerMsg,
  };
  console.log(
    `${label}: ${MESSAGES} messages from ${SENDERS} senders in ${ingestSeconds.toFixed(2)} s = ${figures.msgsPerS.toFixed(0)} msgs/s ` +
      `(${statementsPerMsg.toFixed(1)} statements, ${cpuMsPerMsg.toFixed(2)} ms CPU each); latency p50 ${figures.p50Ms.toFixed(2)} ms, p99 ${figures.p99Ms.toFixed(2)} ms; ` +
      `${CONCURRENCY} at a time: ${figures.concurrentMsgsPerS.toFixed(0)} msgs/s; ` +
      `bare insert ${figures.bareRowsPerS.toFixed(0)} rows/s: one after another ${((figures.msgsPerS / figures.bareRowsPerS) * 100).toFixed(0)} % of it, ` +
      `concurrent ${(figures.concurrentMsgsPerS / figures.bareRowsPerS).toFixed(2)}x it`,
  );
  return figures;
}

async function main(): Promise<void> {
  const results: Record<string, Figures> = {};

  if (PARTS.has("pglite")) {
    const folder = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
    const pglite = await connect({ dataDir: folder });
    try {
      results.pglite = await measure(pglite, "pglite (data folder on disk)");
    } finally {
      await pglite.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }

  if (!PARTS.has("pg")) {
    // PostgreSQL not asked for.
  } else if (await postgresReachable(SERVER_URL)) {
    const name = `sb_bench_${randomBytes(4).toString("hex")}`;
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    const pg = await connect({ databaseUrl: url.toString(), maxConnections: 10 });
    try {
      results.pg = await measure(pg, "postgresql");
    } finally {
      await pg.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  } else {
    console.log(
      `postgresql: not reachable at ${SERVER_URL.replace(/\/\/[^@]*@/, "//")}; set BENCH_DATABASE_URL to include it`,
    );
  }

  const line = Object.entries(results).flatMap(([prefix, f]) => [
    `${prefix}_msgs_per_s=${f.msgsPerS.toFixed(0)}`,
    `${prefix}_p50_ms=${f.p50Ms.toFixed(2)}`,
    `${prefix}_p99_ms=${f.p99Ms.toFixed(2)}`,
    `${prefix}_bare_rows_per_s=${f.bareRowsPerS.toFixed(0)}`,
    `${prefix}_share_of_bare=${(f.msgsPerS / f.bareRowsPerS).toFixed(2)}`,
    `${prefix}_concurrent_msgs_per_s=${f.concurrentMsgsPerS.toFixed(0)}`,
    `${prefix}_concurrent_vs_bare=${(f.concurrentMsgsPerS / f.bareRowsPerS).toFixed(2)}`,
    `${prefix}_statements_per_msg=${f.statementsPerMsg.toFixed(1)}`,
    `${prefix}_cpu_ms_per_msg=${f.cpuMsPerMsg.toFixed(2)}`,
  ]);
  console.log(`messages=${MESSAGES} senders=${SENDERS} concurrency=${CONCURRENCY} ${line.join(" ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
