/**
 * A server process fetching a mailbox is killed with SIGKILL at random moments, again and again, and
 * restarted on the same data: in the end every Message-ID in the mailbox is stored exactly once,
 * none is missing, and every stored message has its raw source on disk.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Database } from "../../db/connect.ts";
import { interactions } from "../../db/schema/cases.ts";
import { mailboxes } from "../../db/schema/channels.ts";
import { createApi } from "../helpers/api.ts";
import { ADMIN, clearRedisPrefix, testEnv } from "../helpers/build-app.ts";
import { type DovecotServer, startDovecot } from "../helpers/dovecot.ts";
import { plainEmail } from "../helpers/email-fixtures.ts";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.ts";
import { type SmtpCapture, startSmtpCapture } from "../helpers/smtp-capture.ts";
import { createTestDatabase, type TestDatabase, usingPostgres } from "../helpers/test-db.ts";

const MESSAGES = 300;
const KILLS = 4;
const messageId = (i: number) => `<crash-${i}@mail.example>`;

describe("email ingest survives SIGKILL", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-email-crash-"));
  let dovecot: DovecotServer;
  let smtp: SmtpCapture;
  let testDb: TestDatabase | undefined;
  const running: ServerProcess[] = [];
  const prefixes: string[] = [];

  /** Reads the database between runs (PGlite only while no server has it open). */
  const withDatabase = async <T>(read: (database: Database) => Promise<T>): Promise<T> => {
    if (testDb) return read(testDb.database);
    const database = await connect({ dataDir });
    try {
      return await read(database);
    } finally {
      await database.close();
    }
  };
  const lastUid = () =>
    withDatabase(async (database) => {
      const [row] = await database.db.select({ lastUid: mailboxes.lastUid }).from(mailboxes);
      return row?.lastUid ?? 0;
    });

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpCapture();
    if (usingPostgres()) testDb = await createTestDatabase();
    // Several recipients per sender, some threads: ingest does real work for each message.
    await dovecot.appendAll(
      Array.from({ length: MESSAGES }, (_, i) =>
        plainEmail({
          from: `Sender ${i % 60} <sender${i % 60}@mail.example>`,
          subject: `Question ${i % 60}`,
          body: `Message ${i}`,
          messageId: messageId(i),
          ...(i >= 60 ? { inReplyTo: messageId(i - 60), references: [messageId(i - 60)] } : {}),
        }),
      ),
    );
  });
  afterAll(async () => {
    for (const server of running) await server.kill("SIGKILL");
    // Killed processes leave their queues' keys; nothing else uses these prefixes.
    const redisUrl = process.env.TEST_REDIS_URL;
    if (redisUrl) for (const prefix of prefixes) await clearRedisPrefix(redisUrl, prefix);
    await testDb?.drop();
    await smtp?.stop();
    await dovecot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores every message exactly once after repeated kills mid-fetch", { timeout: 300_000 }, async () => {
    const base = testEnv({ LOG_LEVEL: "warn" });
    if (base.REDIS_URL && base.JOB_PREFIX) prefixes.push(base.JOB_PREFIX);
    delete base.PORT;
    delete base.HOST;
    const env = {
      ...base,
      DATA_DIR: dataDir,
      IMAP_URL: dovecot.imapUrl,
      SMTP_URL: smtp.url,
      EMAIL_FROM: "Acme Support <support@acme.example>",
      // Customer updates would mail every new case; this test is about fetching alone.
      STATUS_UPDATES: "false",
      ...(testDb?.url ? { DATABASE_URL: testDb.url } : {}),
    };

    const progress: number[] = [];
    const partWay = () => progress.some((uid) => uid > 0 && uid < MESSAGES);
    // A busy machine may kill a server before its first fetch has stored anything: each such round
    // aims a second later, and rounds go on (up to twice as many) until one kill landed part-way.
    let earliestMs = 200;
    for (let round = 0; round < KILLS * 2 && !(round >= KILLS && partWay()); round++) {
      const server = await startServerProcess(env);
      running.push(server);
      // A random moment on purpose, not a wait for something: the kills must land at points of the
      // fetch nobody chose (the assertion below checks that one landed part-way).
      await new Promise((resolve) => setTimeout(resolve, earliestMs + Math.random() * 1500));
      await server.kill("SIGKILL");
      const uid = await lastUid();
      progress.push(uid);
      if (uid === 0) earliestMs += 1000;
      if (uid >= MESSAGES) break;
    }
    // At least one kill landed while the mailbox was part-way fetched.
    expect(partWay(), `checkpoints after kills: ${progress}`).toBe(true);

    const last = await startServerProcess(env);
    running.push(last);
    const api = createApi(last.url);
    await api.login(ADMIN.email, ADMIN.password);
    await expect
      .poll(async () => (await api.get("/api/mailboxes")).body.items[0]?.lastUid, {
        timeout: 180_000,
        interval: 500,
      })
      .toBe(MESSAGES);
    await last.kill("SIGTERM");

    await withDatabase(async (database) => {
      const ids = Array.from({ length: MESSAGES }, (_, i) => messageId(i));
      const rows = await database.db
        .select({ externalId: interactions.externalId, metadata: interactions.metadata })
        .from(interactions)
        .where(and(eq(interactions.channel, "email"), inArray(interactions.externalId, ids)));
      expect(new Set(rows.map((row) => row.externalId)).size).toBe(MESSAGES);
      expect(rows).toHaveLength(MESSAGES);
      const [{ n }] = (await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(interactions)
        .where(and(eq(interactions.channel, "email"), eq(interactions.direction, "inbound")))) as [
        { n: number },
      ];
      expect(Number(n)).toBe(MESSAGES);
      const missingFiles = rows.filter(
        (row) => !existsSync(join(dataDir, "files", String(row.metadata.rawKey))),
      );
      expect(missingFiles).toEqual([]);
    });
  });
});
