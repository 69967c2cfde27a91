/** Email: IMAP in, SMTP out. Switched on by IMAP_URL + SMTP_URL + EMAIL_FROM, or mailboxes added by an admin. */
import { createEmailChannel } from "../../channels/email/email-channel.ts";
import { mailboxRoutes } from "../routes/mailboxes.ts";
import type { ChannelContext } from "./index.ts";

export async function setupEmail(context: ChannelContext): Promise<void> {
  const { services, config } = context;
  const logger = services.logger.child({ channel: "email" });
  const channel = await createEmailChannel({
    database: services.database,
    cases: services.cases,
    storage: context.storage,
    secret: context.secret,
    env: config.email,
    pollMs: config.emailPollMs,
    attachmentMaxBytes: config.attachmentMaxBytes,
    logger,
    onError: (error) => logger.error({ err: error }, "email channel error"),
    onSendingAvailable: (available) => {
      if (available) services.senders.email = channel.sender;
      else delete services.senders.email;
    },
  });
  mailboxRoutes(context.app, channel);
  context.onStart(async () => {
    // The email channel loads imapflow and mailparser (among the slowest modules to load) when it
    // first connects and parses, so a server with no mailbox never loads them. A server with one
    // loads them here, before it answers, so its first fetch starts as soon as it is up.
    if ((await channel.list()).some((mailbox) => mailbox.enabled))
      await Promise.all([import("imapflow"), import("mailparser")]);
    await channel.start();
  });
  context.onClose(() => channel.stop());
}
