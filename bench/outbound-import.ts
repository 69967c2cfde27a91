/**
 * Imports a generated 100,000-row call list (national and international formats, extensions, 2 %
 * invalid rows, 1 % duplicates, zones derived from the numbers) through the same job code the
 * server runs, on PGlite and on PostgreSQL, and prints how long it took and the longest the event
 * loop was held up meanwhile (what a request arriving during the import would wait at most).
 *
 *   node --import tsx bench/outbound-import.ts
 *   BENCH_ROWS=20000 BENCH_BACKENDS=pglite node --import tsx bench/outbound-import.ts
 *
 * The last line is `key=value` figures.
 */
import { randomBytes } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { connect, type Database } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { listImports } from "../db/schema/outbound.ts";
import { createCallList, runListImport, startListImport } from "../outbound/list-import.ts";
import type { OutboundDeps } from "../outbound/ports.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const ONLY = process.env.BENCH_BACKENDS?.split(",") ?? ["pglite", "pg"];
const AREA_CODES = ["212", "312", "415", "646", "713", "305", "206", "617", "404", "702"];

function generateCsv(rows: number): string {
  const lines = ["phone,first_name,last_name,notes"];
  for (let index = 0; index < rows; index++) {
    const area = AREA_CODES[index % AREA_CODES.length]!;
    const local = String(2_000_000 + index).padStart(7, "0");
    const number = `${area}${local.slice(0, 3)}${local.slice(3)}`;
    let phone: string;
    if (index % 50 === 7) phone = "555-12";
    else if (index % 100 === 13 && index > 0) phone = lines[1]!.split(",")[0]!;
    else if (index % 4 === 0) phone = `(${area}) ${local.slice(0, 3)}-${local.slice(3)}`;
    else if (index % 4 === 1) phone = `+1 ${area} ${local.slice(0, 3)} ${local.slice(3)}`;
    else if (index % 4 === 2) phone = `${number} ext. ${index % 90}`;
    else phone = number;
    lines.push(`${phone},First${index},Last${index},row ${index}`);
  }
  return lines.join("\n");
}

async function run(name: string, database: Database, csv: string) {
  await runMigrations(database);
  const deps: OutboundDeps = {
    db: database.db,
    clock: () => new Date(),
    jobs: { enqueue: async () => {} },
    calls: null,
    presence: { setAway: async () => {} },
    publicUrl: "http://localhost:3000",
    defaultCountry: "US",
    defaultTimeZone: "UTC",
    log: { warn: () => {} },
  };
  const list = await createCallList(database.db, { name: "bench", createdById: null });
  const job = await startListImport(deps, {
    listId: list.id,
    csv,
    mapping: { phone: "phone", firstName: "first_name", lastName: "last_name" },
    createdById: null,
  });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  await runListImport(deps, job.id);
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  const [result] = await database.db.select().from(listImports).where(eq(listImports.id, job.id));
  const maxLagMs = delay.max / 1e6;
  console.log(
    `${name}: ${ROWS} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s); imported ${result!.imported}, invalid ${result!.invalid}, duplicates ${result!.duplicates}; longest event-loop stall ${maxLagMs.toFixed(0)} ms`,
  );
  return { seconds, maxLagMs, imported: result!.imported };
}

const csv = generateCsv(ROWS);
console.log(`generated ${ROWS} rows, ${(csv.length / 1e6).toFixed(1)} MB`);
const figures: Record<string, string> = { rows: String(ROWS) };
if (ONLY.includes("pglite")) {
  const database = await connect({});
  const result = await run("PGlite", database, csv);
  await database.close();
  figures.pglite_seconds = result.seconds.toFixed(1);
  figures.pglite_max_stall_ms = result.maxLagMs.toFixed(0);
}
if (ONLY.includes("pg")) {
  const name = `sb_bench_${randomBytes(5).toString("hex")}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    const database = await connect({ databaseUrl: url.toString() });
    try {
      const result = await run("PostgreSQL", database, csv);
      figures.pg_seconds = result.seconds.toFixed(1);
      figures.pg_max_stall_ms = result.maxLagMs.toFixed(0);
    } finally {
      await database.close();
    }
  } catch (error) {
    console.log(`PostgreSQL skipped: ${(error as Error).message}`);
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  }
}
console.log(
  Object.entries(figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(" "),
);
