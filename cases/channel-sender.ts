/**
 * What the outbox asks of a channel: one small interface each channel's sender implements (SMS,
 * email, web chat), and the message it is given to send.
 */
import type { Channel, cases, interactions } from "../db/schema/cases.ts";

export interface OutboundMessage {
  interactionId: string;
  caseId: string;
  caseNumber: number;
  channel: Channel;
  /** The customer's address on the channel (visitor id, E.164, email). */
  to: string;
  /** Our address the customer wrote to, if the channel has one. */
  from: string | null;
  subject: string;
  body: string;
  agent: { id: string; name: string } | null;
  metadata: Record<string, unknown>;
}

export interface SendResult {
  /** The provider's id for the sent message (its status callbacks refer to it). */
  externalId?: string;
  /** Channels that know at once that the customer has it (chat) report `delivered`. */
  status?: "sent" | "delivered";
  metadata?: Record<string, unknown>;
}

export interface ChannelSender {
  /** True when sending one interaction twice cannot reach the customer twice (the channel dedupes by our id). */
  readonly idempotent: boolean;
  /**
   * True when sending is handing the message over in this process (web chat's push to the
   * visitor's widgets): it is sent right after the write that queued it, without a job.
   */
  readonly inline?: boolean;
  send(message: OutboundMessage): Promise<SendResult>;
}

export type ChannelSenders = Partial<Record<Channel, ChannelSender>>;

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === "string" && value.length > 0 ? value : fallback;
}

/** What a channel is given to send: the interaction in the words of its case. */
export function outboundMessageOf(
  interaction: typeof interactions.$inferSelect,
  caseRow: typeof cases.$inferSelect,
  author: { id: string; name: string } | null,
): OutboundMessage {
  return {
    interactionId: interaction.id,
    caseId: caseRow.id,
    caseNumber: caseRow.number,
    channel: interaction.channel,
    // An update sent on another channel than the case's carries its own address and subject.
    to: stringOr(interaction.metadata.to, caseRow.customerAddress),
    from: stringOr(interaction.metadata.from, caseRow.channelAddress),
    subject: stringOr(interaction.metadata.subject, caseRow.subject),
    body: interaction.body,
    agent: author,
    metadata: interaction.metadata,
  };
}
