/**
 * Composes the email for an outbound interaction as a real reply: our own Message-ID (so the
 * customer's answer and any bounce find their way back), In-Reply-To / References to the customer's
 * latest mail, `Re: <subject> [#number]`, the agent's name beside the mailbox's, and the headers that
 * keep autoresponders from answering automatic mail.
 */
import type { OutboundMessage } from "../../cases/channel-sender.ts";
import { textToHtml } from "./email-html.ts";
import { replySubject, replyThreadHeaders } from "./headers.ts";

export interface SendingMailbox {
  address: string;
  fromName: string | null;
}

/** The customer's mail being answered. */
export interface ParentEmail {
  messageId: string;
  references: string[];
}

export interface ComposedEmail {
  messageId: string;
  from: { name: string; address: string };
  to: string;
  cc: string[];
  subject: string;
  text: string;
  html: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
}

export const MAX_CC = 20;

/** `<interactionId@mailbox domain>`: unique, ours, and it names the interaction a bounce is about. */
export function outboundMessageId(interactionId: string, mailboxAddress: string): string {
  const domain = mailboxAddress.split("@")[1] || "switchboard.invalid";
  return `<${interactionId}@${domain}>`;
}

/** "Ana (Acme Support)" for an agent's reply; the mailbox's own name otherwise. */
export function senderName(agent: OutboundMessage["agent"], mailbox: SendingMailbox): string {
  if (!agent) return mailbox.fromName ?? "";
  return mailbox.fromName ? `${agent.name} (${mailbox.fromName})` : agent.name;
}

function ccList(metadata: Record<string, unknown>, exclude: string[]): string[] {
  const raw = Array.isArray(metadata.cc) ? metadata.cc : [];
  const excluded = new Set(exclude.map((address) => address.toLowerCase()));
  const addresses = raw
    .filter((value): value is string => typeof value === "string" && /^[^\s@<>,;]+@[^\s@<>,;]+$/.test(value))
    .map((address) => address.toLowerCase())
    .filter((address) => !excluded.has(address));
  return [...new Set(addresses)].slice(0, MAX_CC);
}

export function composeReply(
  message: OutboundMessage,
  mailbox: SendingMailbox,
  parent: ParentEmail | null,
): ComposedEmail {
  const automatic = message.metadata.automatic === true;
  const thread = parent ? replyThreadHeaders(parent) : null;
  return {
    messageId: outboundMessageId(message.interactionId, mailbox.address),
    from: { name: senderName(automatic ? null : message.agent, mailbox), address: mailbox.address },
    to: message.to,
    cc: ccList(message.metadata, [message.to, mailbox.address]),
    subject: replySubject(message.subject, message.caseNumber),
    text: message.body.endsWith("\n") ? message.body : `${message.body}\n`,
    html: textToHtml(message.body),
    ...(thread ? { inReplyTo: thread.inReplyTo, references: thread.references } : {}),
    headers: automatic
      ? // RFC 3834: tells well-behaved autoresponders not to answer; the second is Exchange's own switch.
        { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" }
      : {},
  };
}
