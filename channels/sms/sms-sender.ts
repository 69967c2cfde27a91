/**
 * Sends SMS replies through Twilio's REST API. Not idempotent: Twilio has no idempotency key for
 * messages, so an attempt cut short by a crash is reported rather than risked twice (the outbox does
 * that). The opt-out is checked again here, at the moment of sending, because a reply queued before
 * the customer texted STOP must not go out after it.
 */
import { and, eq } from "drizzle-orm";
import type { ChannelSender, OutboundMessage } from "../../cases/channel-sender.ts";
import { AppError } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { firstPhoneNumber } from "../twilio/phone-numbers.ts";
import type { TwilioApi } from "../twilio/twilio-client.ts";
import { webhookUrl } from "../twilio/webhook-paths.ts";

export interface SmsSenderOptions {
  db: Db;
  twilio: TwilioApi;
  publicUrl: string;
}

/**
 * Metadata of the automatic answer to HELP, which carriers require us to send even to an opted-out
 * number; every other message to an opted-out number is refused.
 */
export const HELP_REPLY_METADATA = { automatic: true, helpReply: true } as const;

const E164 = /^\+[1-9]\d{6,14}$/;

export function createSmsSender(options: SmsSenderOptions): ChannelSender {
  async function senderNumber(message: OutboundMessage): Promise<string> {
    // The number the customer wrote to; a case from another channel (an email) has no number of its own.
    if (message.from && E164.test(message.from)) return message.from;
    const first = await firstPhoneNumber(options.db);
    if (first) return first.number;
    throw new AppError(
      "INVALID",
      "There is no phone number to send this SMS from: add one of your Twilio numbers under Phone numbers (POST /api/phone-numbers).",
    );
  }

  /** The customer's number: a status update for a case from another channel names it in its metadata. */
  function recipient(message: OutboundMessage): string {
    const named = message.metadata.to;
    const to = typeof named === "string" && E164.test(named) ? named : message.to;
    if (!E164.test(to))
      throw new AppError("INVALID", `Not sent: '${to}' is not a phone number an SMS can go to.`);
    return to;
  }

  async function assertStillSubscribed(message: OutboundMessage, to: string): Promise<void> {
    if (message.metadata.helpReply === HELP_REPLY_METADATA.helpReply) return;
    const [identity] = await options.db
      .select({ optedOutAt: contactIdentities.optedOutAt, method: contactIdentities.optOutMethod })
      .from(contactIdentities)
      .where(and(eq(contactIdentities.kind, "phone"), eq(contactIdentities.address, to)));
    if (identity?.optedOutAt) {
      throw new AppError(
        "INVALID",
        `Not sent: ${to} opted out of SMS on ${identity.optedOutAt.toISOString()}${identity.method ? ` (${identity.method})` : ""}.`,
      );
    }
  }

  return {
    idempotent: false,
    async send(message) {
      const to = recipient(message);
      await assertStillSubscribed(message, to);
      const from = await senderNumber(message);
      const sent = await options.twilio.sendMessage({
        to,
        from,
        body: message.body,
        // The interaction id lets a callback that beats our own write of the SID still find the message.
        statusCallback: webhookUrl(options.publicUrl, "smsStatus", { interaction: message.interactionId }),
      });
      return {
        externalId: sent.sid,
        metadata: { from, ...(sent.numSegments ? { segments: sent.numSegments } : {}) },
      };
    },
  };
}
