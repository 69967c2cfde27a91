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
 * and resolve through the API after `HANDLE_MS`, so capacity turns over. The time is from the
 * visitor's `message` emit to the `offer` arriving on the agent's socket.
 *
 *   npm run bench:routing
 *   BENCH_PARTS=pg BENCH_RATE=50 BENCH_SECONDS=20 npm run bench:routing
 *
 * The last line is `key=value` figures.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { type ConnectOptions, connect } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { agents } from "../db/schema/agents.ts";
import { hashPassword } from "../server/auth/passwords.ts";
import { createSession } from "../server/auth/sessions.ts";
import { type ServerProcess, startServerProcess } from "../tests/helpers/server-process.ts";
import {
  BENCH_DATABASE_SERVER_URL,
  BENCH_REDIS_URL,
  withBenchDatabase,
  withBenchRedisPrefix,
} from "./bench-services.ts";
import { benchMatcher } from "./matcher.ts";
import { postgresReachable } from "./postgres-reachable.ts";

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
/** Agents finish each chat after this long, so capacity turns over during the run. */
const HANDLE_MS = 3000;
const SERVER_URL = BENCH_DATABASE_SERVER_URL;
const REDIS_URL = BENCH_REDIS_URL;

/** Which parts to run: `matcher`, `pglite`, `pg`, `pg2`, and `knee` for the knee search (default all). */
const PARTS = new Set((process.env.BENCH_PARTS ?? "matcher,pglite,pg,pg2,knee").split(","));

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

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

/** CPU seconds (user + system) a process has used (all its threads), from /proc. */
function cpuSeconds(pid: number, path = `/proc/${pid}/stat`): number {
  const fields = readFileSync(path, "utf8").split(") ")[1]!.split(" ");
  // Fields 14 and 15 of stat (utime, stime), counted from `state` as index 0 here.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of the process's main thread alone (JavaScript, and PGlite's WebAssembly). */
const mainThreadCpuSeconds = (pid: number) => cpuSeconds(pid, `/proc/${pid}/task/${pid}/stat`);

async function statements(servers: ServerProcess[]): Promise<number> {
  let total = 0;
  for (const server of servers) {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const match = /^switchboard_db_statements_total (\d+)/m.exec(text);
    total += Number(match?.[1] ?? 0);
  }
  return total;
}

interface StepFigures {
  rate: number;
  sent: number;
  offered: number;
  p50: number;
  p99: number;
  max: number;
  statementsPerChat: number;
  cpuMsPerChat: number;
  mainThreadCpuMsPerChat: number;
}

/** A running cluster: server processes, agent sockets, and a way to start chats. */
class Cluster {
  private readonly offeredAt = new Map<string, number>();
  private readonly resolving = new Set<Promise<unknown>>();
  private readonly sockets: Socket[] = [];
  private visitors: Socket[] = [];

  constructor(
    readonly servers: ServerProcess[],
    private readonly tokens: string[],
  ) {}

  async connectAgents(): Promise<void> {
    this.tokens.forEach((token, i) => {
      const url = this.servers[i % this.servers.length]!.url;
      const socket = io(`${url}/agent`, {
        auth: { token },
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
      });
      // Accept at once; finish the chat a little later (through the API), so capacity turns over.
      socket.on("offer", (offer: { offerId: string; caseId: string }) => {
        if (!this.offeredAt.has(offer.caseId)) this.offeredAt.set(offer.caseId, performance.now());
        socket.emit("offer.accept", { offerId: offer.offerId }, (answer: { ok: boolean }) => {
          if (!answer.ok) return;
          const done = sleep(HANDLE_MS).then(() =>
            fetch(`${url}/api/cases/${offer.caseId}/actions`, {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
              body: JSON.stringify({ action: "resolve" }),
            })
              .then((response) => response.arrayBuffer())
              .catch(() => {}),
          );
          this.resolving.add(done);
          void done.finally(() => this.resolving.delete(done));
        });
      });
      this.sockets.push(socket);
    });
    await Promise.all(this.sockets.map(connected));
  }

  /** One chat: a new visitor connects, says hello and sends a message; resolves with the case id and send time. */
  private chat(n: number): Promise<{ caseId: string; sentAt: number } | null> {
    const url = this.servers[n % this.servers.length]!.url;
    const visitor = io(`${url}/chat`, { transports: ["websocket"], forceNew: true, reconnection: false });
    this.visitors.push(visitor);
    return new Promise((resolve) => {
      visitor.once("connect_error", () => resolve(null));
      visitor.once("connect", () => {
        visitor.emit("hello", {}, () => {
          const sentAt = performance.now();
          visitor.emit("message", { body: `bench chat ${n}` }, (ack: { caseId?: string }) =>
            resolve(ack.caseId ? { caseId: ack.caseId, sentAt } : null),
          );
        });
      });
    });
  }

  private async settle(): Promise<void> {
    while (this.resolving.size) await Promise.allSettled([...this.resolving]);
    for (const visitor of this.visitors) visitor.close();
    this.visitors = [];
  }

  private async waitOffered(caseIds: string[], timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && caseIds.some((id) => !this.offeredAt.has(id))) await sleep(20);
  }

  /** Chats one after another on an otherwise idle server: message -> offer p50. */
  async idle(count: number): Promise<number> {
    const latencies: number[] = [];
    for (let n = 0; n < count; n++) {
      const sent = await this.chat(n);
      if (!sent) continue;
      await this.waitOffered([sent.caseId], 5000);
      const at = this.offeredAt.get(sent.caseId);
      if (at !== undefined) latencies.push(at - sent.sentAt);
      await sleep(100);
    }
    await this.settle();
    latencies.sort((a, b) => a - b);
    return percentile(latencies, 50);
  }

  /** A steady rate for `seconds`; waits for every chat to be resolved before reading CPU and statements. */
  async steady(rate: number, seconds: number): Promise<StepFigures> {
    const cpuBefore = this.servers.reduce((sum, s) => sum + cpuSeconds(s.child.pid!), 0);
    const mainBefore = this.servers.reduce((sum, s) => sum + mainThreadCpuSeconds(s.child.pid!), 0);
    const statementsBefore = await statements(this.servers);
    const total = Math.round(rate * seconds);
    const chats: Promise<{ caseId: string; sentAt: number } | null>[] = [];
    const started = performance.now();
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        // Keep to the schedule: as many as should have gone by now.
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
        while (chats.length < due) chats.push(this.chat(chats.length));
        if (chats.length >= total) {
          clearInterval(tick);
          done();
        }
      }, 2);
    });
    const sent = (await Promise.all(chats)).filter((chat) => chat !== null);
    await this.waitOffered(
      sent.map((chat) => chat.caseId),
      30_000,
    );
    await this.settle();
    // Let the last resolves' after-commit work finish before reading the counters.
    await sleep(500);
    const cpuMs = (this.servers.reduce((sum, s) => sum + cpuSeconds(s.child.pid!), 0) - cpuBefore) * 1000;
    const mainMs =
      (this.servers.reduce((sum, s) => sum + mainThreadCpuSeconds(s.child.pid!), 0) - mainBefore) * 1000;
    const statementCount = (await statements(this.servers)) - statementsBefore;
    const latencies = sent
      .filter((chat) => this.offeredAt.has(chat.caseId))
      .map((chat) => this.offeredAt.get(chat.caseId)! - chat.sentAt)
      .sort((a, b) => a - b);
    return {
      rate,
      sent: total,
      offered: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
      statementsPerChat: statementCount / total,
      cpuMsPerChat: cpuMs / total,
      mainThreadCpuMsPerChat: mainMs / total,
    };
  }

  async stop(): Promise<void> {
    for (const socket of [...this.sockets, ...this.visitors]) socket.close();
    await Promise.all(this.servers.map((server) => server.kill("SIGTERM")));
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
