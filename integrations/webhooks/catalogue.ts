/**
 * The webhook events an endpoint can subscribe to, and which of them a batch of committed domain
 * events gives. Pure: the writer (deliveries.ts) reads the rows the payloads carry.
 */
import type { DomainEvent } from "../../cases/events.ts";

export const WEBHOOK_EVENT_TYPES = [
  "case.created",
  "case.updated",
  "case.assigned",
  "case.resolved",
  "interaction.created",
  "sla.at_risk",
  "sla.breached",
  "csat.received",
  "contact.created",
  "contact.merged",
  "campaign.record_dispositioned",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent by "Send test" only; no endpoint subscribes to it. */
export const PING_EVENT = "ping";

/** The payload's shape version: a change that could break a receiver gets a new number. */
export const PAYLOAD_VERSION = 1;

/** What one webhook event needs before its payload can be built. */
export type WebhookSource =
  | { kind: "case"; caseId: string; row?: Record<string, unknown> }
  | { kind: "interaction"; caseId: string; interactionId: string; row?: Record<string, unknown> }
  | { kind: "contact"; contactId: string; extra?: Record<string, unknown> }
  | { kind: "plain"; caseId: string | null; data: Record<string, unknown> };

export interface PendingWebhookEvent {
  type: WebhookEventType;
  caseId: string | null;
  source: WebhookSource;
}

function caseEvents(event: Extract<DomainEvent, { type: "case.updated" }>): PendingWebhookEvent[] {
  const source: WebhookSource = {
    kind: "case",
    caseId: event.caseId,
    ...(event.case ? { row: event.case } : {}),
  };
  const out: PendingWebhookEvent[] = [{ type: "case.updated", caseId: event.caseId, source }];
  if (
    event.previousAssigneeId !== undefined &&
    event.assigneeId &&
    event.assigneeId !== event.previousAssigneeId
  )
    out.push({ type: "case.assigned", caseId: event.caseId, source });
  if (event.previousState !== undefined && event.state === "resolved" && event.previousState !== "resolved")
    out.push({ type: "case.resolved", caseId: event.caseId, source });
  return out;
}

type Fact = Extract<
  DomainEvent,
  { type: "csat.received" | "contact.created" | "contact.merged" | "campaign.record_dispositioned" }
>;

/** Events that are facts of their own (not a case's state): their payload comes with them. */
function factEvents(event: Fact): PendingWebhookEvent[] {
  switch (event.type) {
    case "csat.received":
      return [
        {
          type: "csat.received",
          caseId: event.caseId,
          source: {
            kind: "plain",
            caseId: event.caseId,
            data: { caseId: event.caseId, rating: event.rating, comment: event.comment },
          },
        },
      ];
    case "contact.created":
      return [
        { type: "contact.created", caseId: null, source: { kind: "contact", contactId: event.contactId } },
      ];
    case "contact.merged":
      return [
        {
          type: "contact.merged",
          caseId: null,
          source: {
            kind: "contact",
            contactId: event.survivorId,
            extra: { mergedContactId: event.mergedId, mergeId: event.mergeId },
          },
        },
      ];
    case "campaign.record_dispositioned":
      return [
        {
          type: "campaign.record_dispositioned",
          caseId: null,
          source: {
            kind: "plain",
            caseId: null,
            data: {
              campaignId: event.campaignId,
              recordId: event.recordId,
              attemptId: event.attemptId,
              disposition: event.disposition,
              agentId: event.agentId,
            },
          },
        },
      ];
  }
}

/** The webhook events one domain event gives (none for most pushes-only events). */
export function webhookEventsOf(event: DomainEvent): PendingWebhookEvent[] {
  switch (event.type) {
    case "case.created":
      return [
        {
          type: "case.created",
          caseId: event.caseId,
          source: { kind: "case", caseId: event.caseId, ...(event.case ? { row: event.case } : {}) },
        },
      ];
    case "case.updated":
      return caseEvents(event);
    case "interaction.created":
      if (event.kind === "note") return [];
      return [
        {
          type: "interaction.created",
          caseId: event.caseId,
          source: {
            kind: "interaction",
            caseId: event.caseId,
            interactionId: event.interactionId,
            ...(event.interaction ? { row: event.interaction } : {}),
          },
        },
      ];
    case "sla.changed":
      if (!event.flagged) return [];
      return [
        {
          type: event.flagged === "breached" ? "sla.breached" : "sla.at_risk",
          caseId: event.caseId,
          source: {
            kind: "plain",
            caseId: event.caseId,
            data: {
              caseId: event.caseId,
              metric: event.metric ?? null,
              status: event.status,
              dueAt: event.dueAt,
            },
          },
        },
      ];
    case "csat.received":
    case "contact.created":
    case "contact.merged":
    case "campaign.record_dispositioned":
      return factEvents(event);
    default:
      return [];
  }
}
