/**
 * Twilio's message status callbacks, turned into our delivery statuses with a reason an agent can act
 * on. Statuses only move forward (recordDeliveryStatus guards that), so callbacks arriving out of
 * order, or twice, cannot undo a later one.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { CaseDeps } from "../../cases/deps.ts";
import { recordDeliveryStatus } from "../../cases/outbox.ts";
import { type DeliveryStatus, interactions } from "../../db/schema/cases.ts";

/** What the most common messaging error codes mean, in words an agent understands. */
const ERROR_MEANINGS: Record<string, string> = {
  "21211": "the number is not a valid phone number",
  "21408": "sending to this country is not enabled on the Twilio account",
  "21610": "the recipient has unsubscribed (replied STOP)",
  "21612": "this number cannot be reached from our number",
  "21614": "the number is not a mobile number",
  "21617": "the message is longer than 1,600 characters",
  "30001": "Twilio's queue overflowed",
  "30002": "the Twilio account is suspended",
  "30003": "the handset is unreachable (switched off or out of coverage)",
  "30004": "the recipient blocked the message",
  "30005": "the number is unknown or no longer exists",
  "30006": "the number is a landline or cannot receive SMS",
  "30007": "the carrier filtered the message as spam",
  "30008": "the carrier reported an unknown error",
  "30032": "the toll-free number is not verified",
  "30034": "the sending number is not registered for A2P 10DLC",
};

export interface MappedStatus {
  status: DeliveryStatus;
  reason: string | null;
}

export function failureReason(twilioStatus: string, errorCode?: string | null, errorMessage?: string | null) {
  const code = errorCode?.trim();
  const meaning = (code && ERROR_MEANINGS[code]) || errorMessage?.trim() || "no reason given";
  return `Twilio reported the message ${twilioStatus}: ${meaning}${code ? ` (Twilio error ${code})` : ""}.`;
}

/**
 * Our status for one of Twilio's; null for statuses that say nothing about an outbound message
 * (accepted, scheduled, and the inbound ones).
 */
export function mapMessageStatus(
  twilioStatus: string,
  errorCode?: string | null,
  errorMessage?: string | null,
): MappedStatus | null {
  switch (twilioStatus) {
    case "queued":
      return { status: "queued", reason: null };
    case "sending":
      return { status: "sending", reason: null };
    case "sent":
      return { status: "sent", reason: null };
    case "delivered":
    case "read":
      return { status: "delivered", reason: null };
    case "undelivered":
    case "failed":
    case "canceled":
      return { status: "failed", reason: failureReason(twilioStatus, errorCode, errorMessage) };
    default:
      return null;
  }
}

export interface SmsStatusCallback {
  /** Our interaction id, carried in the StatusCallback URL we gave Twilio. */
  interactionId?: string;
  messageSid: string;
  messageStatus: string;
  /** WhatsApp messages report on the same callback, their numbers prefixed `whatsapp:` (default sms). */
  channel?: "sms" | "whatsapp";
  errorCode?: string | null;
  errorMessage?: string | null;
}

/** Applies one status callback; false when it changed nothing (unknown message, or not a step forward). */
export async function applySmsStatus(deps: CaseDeps, callback: SmsStatusCallback): Promise<boolean> {
  const mapped = mapMessageStatus(callback.messageStatus, callback.errorCode, callback.errorMessage);
  if (!mapped) return false;
  if (callback.interactionId) {
    // A callback can beat the sender's own write of the Message SID; record it here too.
    await deps.db
      .update(interactions)
      .set({ externalId: callback.messageSid })
      .where(
        and(
          eq(interactions.id, callback.interactionId),
          eq(interactions.channel, callback.channel ?? "sms"),
          isNull(interactions.externalId),
        ),
      );
    return recordDeliveryStatus(deps, { interactionId: callback.interactionId, ...mapped });
  }
  return recordDeliveryStatus(deps, {
    channel: callback.channel ?? "sms",
    externalId: callback.messageSid,
    ...mapped,
  });
}
