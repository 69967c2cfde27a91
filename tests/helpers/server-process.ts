/**
 * Runs Switchboard as a real separate process, for crash and multi-process tests.
 *
 * The process runs the sources through tsx, not the compiled dist/ that `npm start` runs: dist/ is
 * only as new as the last build, so after an edit without a rebuild these tests would pass or fail
 * on old code, with nothing to say so. Building in vitest's globalSetup instead would add a compile
 * to every run, even of one unrelated test file. The compiled server is started by `.ci/run` on
 * every supported Node version, and by `npm run bench:startup`, both after a fresh build.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/**
 * Per-address limits for a run whose agents and visitors all come from this one machine (load tests
 * and benchmarks): the public surfaces' defaults are set for real sites, not a fleet on one address.
 */
export const ONE_ADDRESS_FLEET: Record<string, string> = {
  RATE_LIMIT_SIGN_IN_PER_MINUTE: "100000",
  RATE_LIMIT_CHAT_HELLOS_PER_MINUTE: "100000",
  RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS: "1000000",
};

import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SERVER_ARGS = ["--import", "tsx", "server/main.ts"];

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns the server and resolves once /health answers (or rejects with its output if it exits). */
export async function startServerProcess(
  env: Record<string, string>,
  options: {
    timeoutMs?: number;
    /** Options for node itself (e.g. `--cpu-prof`). */
    nodeArgs?: string[];
    /** Run the compiled dist/ as `npm start` does (benchmarks build it first). */
    compiled?: boolean;
  } = {},
): Promise<ServerProcess> {
  const port = Number(env.PORT) || (await freePort());
  const entry = options.compiled ? ["dist/server/main.js"] : SERVER_ARGS;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const handle: ServerProcess = {
    url,
    port,
    child,
    output: () => output,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return handle;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Spawns the server expecting it to fail at start-up; resolves with its exit code and output. */
export async function expectServerToFail(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  return { code, output };
}
