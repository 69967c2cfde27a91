/**
 * The email ChannelSender: sends an outbound interaction over the SMTP server of the mailbox the
 * case was written to (or the environment's mailbox), and sorts SMTP failures into the codes the
 * outbox retries on (TEMPORARY) or gives up on (INVALID, AUTH). SMTP has no idempotency key, so a
 * send interrupted by a crash is not repeated (`idempotent: false`).
 */
import { createHash } from "node:crypto";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import type { ChannelSender, OutboundMessage, SendResult } from "../../cases/channel-sender.ts";
import { AppError } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { interactions } from "../../db/schema/cases.ts";
import { mailboxes } from "../../db/schema/channels.ts";
import { composeReply, type ParentEmail } from "./compose-reply.ts";
import type { MailServer } from "./mail-urls.ts";
import { type MailTokenDeps, signedInConnection } from "./mailbox-oauth.ts";
import type { EnvEmailSettings, MailboxRow } from "./mailboxes.ts";

type Transport = ReturnType<typeof nodemailer.createTransport>;

export interface EmailSender extends ChannelSender {
  close(): void;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

const AUTH_CODES = new Set([530, 534, 535, 538]);

/** An SMTP failure as the outbox understands it, with the server's own words. */
export function smtpFailure(error: unknown, mailboxName: string): AppError {
  const smtp = (error instanceof Error ? error : new Error(String(error))) as SmtpError;
  const said = (smtp.response ?? smtp.message).replace(/\s+/g, " ").trim().slice(0, 500);
  if (smtp.code === "EAUTH" || (smtp.responseCode && AUTH_CODES.has(smtp.responseCode)))
    return new AppError(
      "AUTH",
      `The SMTP server of mailbox '${mailboxName}' refused our credentials (${said}); fix its SMTP settings and send again.`,
    );
  if (smtp.responseCode && smtp.responseCode >= 500)
    return new AppError("INVALID", `The mail server refused the message: ${said}`);
  if (smtp.responseCode && smtp.responseCode >= 400)
    return new AppError("TEMPORARY", `The mail server deferred the message: ${said}`);
  if (smtp.code === "EENVELOPE")
    return new AppError("INVALID", `The message could not be addressed: ${said}`);
  return new AppError("TEMPORARY", `Could not reach the SMTP server of mailbox '${mailboxName}': ${said}`);
}

/** The customer's latest mail on the case, preferring one a person wrote over an autoresponder's. */
async function parentEmail(db: Db, caseId: string): Promise<ParentEmail | null> {
  const [row] = await db
    .select({ metadata: interactions.metadata })
    .from(interactions)
    .where(
      and(
        eq(interactions.caseId, caseId),
        eq(interactions.channel, "email"),
        eq(interactions.direction, "inbound"),
        sql`${interactions.metadata} ? 'messageId'`,
      ),
    )
    .orderBy(
      sql`coalesce((${interactions.metadata} ->> 'noAutoReply')::boolean, false)`,
      desc(interactions.seq),
    )
    .limit(1);
  const metadata = row?.metadata;
  if (typeof metadata?.messageId !== "string") return null;
  const references = Array.isArray(metadata.references)
    ? metadata.references.filter((id): id is string => typeof id === "string")
    : [];
  return { messageId: metadata.messageId, references };
}

/**
 * The mailbox a message goes out from: the one the customer wrote to; else (a case that did not
 * start by email) the environment's mailbox, else the oldest enabled one.
 */
async function sendingMailbox(db: Db, from: string | null, envConfigured: boolean): Promise<MailboxRow> {
  const rows = (await db.select().from(mailboxes).orderBy(asc(mailboxes.createdAt))).filter(
    (row) => envConfigured || !row.fromEnv,
  );
  const chosen =
    (from && rows.find((row) => row.address.toLowerCase() === from.toLowerCase())) ||
    rows.find((row) => row.fromEnv) ||
    rows.find((row) => row.enabled) ||
    rows[0];
  if (!chosen)
    throw new AppError(
      "INVALID",
      `No mailbox can send this message: none has the address ${from ?? "(none)"} and none is configured to send from.`,
    );
  return chosen;
}

/** How Switchboard talks to a mailbox's SMTP server: its address and login, and patient timeouts. */
export function smtpTransportOptions(smtp: MailServer) {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.accessToken
      ? { auth: { type: "OAuth2" as const, user: smtp.user, accessToken: smtp.accessToken } }
      : smtp.user
        ? { auth: { user: smtp.user, pass: smtp.password } }
        : {}),
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  };
}

export function createEmailSender(deps: {
  db: Db;
  secret: string;
  env?: EnvEmailSettings;
  tokens?: MailTokenDeps;
}): EmailSender {
  const transports = new Map<string, { fingerprint: string; transport: Transport }>();

  const transportFor = (mailbox: MailboxRow, smtp: MailServer): Transport => {
    const fingerprint = createHash("sha256").update(JSON.stringify(smtp)).digest("hex");
    const cached = transports.get(mailbox.id);
    if (cached?.fingerprint === fingerprint) return cached.transport;
    cached?.transport.close();
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 2,
      ...smtpTransportOptions(smtp),
    });
    transports.set(mailbox.id, { fingerprint, transport });
    return transport;
  };

  return {
    idempotent: false,
    async send(message: OutboundMessage): Promise<SendResult> {
      const mailbox = await sendingMailbox(deps.db, message.from, Boolean(deps.env));
      const { smtp } = await signedInConnection(mailbox, { secret: deps.secret, env: deps.env }, deps.tokens);
      const parent = await parentEmail(deps.db, message.caseId);
      const email = composeReply(message, mailbox, parent);
      let info: { accepted?: unknown[]; rejected?: unknown[]; response?: string };
      try {
        info = await transportFor(mailbox, smtp).sendMail({
          messageId: email.messageId,
          from: email.from,
          to: email.to,
          ...(email.cc.length ? { cc: email.cc } : {}),
          subject: email.subject,
          text: email.text,
          html: email.html,
          ...(email.inReplyTo ? { inReplyTo: email.inReplyTo, references: email.references } : {}),
          headers: email.headers,
        });
      } catch (error) {
        throw smtpFailure(error, mailbox.name);
      }
      const rejected = (info.rejected ?? []).map(String);
      return {
        externalId: email.messageId,
        status: "sent",
        metadata: {
          messageId: email.messageId,
          inReplyTo: email.inReplyTo ?? null,
          references: email.references ?? [],
          subject: email.subject,
          cc: email.cc,
          mailboxId: mailbox.id,
          ...(rejected.length ? { rejectedRecipients: rejected } : {}),
        },
      };
    },
    close() {
      for (const { transport } of transports.values()) transport.close();
      transports.clear();
    },
  };
}
