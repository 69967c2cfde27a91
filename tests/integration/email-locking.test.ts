/**
 * Two server processes configured with the same mailbox never fetch it at the same time: the second
 * waits (no IMAP session of its own) while the first holds the mailbox's lock, and takes over when
 * the first stops. In-process apps share the test database here; on PostgreSQL each holds its own
 * database session, exactly as separate processes do.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interactions } from "../../db/schema/cases.ts";
import { clearRedisPrefix, startTestApp, type TestApp } from "../helpers/build-app.ts";
import { type DovecotServer, startDovecot } from "../helpers/dovecot.ts";
import { plainEmail } from "../helpers/email-fixtures.ts";
import { type SmtpCapture, startSmtpCapture } from "../helpers/smtp-capture.ts";

describe("one fetcher per mailbox", () => {
  let dovecot: DovecotServer;
  let smtp: SmtpCapture;
  let first: TestApp;
  let second: TestApp | undefined;
  let firstClosed = false;
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-email-lock-"));

  const env = () => ({
    IMAP_URL: dovecot.imapUrl,
    SMTP_URL: smtp.url,
    EMAIL_FROM: "Acme Support <support@acme.example>",
    DATA_DIR: dataDir,
  });
  const stored = async (app: TestApp, messageId: string) =>
    (await app.services.db.select().from(interactions).where(eq(interactions.externalId, messageId))).length;

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpCapture();
    first = await startTestApp({ env: env() });
  });
  afterAll(async () => {
    await second?.close();
    if (firstClosed) {
      await first.testDb.drop();
      if (first.config.redisUrl) await clearRedisPrefix(first.config.redisUrl, first.config.jobPrefix);
    } else await first?.close();
    await smtp?.stop();
    await dovecot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lets a second process wait while the first fetches, then take over", { timeout: 90_000 }, async () => {
    await dovecot.append(
      plainEmail({
        from: "a@customer.example",
        subject: "One",
        body: "1",
        messageId: "<lock-1@customer.example>",
      }),
    );
    await expect.poll(() => stored(first, "<lock-1@customer.example>"), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => dovecot.sessions(), { timeout: 10_000 }).toBe(1);

    second = await startTestApp({ testDb: first.testDb, env: env() });
    // Longer than the lock retry interval (5 s): the second process has tried and must still be
    // waiting. A fixed wait on purpose: a lock attempt that fails leaves no trace (no row, event,
    // log line at this level or metric) for the test to wait on.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect(await dovecot.sessions()).toBe(1);
    await dovecot.append(
      plainEmail({
        from: "b@customer.example",
        subject: "Two",
        body: "2",
        messageId: "<lock-2@customer.example>",
      }),
    );
    await expect.poll(() => stored(first, "<lock-2@customer.example>"), { timeout: 20_000 }).toBe(1);
    expect(await dovecot.sessions()).toBe(1);

    // The first process stops; the second takes the lock and fetches what arrives next.
    await first.app.close();
    firstClosed = true;
    await dovecot.append(
      plainEmail({
        from: "c@customer.example",
        subject: "Three",
        body: "3",
        messageId: "<lock-3@customer.example>",
      }),
    );
    await expect.poll(() => stored(second!, "<lock-3@customer.example>"), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => dovecot.sessions(), { timeout: 10_000 }).toBe(1);
    for (const id of ["<lock-1@customer.example>", "<lock-2@customer.example>", "<lock-3@customer.example>"])
      expect(await stored(second!, id)).toBe(1);
  });
});
