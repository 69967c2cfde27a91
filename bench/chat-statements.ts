/**
 * Prints every SQL statement one web chat's life sends, step by step: hello, message (-> offer),
 * accept, resolve. A diagnostic for the spine's statement budget, not a timing: periodic jobs
 * (live stats, SLA monitor, sweep) may slip a statement in between, and are marked as such when
 * they run in a step.
 *
 *   npm run bench:chat-statements              # embedded PGlite
 *   BENCH_DATABASE_URL=postgres://... npm run bench:chat-statements
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { io, type Socket } from "socket.io-client";
import { type ConnectOptions, connect, type Database } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { buildApp } from "../server/app.ts";
import { hashPassword } from "../server/auth/passwords.ts";
import { createSession } from "../server/auth/sessions.ts";
import { loadConfig } from "../server/config.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL;
const STEPS = ["hello", "message -> offer", "accept", "resolve"] as const;

const once = <T>(socket: Socket, event: string) =>
  new Promise<T>((resolve) => socket.once(event, (payload: T) => resolve(payload)));
const emit = <T>(socket: Socket, event: string, payload: unknown) =>
  new Promise<T>((resolve) => socket.emit(event, payload, (answer: T) => resolve(answer)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The statements the database sees, under the step of the chat that was running when each was sent. */
class StatementLog {
  step = "start-up";
  readonly seen = new Map<string, string[]>();

  readonly trace = (statement: string) => {
    const list = this.seen.get(this.step) ?? [];
    list.push(statement.replace(/\s+/g, " ").slice(0, 220));
    this.seen.set(this.step, list);
  };
}

/**
 * A traced database: a new one on BENCH_DATABASE_URL's server, else PGlite in a temporary folder;
 * and how to remove it.
 */
async function createDatabase(
  trace: (statement: string) => void,
): Promise<{ options: ConnectOptions; dropDatabase: () => Promise<void> }> {
  if (SERVER_URL) {
    const name = `sb_bench_${randomBytes(4).toString("hex")}`;
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    const dropDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
    return { options: { databaseUrl: url.toString(), trace }, dropDatabase };
  }
  const folder = mkdtempSync(join(tmpdir(), "switchboard-bench-chat-"));
  return {
    options: { dataDir: folder, trace },
    dropDatabase: async () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** The app on a free local port, and its URL. */
async function startApp(
  database: Database,
): Promise<{ built: Awaited<ReturnType<typeof buildApp>>; url: string }> {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "error",
    ADMIN_PASSWORD: "bench-password",
    SECRET_KEY: "bench-secret-key-of-at-least-32-chars",
  });
  const built = await buildApp(config, { database });
  await built.app.listen({ port: 0, host: "127.0.0.1" });
  const address = built.app.server.address();
  return { built, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
}

/** An available agent and their session, written straight to the database; returns the session token. */
async function createAgent(database: Database): Promise<string> {
  const [agent] = await database.db
    .insert(agents)
    .values({
      email: "trace@example.com",
      name: "Trace",
      role: "agent",
      passwordHash: await hashPassword("trace-agent-password"),
      presence: "available",
    })
    .returning({ id: agents.id });
  const { token } = await createSession(database.db, agent!.id, 3600_000, new Date());
  return token;
}

/** One chat's life, each step logged under its name: hello, message (-> offer), accept, resolve. */
async function chat(
  log: StatementLog,
  url: string,
  token: string,
  agentSocket: Socket,
  visitor: Socket,
): Promise<void> {
  log.step = STEPS[0];
  await emit(visitor, "hello", {});
  log.step = STEPS[1];
  const offered = once<{ offerId: string; caseId: string }>(agentSocket, "offer");
  await emit(visitor, "message", { body: "Where is my order?" });
  const offer = await offered;
  await sleep(200);
  log.step = STEPS[2];
  await emit(agentSocket, "offer.accept", { offerId: offer.offerId });
  await sleep(200);
  log.step = STEPS[3];
  await fetch(`${url}/api/cases/${offer.caseId}/actions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ action: "resolve" }),
  });
  await sleep(300);
  log.step = "done";
}

function printStatements(log: StatementLog): void {
  let total = 0;
  for (const name of STEPS) {
    const list = log.seen.get(name) ?? [];
    total += list.length;
    console.log(`\n## ${name}: ${list.length} statements`);
    for (const statement of list) console.log(`  ${statement}`);
  }
  console.log(`\nstatements_per_chat=${total} (including any periodic job that ran meanwhile)`);
}

async function main(): Promise<void> {
  const log = new StatementLog();
  const { options, dropDatabase } = await createDatabase(log.trace);
  const database = await connect(options);
  const { built, url } = await startApp(database);
  const token = await createAgent(database);
  const agentSocket = io(`${url}/agent`, { auth: { token }, transports: ["websocket"], forceNew: true });
  const visitor = io(`${url}/chat`, { transports: ["websocket"], forceNew: true });
  await Promise.all([once(agentSocket, "connect"), once(visitor, "connect")]);
  await sleep(1500);

  await chat(log, url, token, agentSocket, visitor);
  printStatements(log);
  agentSocket.close();
  visitor.close();
  await built.app.close();
  await database.close();
  await dropDatabase();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
