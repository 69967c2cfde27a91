/**
 * Sends WhatsApp replies through Twilio's messaging API: `whatsapp:`-prefixed numbers, from the
 * configured WhatsApp sender (TWILIO_WHATSAPP_FROM). Free-form words only while the customer's 24-hour
 * window is open — checked again here, at the moment of sending, because a reply retried or released
 * after the window closed must fail visibly rather than be refused by WhatsApp later. An approved
 * template goes with its Content SID and values when it has one, else as its filled-in words.
 */
import type { ChannelSender, OutboundMessage } from "../../cases/channel-sender.ts";
import { AppError } from "../../cases/errors.ts";
import { whatsappWindow, windowClosedMessage } from "../../cases/whatsapp-window.ts";
import type { Db } from "../../db/connect.ts";
import type { TwilioApi } from "../twilio/twilio-client.ts";
import { webhookUrl } from "../twilio/webhook-paths.ts";
import { whatsAppAddress, withoutWhatsAppPrefix } from "./whatsapp-inbound.ts";

export interface WhatsAppSenderOptions {
  db: Db;
  twilio: TwilioApi;
  publicUrl: string;
  /** The WhatsApp sender's number, E.164. */
  from: string;
  clock: () => Date;
}

const E164 = /^\+[1-9]\d{6,14}$/;

interface TemplateMetadata {
  name: string;
  contentSid: string | null;
  variables: string[];
}

function templateOf(message: OutboundMessage): TemplateMetadata | null {
  const template = message.metadata.template as TemplateMetadata | undefined;
  return template && typeof template.name === "string" ? template : null;
}

export function createWhatsAppSender(options: WhatsAppSenderOptions): ChannelSender {
  async function assertWindowOpen(message: OutboundMessage): Promise<void> {
    const now = options.clock();
    const window = await whatsappWindow(options.db, message.caseId, now);
    if (!window.open) throw new AppError("INVALID", `Not sent: ${windowClosedMessage(window, now, now)}`);
  }

  return {
    idempotent: false,
    async send(message) {
      const to = withoutWhatsAppPrefix(message.to);
      if (!E164.test(to))
        throw new AppError("INVALID", `Not sent: '${to}' is not a number a WhatsApp message can go to.`);
      const template = templateOf(message);
      if (!template) await assertWindowOpen(message);
      const mediaUrl = Array.isArray(message.metadata.mediaUrls)
        ? (message.metadata.mediaUrls as string[])
        : undefined;
      const sent = await options.twilio.sendMessage({
        to: whatsAppAddress(to),
        from: whatsAppAddress(options.from),
        body: message.body,
        ...(template?.contentSid
          ? {
              contentSid: template.contentSid,
              contentVariables: Object.fromEntries(
                template.variables.map((value, i) => [String(i + 1), value]),
              ),
            }
          : {}),
        ...(mediaUrl?.length ? { mediaUrl } : {}),
        // The same callback as SMS: the interaction id finds the message whichever channel it is on.
        statusCallback: webhookUrl(options.publicUrl, "smsStatus", { interaction: message.interactionId }),
      });
      return { externalId: sent.sid, metadata: { from: options.from } };
    },
  };
}
