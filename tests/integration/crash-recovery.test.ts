/**
 * A crash loses nothing that was acknowledged: a server process is killed with SIGKILL right after
 * acknowledging chat messages, restarted on the same data, and every acknowledged message is there,
 * exactly once. Also: the embedded data folder is never opened by two processes, and a lock left by
 * a killed process does not block the restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApi } from "../helpers/api.ts";
import { ADMIN, clearRedisPrefix, testEnv } from "../helpers/build-app.ts";
import { expectServerToFail, type ServerProcess, startServerProcess } from "../helpers/server-process.ts";
import { connectVisitor } from "../helpers/sockets.ts";
import { createTestDatabase, type TestDatabase, usingPostgres } from "../helpers/test-db.ts";

describe("crash recovery", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-crash-"));
  let testDb: TestDatabase | undefined;
  const running: ServerProcess[] = [];
  const prefixes: string[] = [];

  const env = async () => {
    if (usingPostgres() && !testDb) testDb = await createTestDatabase();
    // Sixty messages from one visitor within seconds, across a crash: the rate limit is not under test.
    const base = testEnv({ LOG_LEVEL: "warn", RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE: "1000" });
    if (base.REDIS_URL && base.JOB_PREFIX) prefixes.push(base.JOB_PREFIX);
    delete base.PORT;
    delete base.HOST;
    return { ...base, DATA_DIR: dataDir, ...(testDb?.url ? { DATABASE_URL: testDb.url } : {}) };
  };

  afterAll(async () => {
    for (const server of running) await server.kill("SIGKILL");
    // Killed processes leave their queues' keys; nothing else uses these prefixes.
    const redisUrl = process.env.TEST_REDIS_URL;
    if (redisUrl) for (const prefix of prefixes) await clearRedisPrefix(redisUrl, prefix);
    await testDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged message after SIGKILL, each exactly once", async () => {
    const serverEnv = await env();
    const first = await startServerProcess(serverEnv);
    running.push(first);
    const visitor = await connectVisitor(first.url);
    const hello = await visitor.emitWithAck("hello", { name: "Crash Test" });
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) {
      const ack = await visitor.emitWithAck("message", {
        body: `message ${i}`,
        clientId: `crash-client-${i}`,
      });
      expect(ack.id).toBeDefined();
      acknowledged.push(ack.id);
    }
    // Fire more without waiting and kill mid-stream, once the server has acknowledged one of them:
    // whatever was acknowledged must survive.
    const beforeLate = acknowledged.length;
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      visitor
        .emitWithAck("message", { body: `late ${i}`, clientId: `crash-late-${i}` })
        .then((ack: { id?: string }) => ack.id && acknowledged.push(ack.id))
        .catch(() => undefined),
    );
    await expect
      .poll(() => acknowledged.length, { timeout: 15_000, interval: 1 })
      .toBeGreaterThan(beforeLate);
    await first.kill("SIGKILL");
    await Promise.all(inFlight);
    visitor.close();

    const second = await startServerProcess(serverEnv);
    running.push(second);
    const api = createApi(second.url);
    await api.login(ADMIN.email, ADMIN.password);
    const visitorAgain = await connectVisitor(second.url);
    const resumed = await visitorAgain.emitWithAck("hello", { visitorToken: hello.visitorToken });
    const ids = resumed.history.map((m: { id: string }) => m.id);
    for (const id of acknowledged) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);

    // The widget re-sends what it never saw acknowledged: the server stores each message once.
    for (let i = 0; i < 20; i++)
      await visitorAgain.emitWithAck("message", { body: `late ${i}`, clientId: `crash-late-${i}` });
    const afterResend = await api.get(`/api/cases/${resumed.caseId}`);
    const bodies = afterResend.body.interactions.map((m: { body: string }) => m.body);
    for (let i = 0; i < 20; i++) expect(bodies.filter((b: string) => b === `late ${i}`)).toHaveLength(1);
    visitorAgain.close();
    await second.kill("SIGTERM");
  });

  it("refuses to open an embedded data folder another process holds, and takes over a dead one's lock", async () => {
    // The lock guards PGlite's folder, so this runs on the embedded database in either mode.
    const { DATABASE_URL: _unused, ...serverEnv } = await env();
    serverEnv.DATA_DIR = join(dataDir, "lock-test");
    const holder = await startServerProcess(serverEnv);
    running.push(holder);
    const refused = await expectServerToFail(serverEnv);
    expect(refused.code).toBe(75);
    expect(refused.output).toMatch(/DATA_DIR is in use by another Switchboard process \(pid \d+\)/);

    await holder.kill("SIGKILL");
    const next = await startServerProcess(serverEnv);
    running.push(next);
    expect((await fetch(`${next.url}/health`)).status).toBe(200);
    await next.kill("SIGTERM");
    // Two full starts of a server process one after the other: on a busy 2-core machine each can
    // take 10 s or more, which left no room in the default 30 s.
  }, 90_000);
});
