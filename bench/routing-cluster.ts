/**
 * The routing benchmark's running cluster (bench/routing.ts): its server processes, agent sockets
 * that accept every offer and resolve the chat `HANDLE_MS` later, and chats from new visitors, one at
 * a time or at a steady rate, measured as message -> offer latency and, per chat, the servers' SQL
 * statements and CPU time.
 */
import { readFileSync } from "node:fs";
import { io, type Socket } from "socket.io-client";
import type { ServerProcess } from "../tests/helpers/server-process.ts";

/** Agents finish each chat after this long, so capacity turns over during the run. */
const HANDLE_MS = 3000;

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

export interface StepFigures {
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
export class Cluster {
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
