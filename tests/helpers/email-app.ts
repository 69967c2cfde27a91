/**
 * The real app wired to a private Dovecot and an SMTP capture, for the email integration tests,
 * with helpers that wait for fetched mail to become interactions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { cases, interactions } from "../../db/schema/cases.ts";
import { startTestApp, type TestApp } from "./build-app.ts";
import { type DovecotOauth2, type DovecotServer, startDovecot } from "./dovecot.ts";
import { type SmtpCapture, startSmtpCapture } from "./smtp-capture.ts";

export const SUPPORT = "support@acme.example";

export interface EmailTestApp {
  app: TestApp;
  dovecot: DovecotServer;
  smtp: SmtpCapture;
  /** The stored inbound interaction of a Message-ID, once the ingester has stored it. */
  waitForInteraction(messageId: string, timeoutMs?: number): Promise<typeof interactions.$inferSelect>;
  waitForCount(messageIds: string[], timeoutMs?: number): Promise<number>;
  caseOf(caseId: string): Promise<typeof cases.$inferSelect>;
  close(): Promise<void>;
}

export async function startEmailApp(
  options: {
    env?: Record<string, string>;
    idle?: boolean;
    /** Dovecot also takes OAuth bearer tokens, checked with this authorisation server. */
    oauth2?: DovecotOauth2;
    /** The SMTP capture checks XOAUTH2 tokens with this. */
    checkAccessToken?: (user: string, token: string) => Promise<boolean>;
    /** Runs once Dovecot is up, before the app starts (e.g. to create the folders it reads). */
    beforeApp?: (dovecot: DovecotServer) => Promise<void>;
  } = {},
): Promise<EmailTestApp> {
  const dovecot = await startDovecot({ idle: options.idle, oauth2: options.oauth2 });
  const smtp = await startSmtpCapture({ checkAccessToken: options.checkAccessToken });
  await options.beforeApp?.(dovecot);
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-email-"));
  const app = await startTestApp({
    env: {
      IMAP_URL: dovecot.imapUrl,
      SMTP_URL: smtp.url,
      EMAIL_FROM: `Acme Support <${SUPPORT}>`,
      DATA_DIR: dataDir,
      ...options.env,
    },
  });
  const { db } = app.services;

  const poll = async <T>(read: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  return {
    app,
    dovecot,
    smtp,
    waitForInteraction: (messageId, timeoutMs = 15_000) =>
      poll(
        async () =>
          (
            await db
              .select()
              .from(interactions)
              .where(and(eq(interactions.channel, "email"), eq(interactions.externalId, messageId)))
          )[0],
        `the interaction of ${messageId}`,
        timeoutMs,
      ),
    async waitForCount(messageIds, timeoutMs = 30_000) {
      let count = 0;
      await poll(
        async () => {
          const rows = await db
            .select({ id: interactions.id })
            .from(interactions)
            .where(and(eq(interactions.channel, "email"), inArray(interactions.externalId, messageIds)));
          count = rows.length;
          return count >= messageIds.length ? count : undefined;
        },
        `${messageIds.length} interactions`,
        timeoutMs,
      ).catch(() => count);
      return count;
    },
    async caseOf(caseId) {
      const [row] = await db.select().from(cases).where(eq(cases.id, caseId));
      return row!;
    },
    async close() {
      await app.close();
      await smtp.stop();
      await dovecot.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
