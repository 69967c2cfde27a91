/**
 * Turns a raw RFC 5322 message into what the email channel needs: addresses, threading ids, the
 * readable text, sanitised HTML, attachments, whether a machine sent it, and its delivery report.
 * mailparser does the MIME and charset work (quoted-printable, base64, ISO-8859-x, Windows-125x,
 * Shift_JIS, ISO-2022-JP, encoded words).
 */
import { createHash } from "node:crypto";
import type { AddressObject, Attachment, ParsedMail } from "mailparser";
import { type DeliveryReport, readDeliveryReport } from "./delivery-report.ts";
import {
  automaticMailReason,
  first,
  type HeaderValues,
  headerValues,
  messageIdList,
  normaliseMessageId,
} from "./headers.ts";

export interface EmailAddress {
  address: string;
  name: string | null;
}

export interface EmailAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  contentId: string | null;
  inline: boolean;
}

export interface ParsedEmail {
  /** The Message-ID, or for mail without one a stable id made from the raw source. */
  messageId: string;
  messageIdSynthetic: boolean;
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  replyTo: EmailAddress | null;
  subject: string | null;
  /** The Date header, if it parses. */
  date: Date | null;
  inReplyTo: string | null;
  references: string[];
  text: string;
  /** Sanitised, safe to show; null for plain-text mail. */
  html: string | null;
  htmlTruncated: boolean;
  headers: HeaderValues;
  /** Why no automatic answer may go to this mail, or null. */
  automaticReason: string | null;
  /** Set for a delivery status notification (a bounce or a delay warning). */
  deliveryReport: DeliveryReport | null;
  attachments: EmailAttachment[];
}

/** Ids we make up end in a reserved domain (RFC 2606), so they never collide with real ones. */
export const SYNTHETIC_ID_DOMAIN = "no-message-id.switchboard.invalid";

/** Same bytes, same id: a re-fetch (even after a UIDVALIDITY change) finds the stored message. */
export function syntheticMessageId(raw: Buffer): string {
  return `<${createHash("sha256").update(raw).digest("hex").slice(0, 40)}@${SYNTHETIC_ID_DOMAIN}>`;
}

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = value ? (Array.isArray(value) ? value : [value]) : [];
  const result: EmailAddress[] = [];
  for (const object of objects) {
    for (const entry of object.value) {
      // Groups ("undisclosed-recipients: ;") carry their members inside.
      for (const member of entry.group ?? [entry]) {
        if (member.address) result.push({ address: member.address, name: member.name?.trim() || null });
      }
    }
  }
  return result;
}

const isDeliveryStatusReport = (mail: ParsedMail): boolean => {
  const contentType = mail.headers.get("content-type");
  if (!contentType || typeof contentType !== "object" || !("value" in contentType)) return false;
  const structured = contentType as { value: string; params?: Record<string, string> };
  return (
    structured.value.toLowerCase() === "multipart/report" &&
    structured.params?.["report-type"]?.toLowerCase() === "delivery-status"
  );
};

const REPORT_PART_TYPES = new Set(["message/delivery-status", "message/rfc822", "text/rfc822-headers"]);

function attachmentName(attachment: Attachment, index: number): string {
  if (attachment.filename) return attachment.filename;
  const extension = attachment.contentType.split("/")[1]?.replace(/[^a-z0-9.+-]/gi, "") || "bin";
  return `attachment-${index + 1}.${extension === "rfc822" ? "eml" : extension}`;
}

export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  // Loaded with the first message, not at start-up: mailparser is among the slowest modules to load.
  const [{ simpleParser }, { sanitiseEmailHtml }] = await Promise.all([
    import("mailparser"),
    import("./sanitise-html.ts"),
  ]);
  const mail = await simpleParser(raw, {
    // The text part is what we store; mailparser need not build HTML from it.
    skipTextToHtml: true,
    keepCidLinks: true,
    // Keeps the delivery-status part as an attachment, where the bounce reader finds it.
    keepDeliveryStatus: true,
  });
  const headers = headerValues(mail.headerLines);
  const from = addresses(mail.from)[0] ?? null;
  const references = messageIdList(mail.references);
  const inReplyTo = normaliseMessageId(mail.inReplyTo);
  const ownId = normaliseMessageId(mail.messageId);
  const sanitised = typeof mail.html === "string" && mail.html ? sanitiseEmailHtml(mail.html) : null;

  const report = isDeliveryStatusReport(mail)
    ? readDeliveryReport({
        deliveryStatus:
          mail.attachments
            .find((a) => a.contentType === "message/delivery-status")
            ?.content.toString("utf8") ?? null,
        originalMessage:
          mail.attachments
            .find((a) => a.contentType === "message/rfc822" || a.contentType === "text/rfc822-headers")
            ?.content.toString("utf8") ?? null,
        inReplyTo,
        references,
      })
    : null;

  return {
    messageId: ownId ?? syntheticMessageId(raw),
    messageIdSynthetic: !ownId,
    from,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: addresses(mail.replyTo)[0] ?? null,
    subject: mail.subject?.trim() || null,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    inReplyTo,
    references,
    text: (mail.text ?? "").replace(/\r\n/g, "\n"),
    html: sanitised?.html || null,
    htmlTruncated: sanitised?.truncated ?? false,
    headers,
    automaticReason:
      automaticMailReason(headers, from?.address ?? null) ?? (report ? "Delivery status notification" : null),
    deliveryReport: report,
    attachments: mail.attachments.map((attachment, index) => ({
      filename: attachmentName(attachment, index),
      contentType: attachment.contentType,
      size: attachment.size ?? attachment.content.length,
      content: attachment.content,
      contentId: attachment.cid ?? null,
      // A report's own parts are part of the message, not files the customer sent.
      inline:
        attachment.contentDisposition === "inline" ||
        Boolean(attachment.related) ||
        (report !== null && REPORT_PART_TYPES.has(attachment.contentType)),
    })),
  };
}

/** Headers worth keeping on the interaction (threading, loops, lists, Outlook's thread index). */
const KEPT_HEADERS = [
  "date",
  "reply-to",
  "auto-submitted",
  "precedence",
  "x-loop",
  "x-auto-response-suppress",
  "list-id",
  "list-unsubscribe",
  "thread-index",
  "thread-topic",
  "x-mailer",
  "user-agent",
  "x-failed-recipients",
];

export function keptHeaders(headers: HeaderValues): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = first(headers, name);
    if (value !== undefined) kept[name] = value.slice(0, 1000);
  }
  return kept;
}
