/**
 * Email ingest throughput: N messages (default 1,000, in threads of ten) are appended to a private
 * Dovecot mailbox, then fetched, parsed and stored by the real mailbox ingester — on PGlite and on
 * PostgreSQL (when reachable) — beside a baseline measured in the same run: the same messages
 * fetched and parsed without storing. The difference is what ingest (contact, threading, case
 * machine, files, checkpoint in one transaction per message) costs on top of IMAP and MIME.
 *
 *   npm run bench:email-ingest
 *   BENCH_MESSAGES=5000 npm run bench:email-ingest
 *   BENCH_DATABASE_URL=postgres://... npm run bench:email-ingest
 *
 * The last line is `key=value` figures.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import postgres from "postgres";
import { createCaseMachine, DEFAULT_CASE_POLICY } from "../cases/case-machine.ts";
import type { CaseDeps } from "../cases/deps.ts";
import { MailboxIngester } from "../channels/email/imap-ingester.ts";
import { createMailboxLocks } from "../channels/email/mailbox-lock.ts";
import { ensureEnvMailbox, mailboxConnection } from "../channels/email/mailboxes.ts";
import { parseEmail } from "../channels/email/parse-email.ts";
import { createDiskStorage } from "../channels/storage.ts";
import { connect, type Database } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { mailboxes } from "../db/schema/channels.ts";
import { type DovecotServer, startDovecot } from "../tests/helpers/dovecot.ts";
import { plainEmail } from "../tests/helpers/email-fixtures.ts";
import { postgresReachable } from "./postgres-reachable.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const PER_THREAD = 10;
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";

function benchMessages(): string[] {
  const threads = Math.ceil(MESSAGES / PER_THREAD);
  const id = (thread: number, index: number) => `<b${thread}-${index}@bench.example>`;
  const raws: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const thread = i % threads;
    const index = Math.floor(i / threads);
    raws.push(
      plainEmail({
        from: `Customer ${thread} <customer${thread}@bench.example>`,
        subject: index ? `Re: Order ${thread} is late` : `Order ${thread} is late`,
        body: `Hello,\n\nmessage ${index} about order ${thread}. ${"It still has not arrived. ".repeat(20)}\n\nThanks`,
        messageId: id(thread, index),
        ...(index
          ? {
              inReplyTo: id(thread, index - 1),
              references: Array.from({ length: index }, (_, k) => id(thread, k)),
            }
          : {}),
      }),
    );
  }
  return raws;
}

/** Fetch and parse only: what IMAP and MIME cost without storing anything. */
async function baseline(dovecot: DovecotServer): Promise<number> {
  const client = new ImapFlow({
    host: "127.0.0.1",
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
    disableAutoIdle: true,
  });
  await client.connect();
  await client.mailboxOpen("INBOX", { readOnly: true });
  const started = performance.now();
  let parsed = 0;
  for (let first = 1; first <= MESSAGES; first += 100) {
    const sources: Buffer[] = [];
    const range = `${first}:${Math.min(first + 99, MESSAGES)}`;
    for await (const message of client.fetch(range, { uid: true, source: true }, { uid: true }))
      if (message.source) sources.push(message.source);
    for (const source of sources) {
      await parseEmail(source);
      parsed += 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await client.logout();
  return parsed / seconds;
}

async function measure(database: Database, dovecot: DovecotServer, label: string): Promise<number> {
  await runMigrations(database);
  const files = mkdtempSync(join(tmpdir(), "switchboard-bench-files-"));
  const deps: CaseDeps = {
    db: database.db,
    events: { publish: () => {} },
    jobs: { enqueue: async () => {} },
    clock: () => new Date(),
    machine: createCaseMachine(DEFAULT_CASE_POLICY),
    policy: DEFAULT_CASE_POLICY,
    defaultCountry: "US",
  };
  const env = {
    imapUrl: dovecot.imapUrl,
    smtpUrl: "smtp://127.0.0.1:1",
    from: "Bench <support@acme.example>",
    folder: "INBOX",
  };
  const row = await ensureEnvMailbox(database.db, env);
  const locks = createMailboxLocks(database, () => {});
  const ingester = new MailboxIngester(
    {
      cases: deps,
      storage: createDiskStorage(files),
      attachmentMaxBytes: 25 * 1024 * 1024,
      locks,
      pollMs: 60_000,
      logger: { info: () => {}, warn: (details, message) => console.warn(message, details) },
      connectionOf: async () => mailboxConnection(row, { secret: "bench", env }),
    },
    { id: row.id, name: row.name, address: row.address, folder: "INBOX", queueId: null },
  );
  const started = performance.now();
  ingester.start();
  for (;;) {
    const [current] = await database.db
      .select({ lastUid: mailboxes.lastUid })
      .from(mailboxes)
      .where(eq(mailboxes.id, row.id));
    if ((current?.lastUid ?? 0) >= MESSAGES) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  await ingester.stop();
  await locks.close();
  rmSync(files, { recursive: true, force: true });
  const rate = MESSAGES / seconds;
  console.log(
    `${label}: fetched, parsed and stored ${MESSAGES} messages in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} msgs/s`,
  );
  return rate;
}

async function main(): Promise<void> {
  const dovecot = await startDovecot();
  const figures: Record<string, string> = { messages: String(MESSAGES) };
  try {
    const appendStarted = performance.now();
    await dovecot.appendAll(benchMessages());
    const appendRate = MESSAGES / ((performance.now() - appendStarted) / 1000);
    console.log(`appended ${MESSAGES} messages to Dovecot at ${appendRate.toFixed(0)} msgs/s`);
    figures.append_msgs_per_s = appendRate.toFixed(0);

    const parseRate = await baseline(dovecot);
    console.log(`baseline: fetched and parsed (nothing stored) at ${parseRate.toFixed(0)} msgs/s`);
    figures.fetch_parse_msgs_per_s = parseRate.toFixed(0);

    const folder = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
    const pglite = await connect({ dataDir: folder });
    try {
      const rate = await measure(pglite, dovecot, "pglite (data folder on disk)");
      figures.pglite_msgs_per_s = rate.toFixed(0);
      figures.pglite_ratio_to_fetch_parse = (parseRate / rate).toFixed(2);
    } finally {
      await pglite.close();
      rmSync(folder, { recursive: true, force: true });
    }

    if (await postgresReachable(SERVER_URL)) {
      const name = `sb_bench_${randomBytes(4).toString("hex")}`;
      const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const url = new URL(SERVER_URL);
      url.pathname = `/${name}`;
      const pg = await connect({ databaseUrl: url.toString(), maxConnections: 4 });
      try {
        const rate = await measure(pg, dovecot, "postgresql");
        figures.pg_msgs_per_s = rate.toFixed(0);
        figures.pg_ratio_to_fetch_parse = (parseRate / rate).toFixed(2);
      } finally {
        await pg.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    } else {
      console.log(
        `postgresql: not reachable at ${SERVER_URL.replace(/\/\/[^@]*@/, "//")}; set BENCH_DATABASE_URL to include it`,
      );
    }
  } finally {
    await dovecot.stop();
  }
  console.log(
    Object.entries(figures)
      .map(([key, value]) => `${key}=${value}`)
      .join(" "),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
