/**
 * The SLA monitor's cost against the number of open cases. Two databases are filled in the same run:
 * a baseline with 10,000 open cases that are all due, and a large one with 1,000,000 open cases of
 * which the same 10,000 are due. The monitor sweeps until every due target is flagged; the ratio of
 * the two times says whether its cost follows the due cases (ratio near 1) or the open ones (ratio
 * near 100). The query plan is printed too, to show it reads the two partial indexes.
 *
 *   npm run bench:sla-sweep                         # PGlite, and PostgreSQL if reachable
 *   BENCH_OPEN=200000 npm run bench:sla-sweep       # a smaller large database
 *   BENCH_DATABASE_URL=postgres://... npm run bench:sla-sweep
 *
 * The last line is `key=value` figures.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createCaseMachine, DEFAULT_CASE_POLICY } from "../cases/case-machine.ts";
import { connect, type Database } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { sweepSla } from "../sla/sla-monitor.ts";
import { postgresReachable } from "./postgres-reachable.ts";

const OPEN = Number(process.env.BENCH_OPEN ?? 1_000_000);
const DUE = Number(process.env.BENCH_DUE ?? 10_000);
const BATCH = Number(process.env.BENCH_SWEEP_BATCH ?? 500);
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const ONLY = process.env.BENCH_BACKENDS?.split(",") ?? ["pglite", "pg"];

interface Sweep {
  seconds: number;
  flagged: number;
  passes: number;
  usesPartialIndexes: boolean;
}

/** Fills `open` open cases, each with a running first-response target; the first `due` are overdue. */
async function fill(database: Database, open: number, due: number): Promise<number> {
  const started = performance.now();
  const { db } = database;
  await db.execute(sql`insert into contacts (name) values ('Bench customer')`);
  const chunk = 100_000;
  for (let from = 0; from < open; from += chunk) {
    const to = Math.min(open, from + chunk) - 1;
    await db.execute(sql`
      insert into cases (contact_id, channel, subject, state, customer_address, machine_snapshot, machine_version, created_at)
      select (select id from contacts limit 1), 'email', 'Case ' || i, 'queued', 'bench@example.com',
             '{"value": "queued", "context": {"assigneeId": null, "resolvedAt": null}}'::jsonb, 1,
             now() - interval '1 hour'
      from generate_series(${from}::int, ${to}::int) as i`);
    process.stdout.write(`\r  filling: ${to + 1}/${open} cases`);
  }
  // Targets: due ones are an hour overdue, the rest due tomorrow (at risk in 20 hours).
  await db.execute(sql`
    insert into case_sla_targets (case_id, metric, target_minutes, business, at_risk_percent,
                                  segment_started_at, due_at, at_risk_at)
    select id, 'first_response', 60, false, 25, created_at,
           case when rn <= ${due} then now() - interval '1 hour' else now() + interval '1 day' end,
           case when rn <= ${due} then now() - interval '75 minutes' else now() + interval '20 hours' end
    from (select id, created_at, row_number() over (order by number) as rn from cases) as numbered`);
  // The state autovacuum leaves a bulk load in: statistics, visibility map and hint bits set, so the
  // sweep is not charged for the first touch of a million fresh rows.
  await db.execute(sql`vacuum analyze`);
  process.stdout.write(
    `\r  filled ${open} cases (${due} due) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return (performance.now() - started) / 1000;
}

async function planUsesPartialIndexes(database: Database): Promise<boolean> {
  const rows = (await database.db.execute(sql`
    explain select * from case_sla_targets
    where (status = 'active' and not paused and at_risk_at <= now())
       or (status in ('active', 'at_risk') and not paused and due_at <= now())
    order by due_at limit ${BATCH}`)) as unknown as
    | { rows?: Record<string, string>[] }
    | Record<string, string>[];
  const lines = (Array.isArray(rows) ? rows : (rows.rows ?? [])).map((row) => Object.values(row)[0] ?? "");
  const plan = lines.join("\n");
  console.log(plan.replace(/^/gm, "    "));
  return plan.includes("case_sla_targets_at_risk_idx") && plan.includes("case_sla_targets_due_idx");
}

async function sweepAll(database: Database, expected: number): Promise<Sweep> {
  const deps = {
    db: database.db,
    events: { publish: () => {} },
    jobs: { enqueue: async () => {} },
    clock: () => new Date(),
    machine: createCaseMachine(DEFAULT_CASE_POLICY),
    policy: DEFAULT_CASE_POLICY,
  };
  const usesPartialIndexes = await planUsesPartialIndexes(database);
  let flagged = 0;
  let passes = 0;
  const started = performance.now();
  for (;;) {
    const flags = await sweepSla(deps, BATCH);
    passes += 1;
    flagged += flags.length;
    if (flags.length === 0 || flagged >= expected) break;
  }
  const seconds = (performance.now() - started) / 1000;
  // One more pass finds nothing: the cost of a quiet sweep over the big table.
  return { seconds, flagged, passes, usesPartialIndexes };
}

async function quietSweepMs(database: Database): Promise<number> {
  const deps = {
    db: database.db,
    events: { publish: () => {} },
    jobs: { enqueue: async () => {} },
    clock: () => new Date(),
  };
  const runs = 20;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await sweepSla(deps, BATCH);
  return (performance.now() - started) / runs;
}

type Opener = () => Promise<{ database: Database; dispose: () => Promise<void> }>;

async function scenario(open: Opener, label: string, cases: number, due: number) {
  console.log(`${label}: ${cases} open cases, ${due} due`);
  const { database, dispose } = await open();
  try {
    await runMigrations(database);
    await fill(database, cases, due);
    const sweep = await sweepAll(database, due);
    const quietMs = await quietSweepMs(database);
    console.log(
      `  swept ${sweep.flagged} breaches in ${sweep.passes} passes, ${sweep.seconds.toFixed(2)} s ` +
        `(${(sweep.flagged / sweep.seconds).toFixed(0)} flags/s); a quiet sweep takes ${quietMs.toFixed(2)} ms; ` +
        `plan reads the partial indexes: ${sweep.usesPartialIndexes}`,
    );
    if (sweep.flagged !== due) throw new Error(`expected ${due} breaches, flagged ${sweep.flagged}`);
    return { ...sweep, quietMs };
  } finally {
    await dispose();
  }
}

const pgliteOpener: Opener = async () => {
  const folder = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
  const database = await connect({ dataDir: folder });
  return {
    database,
    dispose: async () => {
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
};

const postgresOpener: Opener = async () => {
  const name = `sb_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await connect({ databaseUrl: url.toString(), maxConnections: 4 });
  return {
    database,
    dispose: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
};

async function main(): Promise<void> {
  const figures: string[] = [];
  const backends: [string, Opener][] = [];
  if (ONLY.includes("pglite")) backends.push(["pglite", pgliteOpener]);
  if (ONLY.includes("pg")) {
    if (await postgresReachable(SERVER_URL)) backends.push(["pg", postgresOpener]);
    else console.log(`postgresql: not reachable at ${SERVER_URL.replace(/\/\/[^@]*@/, "//")}; skipped`);
  }
  for (const [name, opener] of backends) {
    const small = await scenario(opener, `${name} baseline`, DUE, DUE);
    const large = await scenario(opener, `${name} large`, OPEN, DUE);
    const ratio = large.seconds / small.seconds;
    console.log(`${name}: large/baseline sweep time ratio ${ratio.toFixed(2)} (goal < 3)`);
    figures.push(
      `${name}_baseline_s=${small.seconds.toFixed(2)}`,
      `${name}_large_s=${large.seconds.toFixed(2)}`,
      `${name}_ratio=${ratio.toFixed(2)}`,
      `${name}_quiet_sweep_baseline_ms=${small.quietMs.toFixed(2)}`,
      `${name}_quiet_sweep_large_ms=${large.quietMs.toFixed(2)}`,
      `${name}_partial_indexes=${large.usesPartialIndexes}`,
    );
  }
  console.log(`open=${OPEN} due=${DUE} batch=${BATCH} ${figures.join(" ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
