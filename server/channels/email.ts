/** Email: IMAP in, SMTP out. Switched on by IMAP_URL + SMTP_URL + EMAIL_FROM, or mailboxes added by an admin. */
import { createEmailChannel, type EmailChannel } from "../../channels/email/email-channel.ts";
import type { AppClients } from "../plugins/clients.ts";
import type { DomainServices } from "../plugins/domain.ts";

export async function createEmail(clients: AppClients, domain: DomainServices): Promise<EmailChannel> {
  const { config, lifecycle } = clients;
  const logger = clients.logger.child({ channel: "email" });
  const channel = await createEmailChannel({
    database: clients.database,
    cases: domain.cases,
    storage: clients.storage,
    secret: clients.secret,
    tokens: clients.mailTokens,
    env: config.email,
    pollMs: config.emailPollMs,
    attachmentMaxBytes: config.attachmentMaxBytes,
    logger,
    onError: (error) => logger.error({ err: error }, "email channel error"),
    onSendingAvailable: (available) => {
      clients.emailSending.available = available;
    },
  });
  lifecycle.onStart(async () => {
    // The email channel loads imapflow and mailparser (among the slowest modules to load) when it
    // first connects and parses, so a server with no mailbox never loads them. A server with one
    // loads them here, before it answers, so its first fetch starts as soon as it is up.
    if ((await channel.list()).some((mailbox) => mailbox.enabled))
      await Promise.all([import("imapflow"), import("mailparser")]);
    await channel.start();
  });
  lifecycle.onClose(() => channel.stop());
  return channel;
}
