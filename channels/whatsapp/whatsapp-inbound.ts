/**
 * Inbound WhatsApp through Twilio: the same messaging webhook and fields as SMS, with `whatsapp:`
 * before both numbers. The customer's identity is their E.164 number (kind `phone`), so the person
 * who texts and writes on WhatsApp is one contact; the case is a WhatsApp case (replies go back on
 * WhatsApp, under its 24-hour window). SMS consent keywords do not apply: WhatsApp opt-outs are the
 * user's block inside WhatsApp, which Twilio reports as failed deliveries.
 */
import type { CaseDeps } from "../../cases/deps.ts";
import { ingest } from "../../cases/ingest.ts";
import { toInboundMessage } from "../sms/sms-inbound.ts";
import { findPhoneNumber } from "../twilio/phone-numbers.ts";
import type { TwilioParams } from "../twilio/webhook-paths.ts";

export const WHATSAPP_PREFIX = "whatsapp:";

export const isWhatsAppAddress = (address: string | undefined): boolean =>
  Boolean(address?.toLowerCase().startsWith(WHATSAPP_PREFIX));

export const withoutWhatsAppPrefix = (address: string | undefined): string =>
  isWhatsAppAddress(address) ? address!.slice(WHATSAPP_PREFIX.length).trim() : (address ?? "");

export const whatsAppAddress = (e164: string): string => `${WHATSAPP_PREFIX}${e164}`;

export interface WhatsAppReceipt {
  interactionId: string;
  caseId: string;
  duplicate: boolean;
}

/** Stores one inbound WhatsApp message (text and media); resolves only after the transaction has committed. */
export async function receiveWhatsApp(deps: CaseDeps, params: TwilioParams): Promise<WhatsAppReceipt> {
  const from = withoutWhatsAppPrefix(params.From);
  const to = withoutWhatsAppPrefix(params.To);
  // Our WhatsApp sender may also be one of the registered phone numbers: its queue then applies.
  const number = await findPhoneNumber(deps.db, to);
  const base = toInboundMessage({ ...params, From: from, To: to }, number?.queueId ?? null);
  // Segments and carrier location are SMS notions; WhatsApp sends neither.
  const { segments: _segments, senderLocation: _location, ...media } = base.metadata ?? {};
  const profileName = params.ProfileName?.trim();
  const result = await ingest(deps, {
    ...base,
    channel: "whatsapp",
    from: { ...base.from, ...(profileName ? { name: profileName } : {}) },
    metadata: {
      ...media,
      ...(profileName ? { profileName } : {}),
      ...(params.WaId ? { waId: params.WaId } : {}),
    },
  });
  return { interactionId: result.interaction.id, caseId: result.case.id, duplicate: result.duplicate };
}
