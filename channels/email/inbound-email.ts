/**
 * Builds the InboundMessage of one fetched email: who wrote, which case it continues (the ids it
 * answers, then the case token in its subject), the text, and what the console shows beside it.
 */
import { normaliseIdentity } from "../../cases/identities.ts";
import type { InboundMessage } from "../../cases/ingest.ts";
import { caseNumberFromSubject } from "./headers.ts";
import { type EmailAddress, keptHeaders, type ParsedEmail } from "./parse-email.ts";

/** Beyond this the body is cut for the timeline; the whole message stays in the raw source. */
export const MAX_BODY_CHARS = 200_000;

/** Mail whose sender cannot be read is still stored, under this address, so nothing is dropped. */
export const UNKNOWN_SENDER = "unknown-sender@unknown.invalid";

/** A Date header this far after the server received the mail is a wrong clock, not the truth. */
const MAX_CLOCK_SKEW_MS = 15 * 60_000;
/** A Date header this long before the server received the mail is not trusted either (backdated spam). */
const MAX_DATE_AGE_MS = 7 * 24 * 3600_000;

export interface AttachmentSummary {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
  contentId: string | null;
  /** False when the file was over the size limit and only noted. */
  stored: boolean;
}

export interface MailboxAddressing {
  address: string;
  queueId: string | null;
}

/**
 * When the message counts as received: its Date header, unless that is implausible against the
 * time the mail server took it in (the IMAP internal date) — SLAs are measured from here.
 */
export function receivedAtOf(date: Date | null, internalDate: Date | null, now: Date): Date {
  const arrived = internalDate ?? now;
  if (!date) return arrived;
  const skew = date.getTime() - arrived.getTime();
  if (skew > MAX_CLOCK_SKEW_MS || -skew > MAX_DATE_AGE_MS) return arrived;
  return date;
}

/** An address ingest accepts as an identity, or null (`root@localhost`, garbage). */
function usableSender(address: EmailAddress | null): EmailAddress | null {
  if (!address) return null;
  try {
    return { address: normaliseIdentity("email", address.address), name: address.name };
  } catch {
    return null;
  }
}

export function inboundEmail(
  email: ParsedEmail,
  context: {
    mailbox: MailboxAddressing;
    receivedAt: Date;
    rawKey: string | null;
    attachments: AttachmentSummary[];
  },
): InboundMessage {
  const sender = usableSender(email.from) ?? usableSender(email.replyTo);
  const automaticReason =
    email.automaticReason ??
    (!sender
      ? "The sender's address could not be read"
      : // Answering our own address would mail ourselves in a circle.
        sender.address === context.mailbox.address.toLowerCase()
        ? `Sent from this mailbox's own address (${sender.address})`
        : null);
  const text = email.text.trim();
  const body =
    text.length > MAX_BODY_CHARS
      ? `${text.slice(0, MAX_BODY_CHARS)}\n\n[… the rest of this message is in its original source]`
      : text;
  const caseNumber = caseNumberFromSubject(email.subject);
  const referenced = [
    ...(email.inReplyTo ? [email.inReplyTo] : []),
    ...[...email.references].reverse(),
  ].filter((id, index, all) => all.indexOf(id) === index && id !== email.messageId);

  return {
    channel: "email",
    externalId: email.messageId,
    from: { kind: "email", address: sender?.address ?? UNKNOWN_SENDER, name: sender?.name ?? null },
    to: context.mailbox.address,
    subject: email.subject,
    body: body || (context.attachments.length ? "(no text; see the attachments)" : "(empty message)"),
    receivedAt: context.receivedAt,
    queueHint: context.mailbox.queueId,
    thread: {
      strict: true,
      ...(referenced.length ? { referencedExternalIds: referenced } : {}),
      ...(caseNumber !== undefined ? { caseNumber } : {}),
    },
    metadata: {
      messageId: email.messageId,
      ...(email.messageIdSynthetic ? { messageIdSynthetic: true } : {}),
      inReplyTo: email.inReplyTo,
      references: email.references,
      from: email.from,
      to: email.to,
      cc: email.cc,
      ...(email.replyTo ? { replyTo: email.replyTo } : {}),
      html: email.html,
      ...(email.htmlTruncated ? { htmlTruncated: true } : {}),
      ...(text.length > MAX_BODY_CHARS ? { bodyTruncated: true } : {}),
      headers: keptHeaders(email.headers),
      rawKey: context.rawKey,
      attachments: context.attachments,
      ...(automaticReason ? { noAutoReply: true, loopReason: automaticReason } : {}),
    },
  };
}

/**
 * The stand-in for a message too large to fetch: from its headers alone, saying what it was and
 * what to do, so the sender is not left without an answer and the ingester is not stuck on it.
 */
export function oversizedEmail(
  email: ParsedEmail,
  context: { mailbox: MailboxAddressing; receivedAt: Date; size: number; limit: number },
): InboundMessage {
  const message = inboundEmail(email, {
    mailbox: context.mailbox,
    receivedAt: context.receivedAt,
    rawKey: null,
    attachments: [],
  });
  const sender = message.from.name ? `${message.from.name} <${message.from.address}>` : message.from.address;
  message.body =
    `This email was too large to fetch: ${formatSize(context.size)} (the limit is ${formatSize(context.limit)}). ` +
    `It came from ${sender}${email.subject ? ` with the subject "${email.subject}"` : ""}. ` +
    "It is still in the mailbox on the mail server; ask the sender for smaller attachments or a download link.";
  message.metadata = { ...message.metadata, tooLarge: true, size: context.size };
  return message;
}

/** "25.0 MB", "19.5 KB": sizes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
