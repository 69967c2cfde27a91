/**
 * The shapes every channel speaks. A channel's inbound side turns provider input into an
 * `InboundMessage` for ingest; its outbound side is a `ChannelSender` the outbox calls.
 */

export type { ChannelSender, ChannelSenders, OutboundMessage, SendResult } from "../cases/channel-sender.ts";
export type { InboundMessage } from "../cases/ingest.ts";
