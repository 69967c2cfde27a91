import type { Channel } from "../db/schema/cases.ts";
import type { IdentityKind } from "../db/schema/contacts.ts";

/** One shape for an inbound message from any channel. */
export interface InboundMessage {
  channel: Channel;
  /** The provider's id for this message (MessageSid, Message-ID, chat message id). */
  externalId: string;
  from: { kind: IdentityKind; address: string; name?: string | null };
  /** The address the customer wrote to (our mailbox or number). */
  to?: string | null;
  subject?: string | null;
  body: string;
  receivedAt?: Date;
  kind?: "message" | "call";
  /** The queue of the address it came to (a mailbox's, a phone number's): used when no assignment rule matches. */
  queueHint?: string | null;
  /** Hints at the conversation this message belongs to, strongest first. */
  thread?: {
    /** The case the channel already knows (a chat session, a status-page reply). */
    caseId?: string;
    /** Provider ids this message answers (email In-Reply-To / References). */
    referencedExternalIds?: string[];
    /** A case number found in the message (email subject token `[#1042]`). */
    caseNumber?: number;
    /**
     * Only the hints thread: a message matching none of them opens a new case instead of joining
     * the contact's latest one (email, where a new subject is a new conversation).
     */
    strict?: boolean;
  };
  metadata?: Record<string, unknown>;
}
