/**
 * Webhook deliveries per second from the outbox: N deliveries written and enqueued (as the event
 * subscriber does), the real app's job queue attempting them against a local receiver that answers
 * 200, timed until every row is `delivered`. Each attempt claims its row, signs, checks the address,
 * POSTs and records the attempt — the whole path. PGlite with the in-process queue, and PostgreSQL
 * with BullMQ on Redis.
 *
 *   npm run bench:webhooks                        # both (PostgreSQL + Redis if reachable)
 *   BENCH_DELIVERIES=5000 BENCH_PARTS=pg npm run bench:webhooks
 *
 * The last line is `key=value` figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { connect, type Database } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { createEndpoint } from "../integrations/webhooks/endpoints.ts";
import { queueWebhookDelivery } from "../integrations/webhooks/index.ts";
import { buildApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { startWebhookReceiver } from "../tests/helpers/webhook-receiver.ts";
import {
  BENCH_DATABASE_SERVER_URL,
  BENCH_REDIS_URL,
  withBenchDatabase,
  withBenchRedisPrefix,
} from "./bench-services.ts";
import { postgresReachable } from "./postgres-reachable.ts";

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 2000);
const PARTS = new Set((process.env.BENCH_PARTS ?? "pglite,pg").split(","));

interface Figures {
  deliveriesPerS: number;
  queuedPerS: number;
  cpuMsPerDelivery: number;
}

async function measure(database: Database, env: Record<string, string>): Promise<Figures> {
  const receiver = await startWebhookReceiver();
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "error",
    ADMIN_PASSWORD: "bench-password",
    SECRET_KEY: "bench-secret-key-of-at-least-32-chars",
    WEBHOOK_ALLOW_PRIVATE: "true",
    ...env,
  });
  const built = await buildApp(config, { database });
  try {
    const { deps } = built.services.webhooks;
    const endpoint = await createEndpoint(
      deps,
      { name: "bench", url: `${receiver.url}/bench`, events: ["case.created"], enabled: true },
      null,
    );
    const data = { case: { id: "bench", subject: "A case of average size", tags: ["a", "b"], number: 1 } };
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < DELIVERIES; i++) await queueWebhookDelivery(deps, endpoint.id, "case.created", data);
    const queuedMs = performance.now() - started;
    for (;;) {
      const [row] = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from webhook_deliveries where status = 'delivered'`,
      );
      if ((row?.n ?? 0) >= DELIVERIES) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const totalMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (receiver.received.length < DELIVERIES) throw new Error("the receiver missed deliveries");
    return {
      deliveriesPerS: Math.round(DELIVERIES / (totalMs / 1000)),
      queuedPerS: Math.round(DELIVERIES / (queuedMs / 1000)),
      cpuMsPerDelivery: Number(((cpu.user + cpu.system) / 1000 / DELIVERIES).toFixed(3)),
    };
  } finally {
    await built.app.close();
    await receiver.stop();
  }
}

async function onPglite(): Promise<Figures> {
  const folder = mkdtempSync(join(tmpdir(), "switchboard-bench-webhooks-"));
  const database = await connect({ dataDir: folder });
  try {
    return await measure(database, {});
  } finally {
    await database.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function onPostgres(): Promise<Figures> {
  return withBenchDatabase((url) =>
    withBenchRedisPrefix(async (prefix) => {
      const database = await connect({ databaseUrl: url, maxConnections: 10 });
      try {
        return await measure(database, { REDIS_URL: BENCH_REDIS_URL, JOB_PREFIX: prefix });
      } finally {
        await database.close();
      }
    }),
  );
}

async function main(): Promise<void> {
  const figures: Record<string, number> = { deliveries: DELIVERIES };
  const report = (label: string, f: Figures) => {
    console.log(
      `${label}: ${f.deliveriesPerS} deliveries/s end to end (${f.queuedPerS}/s written and enqueued), ${f.cpuMsPerDelivery} ms CPU per delivery in this process`,
    );
    figures[`${label}_deliveries_per_s`] = f.deliveriesPerS;
    figures[`${label}_cpu_ms_per_delivery`] = f.cpuMsPerDelivery;
  };
  if (PARTS.has("pglite")) report("pglite", await onPglite());
  if (PARTS.has("pg")) {
    if (await postgresReachable(BENCH_DATABASE_SERVER_URL)) report("pg", await onPostgres());
    else console.log(`pg: skipped, ${BENCH_DATABASE_SERVER_URL} is not reachable`);
  }
  console.log(
    Object.entries(figures)
      .map(([key, value]) => `${key}=${value}`)
      .join(" "),
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
