/**
 * Admin API for mailboxes. Connection URLs go in (and are sealed with the server secret) but never
 * come out: answers show host, port, TLS and user name, and each mailbox's fetch checkpoint and last
 * error so admins can see whether mail is flowing.
 */
import { z } from "zod";
import type { EmailChannel } from "../../channels/email/email-channel.ts";
import { MAIL_OAUTH_PROVIDERS } from "../../db/schema/channels.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { ZodApp } from "./zod-app.ts";

const server = z
  .object({ host: z.string(), port: z.number().int(), secure: z.boolean(), user: z.string() })
  .nullable()
  .describe("Where the mailbox connects; the password is never shown");

export const mailboxSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  address: z.string(),
  fromName: z.string().nullable(),
  fromEnv: z
    .boolean()
    .describe(
      "Configured by IMAP_URL / SMTP_URL / EMAIL_FROM; only queue, sender name and enabled can change here",
    ),
  folder: z.string(),
  queueId: z.uuid().nullable(),
  enabled: z.boolean(),
  imap: server,
  smtp: server,
  uidValidity: z.string().nullable().describe("UIDVALIDITY of the folder at the checkpoint"),
  lastUid: z.number().int().describe("The last UID whose message is stored"),
  lastSyncAt: isoDate.nullable(),
  lastError: z.string().nullable().describe("Why the last fetch failed, until one succeeds"),
  oauth: z
    .object({
      provider: z.enum(MAIL_OAUTH_PROVIDERS),
      connected: z.boolean().describe("Signed in, and the provider has not refused the grant"),
      connectedAt: isoDate.nullable(),
      error: z.string().nullable().describe("Why the provider refused the grant; reconnect the mailbox"),
    })
    .nullable()
    .describe("Sign-in with OAuth 2.0 (XOAUTH2) instead of a password; null for password mailboxes"),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const mailUrl = (scheme: "imap" | "smtp", example: string) =>
  z
    .string()
    .trim()
    .max(2000)
    .regex(
      new RegExp(`^${scheme}s?://[^/?#]+$|^${scheme}s?://[^/?#]+/$`),
      `must be ${example} (${scheme}s:// for TLS)`,
    )
    .refine((value) => {
      try {
        return Boolean(new URL(value).hostname);
      } catch {
        return false;
      }
    }, "is not a valid URL");

const mailboxFields = {
  name: z.string().trim().min(1).max(100),
  address: z.email().max(320),
  fromName: z.string().trim().min(1).max(100).nullable(),
  imapUrl: mailUrl("imap", "imap://user:password@host:143"),
  smtpUrl: mailUrl("smtp", "smtp://user:password@host:587"),
  folder: z.string().trim().min(1).max(200),
  queueId: z.uuid().nullable(),
  enabled: z.boolean(),
};

const mailboxCreate = z
  .object({ ...mailboxFields, oauthProvider: z.enum(MAIL_OAUTH_PROVIDERS).nullable() })
  .partial({
    fromName: true,
    folder: true,
    queueId: true,
    enabled: true,
    imapUrl: true,
    smtpUrl: true,
    oauthProvider: true,
  })
  .strict();
const mailboxUpdate = z.object(mailboxFields).partial().strict();

const admin = { access: "admin" } as const;

export function mailboxRoutes(app: ZodApp, email: EmailChannel): void {
  app.get(
    "/api/mailboxes",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["email"],
        summary: "Mailboxes fetched into cases, with their checkpoint and last error",
        response: responses({ 200: z.object({ items: z.array(mailboxSchema) }) }),
      },
    },
    async () => ({ items: await email.list() }),
  );

  app.get(
    "/api/mailboxes/:id",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["email"],
        summary: "One mailbox",
        params: idParam,
        response: responses({ 200: mailboxSchema }, [404]),
      },
    },
    async (request) => email.get(request.params.id),
  );

  app.post(
    "/api/mailboxes",
    {
      config: admin,
      schema: {
        tags: ["email"],
        summary: "Add a mailbox; fetching starts at once",
        description:
          "The URLs carry the credentials (user names that are addresses are written with %40 for @). They are stored encrypted and never returned. The whole folder is fetched on the first connection. A mailbox with oauthProvider signs in with OAuth instead: its URLs may be left out (the provider's servers, the address as user) and fetching starts once an admin connects it (GET /api/mailboxes/:id/oauth/start).",
        body: mailboxCreate,
        response: responses({ 201: mailboxSchema }, [409]),
      },
    },
    async (request, reply) => reply.code(201).send(await email.create(request.body)),
  );

  app.patch(
    "/api/mailboxes/:id",
    {
      config: admin,
      schema: {
        tags: ["email"],
        summary: "Change a mailbox",
        description:
          "Another IMAP server, user or folder starts the checkpoint over (already stored mail is recognised by Message-ID). The mailbox from the environment takes only queueId, fromName and enabled.",
        params: idParam,
        body: mailboxUpdate,
        response: responses({ 200: mailboxSchema }, [404, 409]),
      },
    },
    async (request) => email.update(request.params.id, request.body),
  );

  app.delete(
    "/api/mailboxes/:id",
    {
      config: admin,
      schema: {
        tags: ["email"],
        summary: "Remove a mailbox (its cases stay)",
        params: idParam,
        response: responses({ 204: z.null() }, [404, 409]),
      },
    },
    async (request, reply) => {
      await email.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );
}
