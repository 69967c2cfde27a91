/**
 * Reads delivery status notifications (RFC 3464 `multipart/report; report-type=delivery-status`):
 * which of our messages it is about, what happened to each recipient, and why, in words an agent
 * can act on.
 */
import { messageIdList, normaliseMessageId } from "./headers.ts";

export interface RecipientOutcome {
  recipient: string | null;
  /** failed, delayed, delivered, relayed or expanded. */
  action: string | null;
  /** The enhanced status code, e.g. 5.1.1. */
  status: string | null;
  diagnosticCode: string | null;
}

export interface DeliveryReport {
  recipients: RecipientOutcome[];
  /** Message-ids of the message the report is about, most reliable first. */
  originalMessageIds: string[];
}

export interface DeliveryReportParts {
  /** The `message/delivery-status` part. */
  deliveryStatus: string | null;
  /** The returned message or its headers (`message/rfc822`, `text/rfc822-headers`). */
  originalMessage: string | null;
  inReplyTo: string | null;
  references: readonly string[];
}

/** Header-style fields of one block ("Name: value", continuation lines folded in), lower-case names. */
export function parseFieldBlock(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      fields.set(current, `${fields.get(current)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    current = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(current)) fields.set(current, line.slice(colon + 1).trim());
  }
  return fields;
}

/** `rfc822; bob@example.com` -> `bob@example.com`. */
function withoutType(value: string | undefined): string | null {
  if (!value) return null;
  const semicolon = value.indexOf(";");
  return (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim() || null;
}

export function readDeliveryReport(parts: DeliveryReportParts): DeliveryReport {
  const blocks = (parts.deliveryStatus ?? "").split(/\r?\n[ \t]*\r?\n/).map(parseFieldBlock);
  // The first block is about the message, the rest about one recipient each.
  const perMessage = blocks[0] ?? new Map<string, string>();
  const recipients = blocks
    .slice(1)
    .filter((fields) => fields.has("final-recipient") || fields.has("action") || fields.has("status"))
    .map((fields) => ({
      recipient: withoutType(fields.get("final-recipient") ?? fields.get("original-recipient")),
      action: fields.get("action")?.toLowerCase() ?? null,
      status: fields.get("status")?.match(/\d\.\d{1,3}\.\d{1,3}/)?.[0] ?? null,
      diagnosticCode: withoutType(fields.get("diagnostic-code"))?.replace(/\s+/g, " ") ?? null,
    }));
  const originalHeaders = parts.originalMessage?.split(/\r?\n\r?\n/)[0] ?? "";
  const original = normaliseMessageId(parseFieldBlock(originalHeaders).get("message-id"));
  const candidates = [
    original,
    normaliseMessageId(perMessage.get("x-original-message-id")),
    normaliseMessageId(parts.inReplyTo),
    ...messageIdList(parts.references),
  ].filter((id): id is string => Boolean(id));
  return { recipients, originalMessageIds: [...new Set(candidates)] };
}

/**
 * What the report means for our message: `failed` when a recipient failed for good, `delivered`
 * when all were delivered, null for warnings (delayed, relayed) that change nothing yet.
 */
export function deliveryOutcome(report: DeliveryReport): "failed" | "delivered" | null {
  if (!report.recipients.length) return null;
  if (report.recipients.some(isPermanentFailure)) return "failed";
  return report.recipients.every((r) => r.action === "delivered") ? "delivered" : null;
}

function isPermanentFailure(recipient: RecipientOutcome): boolean {
  if (recipient.action === "failed") return true;
  return recipient.action === null && Boolean(recipient.status?.startsWith("5."));
}

/** RFC 3463 subject and detail codes, as an agent would say them. */
const STATUS_MEANINGS: Record<string, string> = {
  "1.1": "the mailbox does not exist",
  "1.2": "the recipient's domain does not exist or accepts no mail",
  "1.3": "the address is not valid",
  "1.6": "the mailbox has moved",
  "1.10": "the recipient's domain accepts no mail",
  "2.1": "the mailbox is disabled",
  "2.2": "the mailbox is full",
  "2.3": "the message is larger than the recipient accepts",
  "3.4": "the message is too large for the receiving system",
  "4.4": "the receiving server could not be reached",
  "4.7": "delivery took too long and was given up",
  "7.1": "the receiving server refused the message (not authorised or blocked as spam)",
  "7.26": "the message failed the receiving server's sender authentication checks",
};

export function describeStatus(status: string | null): string | null {
  if (!status) return null;
  const [klass, subject, detail] = status.split(".");
  const meaning = STATUS_MEANINGS[`${subject}.${detail}`];
  if (meaning) return meaning;
  return klass === "5" ? "permanent failure" : klass === "4" ? "temporary failure" : null;
}

/** A reason for the failed interaction: who, what it means, and what the receiving server said. */
export function describeFailure(report: DeliveryReport): string {
  const failed = report.recipients.filter(isPermanentFailure);
  const lines = (failed.length ? failed : report.recipients).map((recipient) => {
    const meaning = describeStatus(recipient.status);
    const who = recipient.recipient ?? "the recipient";
    const head = `Not delivered to ${who}${meaning ? `: ${meaning}` : ""}${recipient.status ? ` (${recipient.status})` : ""}.`;
    return recipient.diagnosticCode ? `${head} The receiving server said: ${recipient.diagnosticCode}` : head;
  });
  return (lines.join(" ") || "The message bounced; the delivery report gives no reason.").slice(0, 2000);
}
