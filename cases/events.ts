/**
 * Domain events: facts published after the transaction that made them commits, never before and
 * never from inside it. The server turns them into socket.io pushes. Events may carry the row the
 * transaction wrote, so the push needs no read of its own.
 */

import type { Presence } from "../db/schema/agents.ts";
import type {
  CaseState,
  Channel,
  cases,
  DeliveryStatus,
  Direction,
  InteractionKind,
  interactions,
} from "../db/schema/cases.ts";
import type { OfferStatus } from "../db/schema/routing.ts";

export type DomainEvent =
  | {
      type: "case.updated";
      caseId: string;
      state: CaseState;
      assigneeId: string | null;
      /** Set when the assignee changed, so the previous agent's console can drop the case. */
      previousAssigneeId?: string | null;
      /** Set when the state changed (webhooks tell `case.resolved` from it). */
      previousState?: CaseState;
      case?: typeof cases.$inferSelect;
      /** The contact's name, when the change knew it (the push then reads nothing). */
      contactName?: string | null;
    }
  | {
      type: "interaction.created";
      caseId: string;
      interactionId: string;
      channel: Channel;
      kind: InteractionKind;
      direction: Direction;
      interaction?: typeof interactions.$inferSelect;
      /** The case's agent when the interaction was written. */
      assigneeId?: string | null;
    }
  /** An interaction's details changed (a call's progress, a voicemail's transcription). */
  | { type: "interaction.updated"; caseId: string; interactionId: string }
  | {
      type: "interaction.status";
      caseId: string;
      interactionId: string;
      status: DeliveryStatus;
      reason?: string | null;
      /** The case's agent, when the change knew it (the push then reads nothing). */
      assigneeId?: string | null;
    }
  | {
      type: "offer.created";
      offerId: string;
      caseId: string;
      agentId: string;
      expiresAt: Date;
      case?: typeof cases.$inferSelect;
      /** The contact's name, when the change that made the offer knew it (the push then reads nothing). */
      contactName?: string | null;
    }
  | { type: "offer.closed"; offerId: string; caseId: string; agentId: string; status: OfferStatus }
  | { type: "agent.presence"; agentId: string; presence: Presence; reason?: string | null }
  /** An agent's skills, capacity or standing changed (routing reads them again). */
  | { type: "agent.updated"; agentId: string }
  /** A case's SLA clocks changed: its nearest due time and worst status. */
  | {
      type: "sla.changed";
      caseId: string;
      status: string | null;
      dueAt: Date | null;
      metric?: string;
      flagged?: "at_risk" | "breached";
      /** The case's agent, when the change knew it (the push then reads nothing). */
      assigneeId?: string | null;
    }
  /** A note mentions colleagues by name: each is told. */
  | {
      type: "note.mentioned";
      caseId: string;
      caseNumber: number;
      interactionId: string;
      byAgentId: string;
      agentIds: string[];
      excerpt: string;
    }
  /** An escalation rule asked for a supervisor's attention. */
  | { type: "sla.escalated"; caseId: string; ruleId: string; ruleName: string; message: string }
  /** A case was opened (its first `case.updated` follows in the same batch). */
  | { type: "case.created"; caseId: string; case?: typeof cases.$inferSelect }
  /** A contact was created (by a first message from a new address). */
  | { type: "contact.created"; contactId: string }
  /** Two contacts became one: `mergedId` now points at `survivorId`. */
  | { type: "contact.merged"; survivorId: string; mergedId: string; mergeId: string }
  /** A customer rated a resolved case. */
  | { type: "csat.received"; caseId: string; rating: number; comment: string | null }
  /** An agent gave a campaign call its outcome. */
  | {
      type: "campaign.record_dispositioned";
      campaignId: string;
      recordId: string;
      attemptId: string;
      disposition: string;
      agentId: string;
    };

export type DomainEventType = DomainEvent["type"];
