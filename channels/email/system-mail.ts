/**
 * System mail: the plain messages Switchboard sends on its own behalf (an invitation, a password
 * reset link, a link proving a customer reads an address), not replies on a case. They go out
 * through the SMTP server of one mailbox: the environment's (IMAP_URL/SMTP_URL/EMAIL_FROM) when it
 * is configured, else the oldest enabled mailbox with SMTP settings. Without one, nothing can be
 * mailed and callers fall back (an invitation shows its link once; a reset says nothing).
 *
 * Mail is sent by the `send-system-mail` job, whose payload names the row (a password token or an
 * identity proof), never the link: the handler derives the link from the row id and the server
 * secret, so a retried job mails the same link and the queue holds no secret.
 */
import nodemailer from "nodemailer";
import { AppError } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { smtpFailure, smtpTransportOptions } from "./email-sender.ts";
import { type MailTokenDeps, signedInConnection } from "./mailbox-oauth.ts";
import { type EnvEmailSettings, listMailboxes, type MailboxRow } from "./mailboxes.ts";

export const SYSTEM_MAIL_KINDS = ["invitation", "password-reset", "email-proof", "mailbox-signin"] as const;
export type SystemMailKind = (typeof SYSTEM_MAIL_KINDS)[number];

declare module "../../cases/ports.ts" {
  interface JobCatalogue {
    /**
     * Mail one invitation, reset link or email proof (`id` is its password token or proof row), or
     * tell admins a mailbox can no longer sign in (`id` is `<mailbox id>_<when>`).
     */
    "send-system-mail": { kind: SystemMailKind; id: string };
  }
}

export const SYSTEM_MAIL_JOB = "send-system-mail";

/** The job's options: one job per row (enqueued twice, sent once), a few tries for a busy server. */
export function systemMailJob(kind: SystemMailKind, id: string) {
  return {
    name: SYSTEM_MAIL_JOB,
    data: { kind, id },
    options: { jobId: `system-mail-${id}`, attempts: 5, backoffMs: 2000 },
  } as const;
}

export interface SystemMessage {
  to: string;
  subject: string;
  text: string;
}

export interface SystemMailer {
  /** The mailbox system mail goes out from, or null when none can send. */
  mailbox(): Promise<MailboxRow | null>;
  /** Sends one message; throws an AppError coded as the outbox's (TEMPORARY is retried). */
  send(message: SystemMessage): Promise<void>;
}

/** The environment's mailbox when configured, else the oldest enabled one with SMTP settings. */
export async function systemMailbox(db: Db, env: EnvEmailSettings | undefined): Promise<MailboxRow | null> {
  const rows = await listMailboxes(db);
  const fromEnv = env ? rows.find((row) => row.fromEnv) : undefined;
  return fromEnv ?? rows.find((row) => !row.fromEnv && row.enabled && row.smtpUrlEncrypted) ?? null;
}

export function createSystemMailer(deps: {
  db: Db;
  secret: string;
  env?: EnvEmailSettings;
  tokens?: MailTokenDeps;
}): SystemMailer {
  const mailbox = () => systemMailbox(deps.db, deps.env);
  return {
    mailbox,
    async send(message) {
      const from = await mailbox();
      if (!from)
        throw new AppError("INVALID", "No mailbox can send system mail: add one with SMTP settings.");
      const { smtp } = await signedInConnection(from, { secret: deps.secret, env: deps.env }, deps.tokens);
      // System mail is rare: one connection per message, closed after it, rather than a pool.
      const transport = nodemailer.createTransport(smtpTransportOptions(smtp));
      try {
        await transport.sendMail({
          from: from.fromName ? { name: from.fromName, address: from.address } : from.address,
          to: message.to,
          subject: message.subject,
          text: message.text,
          // Nobody should answer an automatic message, and autoresponders should not answer it.
          headers: { "Auto-Submitted": "auto-generated" },
        });
      } catch (error) {
        throw smtpFailure(error, from.name);
      } finally {
        transport.close();
      }
    },
  };
}
