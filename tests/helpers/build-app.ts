/**
 * Starts the real app on a random port against a fresh test database, with BullMQ and the Redis
 * socket.io adapter when TEST_REDIS_URL is set. Nothing of ours is mocked.
 */
import { randomBytes } from "node:crypto";
import type { DestinationStream } from "pino";
import { inject } from "vitest";
import type { Clock } from "../../cases/ports.ts";
import { type BuildOptions, type BuiltApp, buildApp, createLogger } from "../../server/app.ts";
import { type Config, loadConfig } from "../../server/config.ts";
import { type Api, createApi } from "./api.ts";
import { clearRedisPrefix } from "./redis-keys.ts";
import { createTestDatabase, type TestDatabase } from "./test-db.ts";

export { clearRedisPrefix };

export const ADMIN = { email: "admin@example.com", password: "admin-password" };

export interface TestApp extends BuiltApp {
  url: string;
  config: Config;
  testDb: TestDatabase;
  /** An API client signed in as the first admin. */
  admin: Api;
  /** Creates an agent with the given role and returns a signed-in client for it. */
  createAgent(input?: {
    role?: "agent" | "supervisor" | "admin";
    name?: string;
  }): Promise<{ api: Api; id: string; email: string; token: string }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Reuse a database (e.g. a second process on the same PostgreSQL); otherwise a fresh one is made. */
  testDb?: TestDatabase;
  /** Sees every route as it is added (the route table). */
  onRoute?: BuildOptions["onRoute"];
  /** Where the app logs (at the env's LOG_LEVEL); standard output otherwise. */
  logTo?: DestinationStream;
}

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  const redisUrl = process.env.TEST_REDIS_URL;
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SECRET_KEY: "test-secret-key-of-at-least-32-characters",
    ...(redisUrl
      ? { REDIS_URL: redisUrl, JOB_PREFIX: `${inject("redisRunPrefix")}-${randomBytes(5).toString("hex")}` }
      : {}),
    ...extra,
  };
}

let agentCounter = 0;

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = options.testDb ?? (await createTestDatabase());
  const env = testEnv(options.env);
  const config = loadConfig(env);
  const built = await buildApp(config, {
    database: testDb.database,
    clock: options.clock,
    onRoute: options.onRoute,
    ...(options.logTo ? { logger: createLogger(config, options.logTo) } : {}),
  });
  // PORT is 0 (any free port) unless a test needs a known one, e.g. for PUBLIC_URL.
  await built.app.listen({ port: config.port, host: "127.0.0.1" });
  const address = built.app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const admin = createApi(url);
  await admin.login(ADMIN.email, ADMIN.password);

  return {
    ...built,
    url,
    config,
    testDb,
    admin,
    async createAgent(input = {}) {
      agentCounter += 1;
      const email = `agent${agentCounter}-${randomBytes(3).toString("hex")}@example.com`;
      const created = await admin.post("/api/agents", {
        email,
        name: input.name ?? `Agent ${agentCounter}`,
        password: "agent-password",
        role: input.role ?? "agent",
      });
      if (created.status !== 201)
        throw new Error(`creating an agent failed: ${created.status} ${JSON.stringify(created.body)}`);
      const api = createApi(url);
      const token = await api.login(email, "agent-password");
      return { api, id: created.body.id as string, email, token };
    },
    async close() {
      await built.app.close();
      if (!options.testDb) await testDb.drop();
      if (config.redisUrl) await clearRedisPrefix(config.redisUrl, config.jobPrefix);
    },
  };
}
