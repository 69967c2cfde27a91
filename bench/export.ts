/**
 * A CSV export of 1,000,000 interactions through the same job code the server runs (keyset pages
 * into csv-stringify into the file storage), on a fresh PostgreSQL database (default) or PGlite.
 * Prints rows/s and the peak memory sampled during the run, against the process's memory before
 * it: a streamed export holds one page, not the rows.
 *
 *   npm run bench:export
 *   BENCH_PARTS=pglite BENCH_ROWS=200000 npm run bench:export
 *
 * The last line is `key=value` figures.
 */
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { createDiskStorage } from "../channels/storage.ts";
import { connect, type Database } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { exportJobs } from "../db/schema/integrations.ts";
import { type ExportDeps, runExport } from "../reports/export-jobs.ts";
import { withBenchDatabase } from "./bench-services.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PART = process.env.BENCH_PARTS === "pglite" ? "pglite" : "pg";
const MB = 1024 * 1024;

async function fill(database: Database): Promise<number> {
  const started = performance.now();
  await runMigrations(database);
  const { db } = database;
  await db.execute(sql`insert into contacts (name) values ('Bench customer')`);
  await db.execute(sql`
    insert into cases (contact_id, channel, subject, state, customer_address, machine_snapshot, machine_version)
    select (select id from contacts limit 1), 'sms', 'Order ' || i, 'queued', '+14155550100',
           '{"value": "queued", "context": {"assigneeId": null, "resolvedAt": null}}'::jsonb, 1
    from generate_series(1, 100) as i`);
  // One statement: a million messages spread over the hundred cases and the last hour.
  await db.execute(sql`
    insert into interactions (case_id, channel, kind, direction, body, status, created_at)
    select c.ids[1 + g % 100], 'sms', 'message', 'inbound',
           'Hello, this is message ' || g || ' about my order, please call me back', 'received',
           now() - interval '1 hour' + g * interval '3 ms'
    from generate_series(1, ${ROWS}::int) as g, (select array_agg(id) as ids from cases) as c`);
  await db.execute(sql`vacuum analyze interactions`);
  return (performance.now() - started) / 1000;
}

async function lines(path: string): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(path))
    for (const byte of chunk as Buffer) if (byte === 10) count++;
  return count;
}

async function run(database: Database) {
  const fillSeconds = await fill(database);
  console.log(`filled ${ROWS} interactions in ${fillSeconds.toFixed(1)} s`);
  const folder = mkdtempSync(join(tmpdir(), "sb-export-bench-"));
  try {
    const [job] = await database.db
      .insert(exportJobs)
      .values({
        kind: "interactions",
        params: {
          from: new Date(Date.now() - 2 * 3_600_000).toISOString(),
          to: new Date(Date.now() + 3_600_000).toISOString(),
          timeZone: "Europe/Berlin",
        },
      })
      .returning();
    const deps: ExportDeps = {
      db: database.db,
      reporting: database.reporting,
      jobs: { enqueue: async () => {}, cancel: async () => {} },
      files: createDiskStorage(folder),
      clock: () => new Date(),
    };
    global.gc?.();
    const before = process.memoryUsage();
    const peak = { rss: before.rss, heapUsed: before.heapUsed };
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak.rss = Math.max(peak.rss, now.rss);
      peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
    }, 20);
    const started = performance.now();
    await runExport(deps, job!.id);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const [done] = await database.db.select().from(exportJobs).where(sql`id = ${job!.id}`);
    const written = (await lines(join(folder, done!.fileKey!))) - 1;
    if (written !== ROWS || done!.rowsWritten !== ROWS)
      throw new Error(`expected ${ROWS} rows, the file has ${written}, the job says ${done!.rowsWritten}`);
    return { seconds, before, peak };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const result =
  PART === "pglite"
    ? await (async () => {
        const database = await connect({});
        try {
          return await run(database);
        } finally {
          await database.close();
        }
      })()
    : await withBenchDatabase(async (url) => {
        const database = await connect({ databaseUrl: url });
        try {
          return await run(database);
        } finally {
          await database.close();
        }
      });
const rowsPerSecond = Math.round(ROWS / result.seconds);
console.log(
  `${PART}: exported ${ROWS} rows in ${result.seconds.toFixed(1)} s (${rowsPerSecond} rows/s); ` +
    `RSS ${(result.before.rss / MB).toFixed(0)} MB before, peak ${(result.peak.rss / MB).toFixed(0)} MB; ` +
    `heap ${(result.before.heapUsed / MB).toFixed(0)} MB before, peak ${(result.peak.heapUsed / MB).toFixed(0)} MB`,
);
console.log(
  `part=${PART} rows=${ROWS} seconds=${result.seconds.toFixed(1)} rows_per_s=${rowsPerSecond} ` +
    `rss_before_mb=${(result.before.rss / MB).toFixed(0)} rss_peak_mb=${(result.peak.rss / MB).toFixed(0)} ` +
    `heap_before_mb=${(result.before.heapUsed / MB).toFixed(0)} heap_peak_mb=${(result.peak.heapUsed / MB).toFixed(0)}`,
);
