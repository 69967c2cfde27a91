/**
 * Routing under load, across processes. On PostgreSQL + Redis: two server processes share one
 * database, 50 agents with mixed skills and capacities connect to either and accept every offer,
 * and 2,000 chats arrive through both. Checked from the audit rows afterwards: every case was
 * assigned exactly once, no agent ever held more chats than their capacity, and every assignment
 * met the queue's required skills. On the embedded database (one process by design) the same
 * checks run on one in-test server with 500 chats.
 */
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/connect.ts";
import { agents } from "../../db/schema/agents.ts";
import { caseEvents, cases } from "../../db/schema/cases.ts";
import { agentSkills, queues } from "../../db/schema/routing.ts";
import { type Api, createApi } from "../helpers/api.ts";
import { ADMIN, clearRedisPrefix, startTestApp, type TestApp, testEnv } from "../helpers/build-app.ts";
import { ONE_ADDRESS_FLEET, type ServerProcess, startServerProcess } from "../helpers/server-process.ts";
import { connectAgent, connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";
import { createTestDatabase, type TestDatabase, usingPostgres, usingRedis } from "../helpers/test-db.ts";

const distributed = usingPostgres() && usingRedis();
const CASES = distributed ? 2000 : Number(process.env.LOAD_CASES ?? 500);
const AGENTS = 50;
const VISITOR_SOCKETS = 20;
const SKILLS = ["billing", "spanish", "tech"] as const;

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
}

describe(`routing ${CASES} chats with ${AGENTS} agents on ${distributed ? "two processes" : "one process"}`, () => {
  const servers: ServerProcess[] = [];
  const sockets: RecordingSocket[] = [];
  let inProcess: TestApp | undefined;
  let testDb: TestDatabase | undefined;
  let checker: Database | undefined;
  /** The job prefix the two server processes share in Redis, cleared when they are gone. */
  let processPrefix: string | undefined;

  const timers = new Set<NodeJS.Timeout>();

  afterAll(async () => {
    for (const timer of timers) clearTimeout(timer);
    for (const socket of sockets) socket.close();
    for (const server of servers) await server.kill("SIGTERM");
    const redisUrl = process.env.TEST_REDIS_URL;
    if (redisUrl && processPrefix) await clearRedisPrefix(redisUrl, processPrefix);
    // The checker's database is the test database: dropping it closes it.
    await inProcess?.close();
    await testDb?.drop();
  });

  it("assigns every case exactly once, within capacity and required skills", {
    timeout: 400_000,
  }, async () => {
    let urls: string[];
    if (distributed) {
      testDb = await createTestDatabase();
      const env = {
        ...testEnv({
          LOG_LEVEL: "warn",
          DATABASE_URL: testDb.url!,
          SWEEP_INTERVAL_SECONDS: "2",
          ...ONE_ADDRESS_FLEET,
        }),
      };
      delete (env as Record<string, string>).PORT;
      processPrefix = env.JOB_PREFIX;
      servers.push(await startServerProcess(env), await startServerProcess(env));
      urls = servers.map((server) => server.url);
      checker = testDb.database;
    } else {
      inProcess = await startTestApp({ env: { SWEEP_INTERVAL_SECONDS: "2", ...ONE_ADDRESS_FLEET } });
      urls = [inProcess.url];
      checker = inProcess.testDb.database;
    }
    const admin: Api = createApi(urls[0]!);
    await admin.login(ADMIN.email, ADMIN.password);
    const rand = random(42);

    // Skills and one queue per skill (level 2 required), reached by a keyword; the rest goes to General.
    const skillIds: Record<string, string> = {};
    for (const name of SKILLS) skillIds[name] = (await admin.post("/api/skills", { name })).body.id;
    for (const name of SKILLS) {
      const queue = await admin.post("/api/queues", {
        name: `${name} queue`,
        requiredSkills: [{ skillId: skillIds[name], level: 2 }],
      });
      expect(queue.status).toBe(201);
      await admin.post("/api/assignment-rules", {
        name,
        conditions: { keywords: [name] },
        queueId: queue.body.id,
      });
    }

    // 50 agents, alternating between processes, each with a mix of skills and a chat capacity of 1–4.
    const accepted = new Set<string>();
    for (let i = 0; i < AGENTS; i++) {
      const email = `load${i}@example.com`;
      const created = await admin.post("/api/agents", {
        email,
        name: `Load ${i}`,
        password: "agent-password",
        role: "agent",
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      // Every skill is held at level ≥ 2 by at least every third agent; others hold it too low or not at all.
      const items = SKILLS.flatMap((name, k) =>
        (i + k) % 3 === 0
          ? [{ skillId: skillIds[name], level: 2 + Math.floor(rand() * 8) }]
          : rand() < 0.5
            ? [{ skillId: skillIds[name], level: 1 }]
            : [],
      );
      await admin.request("PUT", `/api/agents/${id}/skills`, { items });
      await admin.request("PATCH", `/api/agents/${id}`, {
        capacity: { voice: 1, chat: 1 + Math.floor(rand() * 4), sms: 5, email: 5 },
      });
      const url = urls[i % urls.length]!;
      const api = createApi(url);
      const token = await api.login(email, "agent-password");
      const socket = await connectAgent(url, token);
      sockets.push(socket);
      // Accept every offer; finish each chat shortly after, which frees the capacity for the next.
      socket.socket.on("offer", async (offer: { offerId: string; caseId: string }) => {
        const answer = await socket.emitWithAck("offer.accept", { offerId: offer.offerId }).catch(() => null);
        if (!answer?.ok) return;
        accepted.add(offer.caseId);
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            void api.post(`/api/cases/${offer.caseId}/actions`, { action: "resolve" }).catch(() => {});
          },
          20 + rand() * 60,
        );
        timers.add(timer);
      });
      await api.post("/api/me/presence", { status: "available" });
    }

    // Chats arrive through every process: each socket says hello as a new visitor for each chat.
    const topics = ["billing", "spanish", "tech", "general"];
    let sent = 0;
    const visitors = await Promise.all(
      Array.from({ length: VISITOR_SOCKETS }, async (_, k) => {
        const socket = await connectVisitor(urls[k % urls.length]!);
        sockets.push(socket);
        return socket;
      }),
    );
    const started = Date.now();
    await Promise.all(
      visitors.map(async (visitor) => {
        while (sent < CASES) {
          const n = sent++;
          await visitor.emitWithAck("hello", {});
          const ack = await visitor.emitWithAck("message", {
            body: `${topics[n % topics.length]} question number ${n}`,
          });
          expect(ack.id, JSON.stringify(ack)).toBeDefined();
        }
      }),
    );
    await expect.poll(() => accepted.size, { timeout: 300_000, interval: 500 }).toBe(CASES);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `routed ${CASES} chats in ${seconds.toFixed(1)} s (${(CASES / seconds).toFixed(0)} per second)`,
    );

    // --- checks from the database and the audit trail ---
    const db = checker.db;
    const allCases = await db.select({ id: cases.id, queueId: cases.queueId }).from(cases);
    expect(allCases).toHaveLength(CASES);
    const trail = await db
      .select()
      .from(caseEvents)
      .where(inArray(caseEvents.type, ["assign", "resolve", "close", "unassign"]))
      .orderBy(asc(caseEvents.at), asc(caseEvents.id));
    const assigns = trail.filter((e) => e.type === "assign");
    const perCase = new Map<string, number>();
    for (const event of assigns) perCase.set(event.caseId, (perCase.get(event.caseId) ?? 0) + 1);
    expect(perCase.size).toBe(CASES);
    expect([...perCase.values()].every((n) => n === 1)).toBe(true);

    // Replay assignments and releases per agent: never above their chat capacity.
    const capacity = new Map(
      (await db.select({ id: agents.id, capacity: agents.capacity }).from(agents)).map((a) => [
        a.id,
        a.capacity.chat,
      ]),
    );
    const holder = new Map<string, string>();
    const holding = new Map<string, number>();
    let peak = 0;
    for (const event of trail) {
      if (event.type === "assign") {
        const agentId = (event.details as { toAssigneeId: string }).toAssigneeId;
        holder.set(event.caseId, agentId);
        const now = (holding.get(agentId) ?? 0) + 1;
        holding.set(agentId, now);
        peak = Math.max(peak, now);
        expect(now, `agent ${agentId} over capacity`).toBeLessThanOrEqual(capacity.get(agentId)!);
      } else if (
        holder.has(event.caseId) &&
        ["assigned", "waiting_on_customer"].includes(event.fromState ?? "")
      ) {
        const agentId = holder.get(event.caseId)!;
        holding.set(agentId, holding.get(agentId)! - 1);
        holder.delete(event.caseId);
      }
    }

    // Every assignment met the required skills of the case's queue.
    const queueRows = await db.select().from(queues);
    const required = new Map(queueRows.map((q) => [q.id, q.requiredSkills]));
    const levels = new Map<string, Record<string, number>>();
    for (const row of await db.select().from(agentSkills))
      levels.set(row.agentId, { ...(levels.get(row.agentId) ?? {}), [row.skillId]: row.level });
    const caseQueue = new Map(allCases.map((c) => [c.id, c.queueId]));
    for (const event of assigns) {
      const agentId = (event.details as { toAssigneeId: string }).toAssigneeId;
      for (const need of required.get(caseQueue.get(event.caseId)!) ?? []) {
        expect(levels.get(agentId)?.[need.skillId] ?? 0).toBeGreaterThanOrEqual(need.level);
      }
    }
    const skilled = allCases.filter((c) => (required.get(c.queueId!) ?? []).length > 0).length;
    expect(skilled).toBeGreaterThan(CASES / 2);
    console.log(`peak chats held by one agent: ${peak}; cases in skill queues: ${skilled}`);
    expect(await db.select().from(cases).where(eq(cases.state, "queued"))).toHaveLength(0);
  });
});
