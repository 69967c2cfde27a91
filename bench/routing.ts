/**
 * Routing figures:
 * 1. the pure matcher: decisions/s and run p50/p99 with 5,000 agents x 50 queues x 50,000 waiting
 *    cases (see bench/matcher.ts), beside a naive scan measured in the same run;
 * 2. chats end to end through the real server processes, with 500 agent sockets connected, on the
 *    embedded database (one process) and on PostgreSQL + Redis (one process, then two):
 *    - one chat at a time on an idle server: message -> offer p50;
 *    - a steady 50 chats/s: message -> offer p50/p99, how many were offered, and per chat lifecycle
 *      (hello -> message -> offer -> accept -> resolve) the server's SQL statements and CPU time;
 *    - the knee: the highest steady rate at which p99 stays under 250 ms and every chat is offered.
 *
 * Every chat is its own visitor on its own socket (hello, then one message). Agents accept at once
 * and resolve through the API after `HANDLE_MS` (bench/routing-cluster.ts), so capacity turns over.
 * The time is from the visitor's `message` emit to the `offer` arriving on the agent's socket.
 *
 *   npm run bench:routing
 *   BENCH_PARTS=pg BENCH_RATE=50 BENCH_SECONDS=20 npm run bench:routing
 *
 * The last line is `key=value` figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConnectOptions, connect } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { agents } from "../db/schema/agents.ts";
import { hashPassword } from "../server/auth/passwords.ts";
import { createSession } from "../server/auth/sessions.ts";
import {
  ONE_ADDRESS_FLEET,
  type ServerProcess,
  startServerProcess,
} from "../tests/helpers/server-process.ts";
import {
  BENCH_DATABASE_SERVER_URL,
  BENCH_REDIS_URL,
  withBenchDatabase,
  withBenchRedisPrefix,
} from "./bench-services.ts";
import { benchMatcher } from "./matcher.ts";
import { postgresReachable } from "./postgres-reachable.ts";
import { Cluster, type StepFigures } from "./routing-cluster.ts";

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const AGENT_SOCKETS = Number(process.env.BENCH_AGENTS ?? 500);
const IDLE_CHATS = Number(process.env.BENCH_IDLE_CHATS ?? 30);
/** How long each step of the knee search runs (long enough that one stray pause is not the p99). */
const KNEE_SECONDS = Number(process.env.BENCH_KNEE_SECONDS ?? 20);
const KNEE_RATES = (process.env.BENCH_KNEE_RATES ?? "10,20,30,40,50,60,80,100,125,150,200,250")
  .split(",")
  .map(Number);
const KNEE_P99_MS = 250;
const SERVER_URL = BENCH_DATABASE_SERVER_URL;
const REDIS_URL = BENCH_REDIS_URL;

/** Which parts to run: `matcher`, `pglite`, `pg`, `pg2`, and `knee` for the knee search (default all). */
const PARTS = new Set((process.env.BENCH_PARTS ?? "matcher,pglite,pg,pg2,knee").split(","));

/**
 * Writes the agents and their sessions straight into the database before the server starts
 * (signing 500 people in through argon2 would dominate the set-up), and returns their tokens.
 */
async function prepareAgents(options: ConnectOptions): Promise<string[]> {
  const database = await connect(options);
  try {
    await runMigrations(database);
    const passwordHash = await hashPassword("bench-agent-password");
    const rows = await database.db
      .insert(agents)
      .values(
        Array.from({ length: AGENT_SOCKETS }, (_, i) => ({
          email: `bench${i}@example.com`,
          name: `Bench ${i}`,
          role: "agent" as const,
          passwordHash,
          presence: "available" as const,
        })),
      )
      .returning({ id: agents.id });
    const tokens: string[] = [];
    for (const row of rows)
      tokens.push((await createSession(database.db, row.id, 3600_000, new Date())).token);
    return tokens;
  } finally {
    await database.close();
  }
}

const describe = (label: string, f: StepFigures) =>
  `${label}: ${f.sent} chats at ${f.rate}/s: ${f.offered} offered; message -> offer p50 ${f.p50.toFixed(1)} ms, ` +
  `p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms; per chat ${f.statementsPerChat.toFixed(1)} statements, ` +
  `${f.cpuMsPerChat.toFixed(1)} ms server CPU (${f.mainThreadCpuMsPerChat.toFixed(1)} ms on its main thread)`;

interface ModeFigures {
  idleP50: number;
  steady: StepFigures;
  knee: number | null;
}

async function runMode(
  label: string,
  processes: number,
  env: Record<string, string>,
  database: ConnectOptions,
): Promise<ModeFigures> {
  const tokens = await prepareAgents(database);
  const servers: ServerProcess[] = [];
  for (let i = 0; i < processes; i++) {
    servers.push(
      await startServerProcess(
        {
          LOG_LEVEL: "error",
          ADMIN_PASSWORD: "bench-password",
          SECRET_KEY: "bench-secret-key-of-at-least-32-chars",
          ...ONE_ADDRESS_FLEET,
          ...env,
        },
        // The compiled server, as `npm start` runs it (the npm script builds it first).
        // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers.
        { compiled: true, nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [] },
      ),
    );
  }
  const cluster = new Cluster(servers, tokens);
  try {
    await cluster.connectAgents();
    const idleP50 = await cluster.idle(IDLE_CHATS);
    console.log(
      `${label}: idle server, ${IDLE_CHATS} chats one at a time: message -> offer p50 ${idleP50.toFixed(1)} ms`,
    );
    const steady = await cluster.steady(RATE, SECONDS);
    console.log(describe(label, steady));
    let knee: number | null = null;
    if (PARTS.has("knee")) {
      for (const rate of KNEE_RATES) {
        const step = await cluster.steady(rate, KNEE_SECONDS);
        const holds = step.offered === step.sent && step.p99 < KNEE_P99_MS;
        console.log(`  knee step ${describe(label, step)}${holds ? "" : " <- over"}`);
        if (!holds) break;
        knee = rate;
      }
      console.log(
        `${label}: knee ${knee ?? "below the lowest rate tried"} chats/s (p99 < ${KNEE_P99_MS} ms, all offered)`,
      );
    }
    return { idleP50, steady, knee };
  } finally {
    await cluster.stop();
  }
}

function modeFigures(prefix: string, mode: ModeFigures): string[] {
  return [
    `${prefix}_idle_offer_p50_ms=${mode.idleP50.toFixed(1)}`,
    `${prefix}_offer_p50_ms=${mode.steady.p50.toFixed(1)}`,
    `${prefix}_offer_p99_ms=${mode.steady.p99.toFixed(1)}`,
    `${prefix}_offered=${mode.steady.offered}`,
    `${prefix}_statements_per_chat=${mode.steady.statementsPerChat.toFixed(1)}`,
    `${prefix}_server_cpu_ms_per_chat=${mode.steady.cpuMsPerChat.toFixed(1)}`,
    `${prefix}_main_thread_cpu_ms_per_chat=${mode.steady.mainThreadCpuMsPerChat.toFixed(1)}`,
    ...(PARTS.has("knee") ? [`${prefix}_knee_per_s=${mode.knee ?? 0}`] : []),
  ];
}

async function main(): Promise<void> {
  const figures: string[] = [];
  const matcher = PARTS.has("matcher") ? await benchMatcher() : null;
  if (matcher)
    figures.push(
      `matcher_decisions_per_s=${matcher.decisionsPerS.toFixed(0)}`,
      `matcher_run_p50_ms=${matcher.runP50Ms.toFixed(1)}`,
      `matcher_run_p99_ms=${matcher.runP99Ms.toFixed(1)}`,
      `matcher_speedup_vs_naive=${matcher.speedupVsNaive.toFixed(1)}`,
    );

  if (PARTS.has("pglite")) {
    const folder = mkdtempSync(join(tmpdir(), "switchboard-bench-routing-"));
    try {
      const embedded = await runMode(
        "pglite + in-process jobs",
        1,
        { DATA_DIR: folder },
        { dataDir: folder },
      );
      figures.push(...modeFigures("pglite", embedded));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  const distributed = [PARTS.has("pg") && 1, PARTS.has("pg2") && 2].filter((n): n is number => !!n);
  if (distributed.length && !(await postgresReachable(SERVER_URL))) {
    console.log("postgresql: not reachable; set BENCH_DATABASE_URL to include it");
  } else {
    for (const processes of distributed) {
      const mode = await withBenchDatabase((databaseUrl) =>
        withBenchRedisPrefix((prefix) =>
          runMode(
            `postgresql + redis, ${processes} process${processes > 1 ? "es" : ""}`,
            processes,
            { DATABASE_URL: databaseUrl, REDIS_URL, JOB_PREFIX: prefix },
            { databaseUrl },
          ),
        ),
      );
      figures.push(...modeFigures(processes === 1 ? "pg" : "pg2", mode));
    }
  }
  const pick = (key: string) => figures.find((f) => f.startsWith(`${key}=`))?.split("=")[1];
  // The headline figures without a prefix: the distributed mode's, as the issue states them.
  const headline = [
    `statements_per_chat=${pick("pg_statements_per_chat") ?? pick("pglite_statements_per_chat") ?? "n/a"}`,
    `server_cpu_ms_per_chat=${pick("pg_server_cpu_ms_per_chat") ?? pick("pglite_server_cpu_ms_per_chat") ?? "n/a"}`,
    `idle_offer_p50_ms=${pick("pg_idle_offer_p50_ms") ?? pick("pglite_idle_offer_p50_ms") ?? "n/a"}`,
  ];
  console.log(`rate_per_s=${RATE} agent_sockets=${AGENT_SOCKETS} ${[...figures, ...headline].join(" ")}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
