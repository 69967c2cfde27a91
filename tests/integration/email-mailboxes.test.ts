/**
 * Mailboxes added by an admin: credentials go in sealed and never come out, fetching starts at once
 * (here from a server without IDLE, so by polling), mail lands in the mailbox's queue, replies leave
 * through the mailbox's own SMTP server, a wrong password shows as the mailbox's last error, and bad
 * input is refused with a 4xx that writes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import { interactions } from "../../db/schema/cases.ts";
import { mailboxes } from "../../db/schema/channels.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { type DovecotServer, startDovecot } from "../helpers/dovecot.ts";
import { plainEmail } from "../helpers/email-fixtures.ts";
import { assignCase } from "../helpers/factories.ts";
import { type SmtpCapture, startSmtpCapture } from "../helpers/smtp-capture.ts";

const ADDRESS = "help@shop.example";

describe("mailbox admin", () => {
  let app: TestApp;
  let dovecot: DovecotServer;
  let smtp: SmtpCapture;
  let dataDir = "";
  let mailboxId = "";
  let queueId = "";

  const counts = async () => {
    const tables = await queryRows<{ table_name: string }>(
      app.services.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const result: Record<string, number> = {};
    for (const { table_name } of tables) {
      const [row] = await queryRows<{ n: number }>(
        app.services.db,
        sql.raw(`select count(*)::int as n from "${table_name}"`),
      );
      result[table_name] = Number(row!.n);
    }
    return result;
  };
  const waitFor = async (messageId: string) => {
    await expect
      .poll(
        async () =>
          (
            await app.services.db.select().from(interactions).where(eq(interactions.externalId, messageId))
          )[0],
        { timeout: 20_000, interval: 200 },
      )
      .toBeDefined();
    return (
      await app.services.db.select().from(interactions).where(eq(interactions.externalId, messageId))
    )[0]!;
  };

  beforeAll(async () => {
    dovecot = await startDovecot({ idle: false });
    smtp = await startSmtpCapture();
    dataDir = mkdtempSync(join(tmpdir(), "switchboard-mailboxes-"));
    app = await startTestApp({ env: { DATA_DIR: dataDir, EMAIL_POLL_SECONDS: "1" } });
    const queue = await app.admin.post("/api/queues", { name: "Shop support" });
    queueId = queue.body.id;
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.stop();
    await dovecot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates a mailbox whose password is never shown, and starts fetching it by polling", async () => {
    const created = await app.admin.post("/api/mailboxes", {
      name: "Shop",
      address: ADDRESS,
      fromName: "Shop Help",
      imapUrl: dovecot.imapUrl,
      smtpUrl: smtp.url,
      queueId,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Shop",
      address: ADDRESS,
      fromEnv: false,
      folder: "INBOX",
      queueId,
      enabled: true,
      imap: { host: "127.0.0.1", port: dovecot.port, secure: false, user: dovecot.user },
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, user: "sender" },
    });
    mailboxId = created.body.id;
    const listed = await app.admin.get("/api/mailboxes");
    for (const body of [created.body, listed.body])
      expect(JSON.stringify(body)).not.toMatch(new RegExp(`${dovecot.password}|smtp-secret|imapUrl|smtpUrl`));
    const [row] = await app.services.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId));
    expect(row!.imapUrlEncrypted).not.toContain(dovecot.password);
    expect(row!.smtpUrlEncrypted).not.toContain("smtp-secret");

    await dovecot.append(
      plainEmail({
        from: "Pat <pat@customer.example>",
        subject: "Where is my parcel?",
        body: "Hi",
        messageId: "<poll-1@customer.example>",
      }),
    );
    const stored = await waitFor("<poll-1@customer.example>");
    const detail = await app.admin.get(`/api/cases/${stored.caseId}`);
    expect(detail.body).toMatchObject({ channelAddress: ADDRESS, queueId });
  });

  it("sends replies through the mailbox's own SMTP server and address", async () => {
    const stored = await waitFor("<poll-1@customer.example>");
    const agent = await app.createAgent({ name: "Sam" });
    await assignCase(app.services, stored.caseId, agent.id);
    const reply = await agent.api.post(`/api/cases/${stored.caseId}/replies`, { body: "It is on its way." });
    const sent = await smtp.waitFor(
      (mail) => mail.header("message-id") === `<${reply.body.id}@shop.example>`,
    );
    expect(sent.header("from")).toBe(`"Sam (Shop Help)" <${ADDRESS}>`);
    expect(sent.user).toBe("sender");
    expect(sent.header("in-reply-to")).toBe("<poll-1@customer.example>");
  });

  it("starts over when the folder changes, and fetches the new one", async () => {
    await dovecot.createFolder("Support");
    await dovecot.append(
      plainEmail({
        from: "kim@customer.example",
        subject: "Other folder",
        body: "x",
        messageId: "<folder-1@customer.example>",
      }),
      { folder: "Support" },
    );
    const patched = await app.admin.request("PATCH", `/api/mailboxes/${mailboxId}`, { folder: "Support" });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ folder: "Support", lastUid: 0, uidValidity: null });
    await waitFor("<folder-1@customer.example>");
  });

  it("shows why a mailbox cannot be fetched, without its password, and stops when it is deleted", async () => {
    const wrong = await app.admin.post("/api/mailboxes", {
      name: "Broken",
      address: "broken@shop.example",
      imapUrl: dovecot.imapUrl.replace(dovecot.password, "wrong-password-123"),
      smtpUrl: smtp.url,
    });
    expect(wrong.status).toBe(201);
    await expect
      .poll(async () => (await app.admin.get(`/api/mailboxes/${wrong.body.id}`)).body.lastError, {
        timeout: 20_000,
      })
      .toMatch(/refused the user name or password/);
    const shown = await app.admin.get(`/api/mailboxes/${wrong.body.id}`);
    expect(JSON.stringify(shown.body)).not.toContain("wrong-password-123");
    const supervisor = await app.createAgent({ role: "supervisor" });
    expect((await supervisor.api.get("/api/mailboxes")).status).toBe(200);
    expect((await supervisor.api.request("DELETE", `/api/mailboxes/${wrong.body.id}`)).status).toBe(403);
    expect((await app.admin.request("DELETE", `/api/mailboxes/${wrong.body.id}`)).status).toBe(204);
    expect((await app.admin.get(`/api/mailboxes/${wrong.body.id}`)).status).toBe(404);
  });

  it("refuses bad input with a 4xx and writes nothing", async () => {
    const agent = await app.createAgent();
    const good = {
      name: "New",
      address: "new@shop.example",
      imapUrl: "imap://u:p@imap.shop.example:143",
      smtpUrl: "smtp://u:p@smtp.shop.example:587",
    };
    const cases: [
      string,
      () => Promise<{ status: number; body: { error: string; message: string } }>,
      number,
      string,
      RegExp,
    ][] = [
      ["no body fields", () => app.admin.post("/api/mailboxes", {}), 400, "validation_failed", /body\.name/],
      [
        "a bad address",
        () => app.admin.post("/api/mailboxes", { ...good, address: "not-an-address" }),
        400,
        "validation_failed",
        /body\.address/,
      ],
      [
        "an http URL for IMAP",
        () => app.admin.post("/api/mailboxes", { ...good, imapUrl: "http://imap.shop.example" }),
        400,
        "validation_failed",
        /body\.imapUrl: must be imap:\/\//,
      ],
      [
        "an IMAP URL for SMTP",
        () => app.admin.post("/api/mailboxes", { ...good, smtpUrl: good.imapUrl }),
        400,
        "validation_failed",
        /body\.smtpUrl/,
      ],
      [
        "an unknown field",
        () => app.admin.post("/api/mailboxes", { ...good, password: "x" }),
        400,
        "validation_failed",
        /password/,
      ],
      [
        "an unknown queue",
        () => app.admin.post("/api/mailboxes", { ...good, queueId: "00000000-0000-4000-8000-000000000000" }),
        400,
        "validation_failed",
        /queueId: queue/,
      ],
      [
        "a taken name",
        () => app.admin.post("/api/mailboxes", { ...good, name: "Shop" }),
        409,
        "conflict",
        /already has the name 'Shop'/,
      ],
      [
        "a taken address",
        () => app.admin.post("/api/mailboxes", { ...good, address: ADDRESS }),
        409,
        "conflict",
        /already has the address/,
      ],
      ["an agent creating one", () => agent.api.post("/api/mailboxes", good), 403, "forbidden", /admin role/],
      [
        "nobody listing them",
        () => createApi(app.url).get("/api/mailboxes"),
        401,
        "unauthenticated",
        /Sign in/,
      ],
      [
        "a PATCH to an unknown mailbox",
        () =>
          app.admin.request("PATCH", "/api/mailboxes/00000000-0000-4000-8000-000000000000", {
            enabled: false,
          }),
        404,
        "not_found",
        /Mailbox/,
      ],
      [
        "a PATCH with a bad folder",
        () => app.admin.request("PATCH", `/api/mailboxes/${mailboxId}`, { folder: "" }),
        400,
        "validation_failed",
        /body\.folder/,
      ],
      [
        "a DELETE of a bad id",
        () => app.admin.request("DELETE", "/api/mailboxes/nope"),
        400,
        "validation_failed",
        /params\.id/,
      ],
    ];
    for (const [name, send, status, error, message] of cases) {
      const before = await counts();
      const response = await send();
      expect(response.status, name).toBe(status);
      expect(response.body.error, name).toBe(error);
      expect(response.body.message, name).toMatch(message);
      expect(await counts(), name).toEqual(before);
    }
  });
});
