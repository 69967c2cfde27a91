/**
 * Reading what a decision about a case needs, and writing what was decided, each in one statement
 * (the `sb_*` functions in db/migrations/0011_case_writes.sql). A decision is made in TypeScript on
 * rows read without a lock; the write goes through only if the case is still at the revision read,
 * otherwise it reports `stale` and the caller reads and decides again. Inside a transaction that
 * already holds the case's row lock the revision always matches.
 */
import { randomUUID } from "node:crypto";
import type { Executor } from "../db/connect.ts";
import { callFunction } from "../db/functions.ts";
import { rowFromJson, rowToJson } from "../db/json-rows.ts";
import { cases, interactions } from "../db/schema/cases.ts";
import { contactIdentities, contacts } from "../db/schema/contacts.ts";
import { caseSlaTargets, type SlaMetric } from "../db/schema/sla.ts";
import { actingThroughDetails } from "./acting-through.ts";
import type { Actor } from "./case-workflow.ts";

export type CaseRow = typeof cases.$inferSelect;
export type InteractionRow = typeof interactions.$inferSelect;
export type TargetRow = typeof caseSlaTargets.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
export type IdentityRow = typeof contactIdentities.$inferSelect;

/** A case and what decisions about it look at, read together. */
export interface CaseContext {
  row: CaseRow;
  targets: TargetRow[];
  contact: ContactRow | null;
  identities: IdentityRow[];
  /** The latest `sendAfter` of the case's customer updates still pending (held or waiting), if any. */
  heldUpdateUntil: Date | null;
  /** Metadata of the case's latest inbound message (e.g. `noAutoReply` on an auto-reply). */
  lastInbound: Record<string, unknown> | null;
  /** The phase of a voice case's latest call; null without a call or off voice. */
  callPhase: string | null;
}

type Json = Record<string, unknown>;

export function contextFromJson(json: Json): CaseContext {
  return {
    row: rowFromJson(cases, json.case as Json),
    targets: ((json.targets as Json[] | null) ?? []).map((t) => rowFromJson(caseSlaTargets, t)),
    contact: json.contact ? rowFromJson(contacts, json.contact as Json) : null,
    identities: ((json.identities as Json[] | null) ?? []).map((i) => rowFromJson(contactIdentities, i)),
    heldUpdateUntil: json.held_update_until ? new Date(json.held_update_until as string) : null,
    lastInbound: (json.last_inbound as Json | null) ?? null,
    callPhase: (json.call_phase as string | null) ?? null,
  };
}

export async function readCaseContext(executor: Executor, caseId: string): Promise<CaseContext | null> {
  const json = await callFunction<Json | null>(executor, "sb_case_context", caseId);
  return json ? contextFromJson(json) : null;
}

export interface AuditEntry {
  type: string;
  actor: Actor;
  fromState?: CaseRow["state"] | null;
  toState?: CaseRow["state"] | null;
  details?: Record<string, unknown>;
  at: Date;
}

export interface NotificationEntry {
  /** The position of the audit row (in this write) the update answers to. */
  audit: number;
  event: string;
  status: "pending" | "sent" | "skipped";
  reason?: string | null;
  channel?: string | null;
  sendAfter: Date;
  interactionId?: string | null;
}

export interface AgentBookkeeping {
  agentId: string;
  lastWorkEndedAt?: Date;
  /** Wrap-up lasts at least until then (an earlier wrap-up that ends later is kept). */
  wrapUpUntil?: Date;
  missedOffersInRow?: number;
  /** Adds to the missed-offers streak (ignored when `missedOffersInRow` is given). */
  missedOffersAdd?: number;
}

/** Everything one decision about a case writes. */
export interface CaseWrite {
  caseId: string;
  /** The revision the decision read. */
  revision: number;
  set: Partial<CaseRow>;
  audits: AuditEntry[];
  interactions: Partial<InteractionRow>[];
  slaTargets: Partial<TargetRow>[];
  slaEvents: { metric: SlaMetric; cycle: number; type: "met" | "met_late"; at: Date }[];
  notifications: NotificationEntry[];
  /** Withdraw the case's pending offer (it leaves `offered` other than by acceptance). */
  cancelPendingOffersAt?: Date;
  agents: AgentBookkeeping[];
  /** The offer this change answers: written only while it is still pending. */
  offer?: { id: string; status: "accepted" | "rejected" | "expired" | "cancelled"; respondedAt: Date };
}

export function emptyCaseWrite(row: Pick<CaseRow, "id" | "revision">): CaseWrite {
  return {
    caseId: row.id,
    revision: row.revision,
    set: {},
    audits: [],
    interactions: [],
    slaTargets: [],
    slaEvents: [],
    notifications: [],
    agents: [],
  };
}

/** A new interaction row with its id chosen here, so the write needs no round trip to learn it. */
export function newInteraction(values: Omit<Partial<InteractionRow>, "id">): Partial<InteractionRow> {
  return { id: randomUUID(), ...values };
}

/** The parts shared by every case write, as the SQL functions read them. */
export function caseWriteParts(write: CaseWrite): Json {
  return {
    case_id: write.caseId,
    revision: write.revision,
    ...(Object.keys(write.set).length ? { set: rowToJson(cases, write.set) } : {}),
    audits: write.audits.map((audit) => ({
      type: audit.type,
      from_state: audit.fromState ?? null,
      to_state: audit.toState ?? null,
      actor_type: audit.actor.type,
      actor_id: audit.actor.type === "system" ? null : (audit.actor.id ?? null),
      details: {
        ...audit.details,
        ...actingThroughDetails(audit.actor.type === "agent" ? audit.actor.id : null),
      },
      at: audit.at.toISOString(),
    })),
    interactions: write.interactions.map((row) => rowToJson(interactions, row)),
    sla_targets: write.slaTargets.map((row) => rowToJson(caseSlaTargets, row)),
    sla_events: write.slaEvents.map((e) => ({ ...e, at: e.at.toISOString() })),
    notifications: write.notifications.map((n) => ({
      audit: n.audit,
      event: n.event,
      status: n.status,
      reason: n.reason ?? null,
      channel: n.channel ?? null,
      send_after: n.sendAfter.toISOString(),
      interaction_id: n.interactionId ?? null,
    })),
    ...(write.cancelPendingOffersAt
      ? { cancel_pending_offers: write.cancelPendingOffersAt.toISOString() }
      : {}),
    agents: write.agents.map((a) => ({
      id: a.agentId,
      ...(a.lastWorkEndedAt ? { last_work_ended_at: a.lastWorkEndedAt.toISOString() } : {}),
      ...(a.wrapUpUntil ? { wrap_up_until: a.wrapUpUntil.toISOString() } : {}),
      ...(a.missedOffersInRow !== undefined ? { missed_offers_in_row: a.missedOffersInRow } : {}),
      ...(a.missedOffersAdd !== undefined ? { missed_offers_add: a.missedOffersAdd } : {}),
    })),
    ...(write.offer
      ? {
          offer: {
            id: write.offer.id,
            status: write.offer.status,
            responded_at: write.offer.respondedAt.toISOString(),
          },
        }
      : {}),
  };
}

/** What a write reports when it went through. */
export interface CaseWritten {
  status: "ok";
  case: CaseRow;
  auditIds: number[];
  interactions: InteractionRow[];
  /** Per notification entry: its id, or null when the same update was already recorded. */
  notificationIds: (string | null)[];
  cancelledOffers: { id: string; agentId: string }[];
  /** The agents whose bookkeeping was written, as they are now. */
  agents: { id: string; presence: string; missedOffersInRow: number }[];
}

/** Why a write did not go through: the case moved on, is gone, or the offer it answers closed. */
export type CaseWriteRefusal =
  | { status: "stale" | "missing" | "case_busy" }
  | { status: "offer_closed"; offer: Json | null };

export function writtenFromJson(json: Json): CaseWritten {
  return {
    status: "ok",
    case: rowFromJson(cases, json.case as Json),
    auditIds: ((json.audit_ids as (number | string)[] | null) ?? []).map(Number),
    interactions: ((json.interactions as Json[] | null) ?? []).map((i) => rowFromJson(interactions, i)),
    notificationIds: (json.notification_ids as (string | null)[] | null) ?? [],
    cancelledOffers: ((json.cancelled_offers as { id: string; agent_id: string }[] | null) ?? []).map(
      (o) => ({
        id: o.id,
        agentId: o.agent_id,
      }),
    ),
    agents: (
      (json.agents as { id: string; presence: string; missed_offers_in_row: number }[] | null) ?? []
    ).map((a) => ({ id: a.id, presence: a.presence, missedOffersInRow: a.missed_offers_in_row })),
  };
}

export async function writeCase(
  executor: Executor,
  write: CaseWrite,
): Promise<CaseWritten | CaseWriteRefusal> {
  const json = await callFunction<Json>(executor, "sb_write_case", caseWriteParts(write));
  return json.status === "ok" ? writtenFromJson(json) : (json as CaseWriteRefusal);
}
