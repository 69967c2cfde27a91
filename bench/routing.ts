/**
 * Routing figures:
 * 1. the pure matcher: decisions/s and run p50/p99 with 5,000 agents x 50 queues x 50,000 waiting
 *    cases (see bench/matcher.ts), beside a naive scan measured in the same run;
 * 2. inbound message -> offer on an agent's socket, p50/p99, at a steady 50 new cases/s with 500
 *    agent sockets connected, on the embedded database and on PostgreSQL + Redis when reachable.
 *    The server runs in its own process; this one plays the agents and visitors. The message enters
 *    through the web chat socket (the channel every install has); the time is from the visitor's
 *    emit to the offer arriving at the agent's socket.
 *
 *   npm run bench:routing
 *   BENCH_RATE=50 BENCH_SECONDS=20 BENCH_AGENTS=500 npm run bench:routing
 *
 * The last line is `key=value` figures.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { io, type Socket } from "socket.io-client";
import { type ConnectOptions, connect } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { agents } from "../db/schema/agents.ts";
import { hashPassword } from "../server/auth/passwords.ts";
import { createSession } from "../server/auth/sessions.ts";
import { startServerProcess } from "../tests/helpers/server-process.ts";
import { benchMatcher } from "./matcher.ts";
import { postgresReachable } from "./postgres-reachable.ts";

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const AGENT_SOCKETS = Number(process.env.BENCH_AGENTS ?? 500);
const VISITOR_SOCKETS = 25;
/** Agents finish each chat after this long, so capacity turns over during the run. */
const HANDLE_MS = 3000;
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Which parts to run: `matcher`, `pglite`, `pg` (default all). */
const PARTS = new Set((process.env.BENCH_PARTS ?? "matcher,pglite,pg").split(","));

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

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

async function messageToOffer(label: string, env: Record<string, string>, database: ConnectOptions) {
  const tokens = await prepareAgents(database);
  // The server runs in its own process, as in production; this process only plays the clients.
  const server = await startServerProcess({
    LOG_LEVEL: "error",
    ADMIN_PASSWORD: "bench-password",
    SECRET_KEY: "bench-secret-key-of-at-least-32-chars",
    ...env,
  });
  const url = server.url;
  const sockets: Socket[] = [];
  try {
    const offeredAt = new Map<string, number>();
    for (const token of tokens) {
      const socket = io(`${url}/agent`, {
        auth: { token },
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
      });
      // Accept at once; finish the chat a little later (through the API), so capacity turns over.
      socket.on("offer", (offer: { offerId: string; caseId: string }) => {
        if (!offeredAt.has(offer.caseId)) offeredAt.set(offer.caseId, performance.now());
        socket.emit("offer.accept", { offerId: offer.offerId }, (answer: { ok: boolean }) => {
          if (!answer.ok) return;
          setTimeout(() => {
            void fetch(`${url}/api/cases/${offer.caseId}/actions`, {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
              body: JSON.stringify({ action: "resolve" }),
            }).catch(() => {});
          }, HANDLE_MS);
        });
      });
      sockets.push(socket);
    }
    await Promise.all(sockets.map(connected));

    const visitors = Array.from({ length: VISITOR_SOCKETS }, () =>
      io(`${url}/chat`, { transports: ["websocket"], forceNew: true, reconnection: false }),
    );
    sockets.push(...visitors);
    await Promise.all(visitors.map(connected));

    const sentAt = new Map<string, number>();
    const total = RATE * SECONDS;
    const started = performance.now();
    let sent = 0;
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        // Keep to the schedule: as many as should have gone by now.
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
        for (; sent < due; sent++) {
          const visitor = visitors[sent % visitors.length]!;
          const t0 = performance.now();
          visitor.emit("hello", {}, () => {
            visitor.emit("message", { body: `bench chat ${sent}` }, (ack: { caseId?: string }) => {
              if (ack.caseId) sentAt.set(ack.caseId, t0);
            });
          });
        }
        if (sent >= total) {
          clearInterval(tick);
          done();
        }
      }, 5);
    });
    const deadline = performance.now() + 30_000;
    while (
      performance.now() < deadline &&
      [...sentAt.keys()].filter((id) => offeredAt.has(id)).length < total
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const latencies = [...sentAt.entries()]
      .filter(([caseId]) => offeredAt.has(caseId))
      .map(([caseId, t0]) => offeredAt.get(caseId)! - t0)
      .sort((a, b) => a - b);
    const figures = {
      offered: latencies.length,
      sent: total,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
    };
    console.log(
      `${label}: ${total} chats at ${RATE}/s, ${AGENT_SOCKETS} agent sockets: ${figures.offered} offered; message -> offer p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms`,
    );
    return figures;
  } finally {
    for (const socket of sockets) socket.close();
    await server.kill("SIGTERM");
  }
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

  const folder = mkdtempSync(join(tmpdir(), "switchboard-bench-routing-"));
  if (PARTS.has("pglite"))
    try {
      const embedded = await messageToOffer(
        "pglite + in-process jobs",
        { DATA_DIR: folder },
        { dataDir: folder },
      );
      figures.push(
        `pglite_offer_p50_ms=${embedded.p50.toFixed(1)}`,
        `pglite_offer_p99_ms=${embedded.p99.toFixed(1)}`,
        `pglite_offered=${embedded.offered}`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }

  if (!PARTS.has("pg")) {
    // Not asked for.
  } else if (await postgresReachable(SERVER_URL)) {
    const name = `sb_bench_${randomBytes(4).toString("hex")}`;
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    try {
      const distributed = await messageToOffer(
        "postgresql + redis",
        { DATABASE_URL: url.toString(), REDIS_URL, JOB_PREFIX: `bench-${randomBytes(3).toString("hex")}` },
        { databaseUrl: url.toString() },
      );
      figures.push(
        `pg_offer_p50_ms=${distributed.p50.toFixed(1)}`,
        `pg_offer_p99_ms=${distributed.p99.toFixed(1)}`,
        `pg_offered=${distributed.offered}`,
      );
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  } else {
    console.log("postgresql: not reachable; set BENCH_DATABASE_URL to include it");
  }
  console.log(`rate_per_s=${RATE} agent_sockets=${AGENT_SOCKETS} ${figures.join(" ")}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
