/**
 * Offer expiry during a bulk import: the compiled server runs a 100,000-row call list import while
 * chats keep arriving and are offered to agents who never answer (OFFER_TIMEOUT_SECONDS=1), so
 * every offer expires and the case is offered to the next agent. Lateness is the time an agent's
 * socket hears `offer.closed` (expired) minus the offer's `expiresAt`: what a user would notice of
 * a bulk job delaying realtime work. Run on the embedded mode (PGlite, in-process jobs) and on
 * PostgreSQL + Redis (BullMQ), each on a fresh database (and Redis prefix) that is removed after.
 *
 *   npm run bench:expiry-lateness
 *   BENCH_ROWS=20000 BENCH_PARTS=pglite npm run bench:expiry-lateness
 *
 * The last line is `key=value` figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { type ConnectOptions, connect } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { agents } from "../db/schema/agents.ts";
import { hashPassword } from "../server/auth/passwords.ts";
import { createSession } from "../server/auth/sessions.ts";
import { CALL_LIST_MAPPING, callListCsv } from "../tests/helpers/call-list-csv.ts";
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
import { postgresReachable } from "./postgres-reachable.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 20);
/** New chats per second while the import runs. */
const CHATS_PER_S = Number(process.env.BENCH_CHATS_PER_S ?? 2);
const SERVER_URL = BENCH_DATABASE_SERVER_URL;
const REDIS_URL = BENCH_REDIS_URL;
const PARTS = new Set((process.env.BENCH_PARTS ?? "pglite,pg").split(","));
const ADMIN_PASSWORD = "bench-password";

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Agents, an admin (who starts the import) and their sessions, written before the server starts
 * (argon2 sign-ins would dominate). Returns the agents' tokens, then the admin's.
 */
async function prepareAgents(
  options: ConnectOptions,
): Promise<{ agentTokens: string[]; adminToken: string }> {
  const database = await connect(options);
  try {
    await runMigrations(database);
    const passwordHash = await hashPassword("bench-agent-password");
    const rows = await database.db
      .insert(agents)
      .values(
        Array.from({ length: AGENTS + 1 }, (_, i) => ({
          email: `lateness${i}@example.com`,
          name: `Lateness ${i}`,
          role: i === AGENTS ? ("admin" as const) : ("agent" as const),
          passwordHash,
          presence: i === AGENTS ? ("offline" as const) : ("available" as const),
        })),
      )
      .returning({ id: agents.id });
    const tokens: string[] = [];
    for (const row of rows)
      tokens.push((await createSession(database.db, row.id, 3600_000, new Date())).token);
    return { agentTokens: tokens.slice(0, AGENTS), adminToken: tokens[AGENTS]! };
  } finally {
    await database.close();
  }
}

async function api(server: ServerProcess, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

interface Figures {
  p50: number;
  p99: number;
  max: number;
  expired: number;
  rowsPerS: number;
  importSeconds: number;
  chats: number;
}

/** How late each offer's expiry reached the agents while the import ran. */
class ExpiryWatch {
  importing = false;
  readonly lateness: number[] = [];
  private readonly expiresAt = new Map<string, number>();

  /** An agent's socket that never answers: every offer runs out. */
  agentSocket(server: ServerProcess, token: string): Socket {
    const socket = io(`${server.url}/agent`, {
      auth: { token },
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
    });
    socket.on("offer", (offer: { offerId: string; expiresAt: string }) => {
      this.expiresAt.set(offer.offerId, Date.parse(offer.expiresAt));
    });
    socket.on("offer.closed", (closed: { offerId: string; status: string }) => {
      const due = this.expiresAt.get(closed.offerId);
      if (closed.status === "expired" && due !== undefined && this.importing)
        this.lateness.push(Date.now() - due);
    });
    return socket;
  }
}

function connected(socket: Socket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

function startServer(env: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess(
    {
      LOG_LEVEL: "error",
      ADMIN_PASSWORD,
      SECRET_KEY: "bench-secret-key-of-at-least-32-chars",
      OFFER_TIMEOUT_SECONDS: "1",
      // Agents who let offers lapse stay available: every offer in the run is one more expiry.
      MAX_MISSED_OFFERS: "1000000",
      STATUS_UPDATES: "false",
      ...ONE_ADDRESS_FLEET,
      ...env,
    },
    { compiled: true },
  );
}

/** A new visitor starts a chat `CHATS_PER_S` times a second until `stop`, which returns how many did. */
function startChats(server: ServerProcess): { stop: () => number } {
  let chats = 0;
  const visitors: Socket[] = [];
  const arrivals = setInterval(() => {
    chats++;
    const visitor = io(`${server.url}/chat`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
    });
    visitors.push(visitor);
    visitor.once("connect", () =>
      visitor.emit("hello", {}, () => visitor.emit("message", { body: `lateness chat ${chats}` }, () => {})),
    );
  }, 1000 / CHATS_PER_S);
  return {
    stop: () => {
      clearInterval(arrivals);
      for (const visitor of visitors) visitor.close();
      return chats;
    },
  };
}

/** Polls the import job until it is no longer queued or running; returns its final status. */
async function waitForImport(server: ServerProcess, admin: string, jobId: string): Promise<string> {
  let status = "queued";
  while (status === "queued" || status === "running") {
    await sleep(250);
    status = (await api(server, admin, "GET", `/api/outbound/imports/${jobId}?limit=1`)).status;
  }
  return status;
}

function figuresOf(lateness: number[], importSeconds: number, chats: number): Figures {
  lateness.sort((a, b) => a - b);
  return {
    p50: percentile(lateness, 50),
    p99: percentile(lateness, 99),
    max: lateness.at(-1) ?? 0,
    expired: lateness.length,
    rowsPerS: ROWS / importSeconds,
    importSeconds,
    chats,
  };
}

/** Runs the import on a fresh server while chats arrive, and measures how late offers expire meanwhile. */
async function runMode(
  label: string,
  env: Record<string, string>,
  database: ConnectOptions,
): Promise<Figures> {
  const { agentTokens: tokens, adminToken: admin } = await prepareAgents(database);
  const server = await startServer(env);
  const sockets: Socket[] = [];
  const watch = new ExpiryWatch();
  try {
    for (const token of tokens) sockets.push(watch.agentSocket(server, token));
    await Promise.all(sockets.map(connected));
    const list = await api(server, admin, "POST", "/api/outbound/lists", { name: "Lateness bench" });
    const csv = callListCsv(ROWS);

    watch.importing = true;
    const started = performance.now();
    const job = await api(server, admin, "POST", `/api/outbound/lists/${list.id}/imports`, {
      csv,
      mapping: CALL_LIST_MAPPING,
    });
    const arrivals = startChats(server);
    const status = await waitForImport(server, admin, job.id);
    const importSeconds = (performance.now() - started) / 1000;
    watch.importing = false;
    const chats = arrivals.stop();
    if (status !== "done") throw new Error(`the import ended ${status}`);

    const figures = figuresOf(watch.lateness, importSeconds, chats);
    console.log(
      `${label}: ${ROWS} rows imported in ${importSeconds.toFixed(1)} s (${Math.round(figures.rowsPerS)} rows/s); ` +
        `${chats} chats, ${figures.expired} offers expired meanwhile: lateness p50 ${figures.p50} ms, ` +
        `p99 ${figures.p99} ms, max ${figures.max} ms`,
    );
    return figures;
  } finally {
    for (const socket of sockets) socket.close();
    await server.kill("SIGTERM");
  }
}

const line = (prefix: string, f: Figures) => [
  `${prefix}expiry_lateness_p50_ms=${f.p50}`,
  `${prefix}expiry_lateness_p99_ms=${f.p99}`,
  `${prefix}expiry_lateness_max_ms=${f.max}`,
  `${prefix}offers_expired=${f.expired}`,
  `${prefix}import_rows_per_s=${Math.round(f.rowsPerS)}`,
];

async function main(): Promise<void> {
  const figures: string[] = [];
  if (PARTS.has("pglite")) {
    const dataDir = mkdtempSync(join(tmpdir(), "switchboard-lateness-"));
    try {
      const result = await runMode("PGlite, in-process jobs", { DATA_DIR: dataDir }, { dataDir });
      console.log(`mode=pglite ${line("", result).join(" ")}`);
      figures.push(...line("pglite_", result));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (PARTS.has("pg")) {
    if (await postgresReachable(SERVER_URL)) {
      // Attachments would go here; the database is PostgreSQL.
      const dataDir = mkdtempSync(join(tmpdir(), "switchboard-lateness-"));
      try {
        const result = await withBenchDatabase((databaseUrl) =>
          withBenchRedisPrefix((prefix) =>
            runMode(
              "PostgreSQL + Redis (BullMQ)",
              { DATABASE_URL: databaseUrl, REDIS_URL, JOB_PREFIX: prefix, DATA_DIR: dataDir },
              { databaseUrl },
            ),
          ),
        );
        console.log(`mode=pg ${line("", result).join(" ")}`);
        figures.push(...line("pg_", result));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    } else {
      console.log("postgresql: not reachable; set BENCH_DATABASE_URL to include it");
    }
  }
  console.log(`rows=${ROWS} agents=${AGENTS} chats_per_s=${CHATS_PER_S} ${figures.join(" ")}`);
}

await main();
