/**
 * The `send-system-mail` job: reads the row it names, derives its link and mails it. A row that was
 * used, replaced or has expired by the time the job runs is not mailed: a stale link would only
 * confuse.
 */
import { and, eq, isNull } from "drizzle-orm";
import { emailProofToMail } from "../../cases/identity-proofs.ts";
import {
  SYSTEM_MAIL_JOB,
  type SystemMailKind,
  type SystemMessage,
} from "../../channels/email/system-mail.ts";
import { agents } from "../../db/schema/agents.ts";
import { mailboxes } from "../../db/schema/channels.ts";
import { passwordLink, passwordTokenToMail } from "../auth/password-tokens.ts";
import type { Services } from "../services.ts";
import type { JobQueue } from "./job-queue.ts";

export type SystemMailServices = Pick<
  Services,
  "clock" | "config" | "db" | "logger" | "secret" | "systemMail"
>;

const PRODUCT = "Switchboard";

async function passwordMessage(
  services: SystemMailServices,
  kind: "invitation" | "password-reset",
  id: string,
): Promise<SystemMessage | null> {
  const found = await passwordTokenToMail(services.db, services.secret, id, services.clock());
  if (!found) return null;
  const link = passwordLink(services.config.publicUrl, found.token);
  const until = `${found.row.expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC`;
  if (kind === "invitation")
    return {
      to: found.agent.email,
      subject: `You are invited to ${PRODUCT}`,
      text: `Hello ${found.agent.name},\n\nYou have been given a ${PRODUCT} account (${found.agent.role}). Choose your password here:\n\n${link}\n\nThe link works once, until ${until}. If it has expired, ask an administrator for a new invitation.\n`,
    };
  return {
    to: found.agent.email,
    subject: `Reset your ${PRODUCT} password`,
    text: `Hello ${found.agent.name},\n\nSomeone (we hope you) asked to reset the password of your ${PRODUCT} account. Choose a new password here:\n\n${link}\n\nThe link works once, for one hour (until ${until}). Setting a password signs you out everywhere else. If you did not ask for this, ignore this mail: your password stays as it is.\n`,
  };
}

async function proofMessage(services: SystemMailServices, id: string): Promise<SystemMessage | null> {
  const found = await emailProofToMail(services.db, services.secret, id, services.clock());
  if (!found) return null;
  const link = `${services.config.publicUrl}/verify-email?token=${encodeURIComponent(found.token)}`;
  return {
    to: found.address,
    subject: "Confirm your email address",
    text: `Hello,\n\nThis address was given when starting a chat with us. If that was you, confirm it here so our replies can reach you by email:\n\n${link}\n\nThe link works once, for 24 hours. If it was not you, ignore this mail.\n`,
  };
}

/** Tells every admin that a mailbox's OAuth sign-in was refused, unless it was reconnected since. */
async function mailboxSigninMessage(services: SystemMailServices, id: string): Promise<SystemMessage | null> {
  const mailboxId = id.split("_")[0] ?? "";
  const [mailbox] = await services.db
    .select({ name: mailboxes.name, address: mailboxes.address, oauthError: mailboxes.oauthError })
    .from(mailboxes)
    .where(eq(mailboxes.id, mailboxId));
  if (!mailbox?.oauthError) return null;
  const admins = await services.db
    .select({ email: agents.email })
    .from(agents)
    .where(and(eq(agents.role, "admin"), isNull(agents.deactivatedAt)));
  if (!admins.length) return null;
  return {
    to: admins.map((admin) => admin.email).join(", "),
    subject: `Mailbox ${mailbox.address} can no longer sign in`,
    text: `Hello,\n\nThe mail provider refused the sign-in of mailbox '${mailbox.name}' (${mailbox.address}): ${mailbox.oauthError}.\n\nNo mail is fetched or sent through it until an administrator reconnects it: open ${services.config.publicUrl}/admin/channels and choose Reconnect.\n`,
  };
}

export async function sendSystemMail(
  services: SystemMailServices,
  job: { kind: SystemMailKind; id: string },
): Promise<void> {
  const message =
    job.kind === "email-proof"
      ? await proofMessage(services, job.id)
      : job.kind === "mailbox-signin"
        ? await mailboxSigninMessage(services, job.id)
        : await passwordMessage(services, job.kind, job.id);
  if (!message) {
    services.logger.info({ kind: job.kind, id: job.id }, "system mail no longer due; not sent");
    return;
  }
  await services.systemMail.send(message);
}

export function registerSystemMailJobs(queue: JobQueue, services: SystemMailServices): void {
  queue.register(SYSTEM_MAIL_JOB, (data) => sendSystemMail(services, data));
}
