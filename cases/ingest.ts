/**
 * Ingest: every inbound message from every channel becomes an interaction on a case, written in one
 * statement. What the message needs is read first (was it stored already, whose address is it,
 * which case does it continue), the decision is made here, and the write goes through only if what
 * it was based on still holds; otherwise it is read and decided again. Idempotent on (channel,
 * externalId): a provider's retry of a message already stored changes nothing and returns what was
 * stored the first time.
 */
import { randomUUID } from "node:crypto";
import type { Executor } from "../db/connect.ts";
import { callFunction } from "../db/functions.ts";
import { rowFromJson, rowToJson } from "../db/json-rows.ts";
import { type CaseLinkReason, cases, interactions } from "../db/schema/cases.ts";
import { contactIdentities as contactIdentitiesTable, contacts } from "../db/schema/contacts.ts";
import { CASE_MACHINE_VERSION, canAccept, caseColumnsOf, initialCaseSnapshot } from "./case-machine.ts";
import { CasePlan } from "./case-plan.ts";
import {
  type CaseContext,
  type CaseRow,
  type ContactRow,
  caseWriteParts,
  contextFromJson,
  type IdentityRow,
  writtenFromJson,
} from "./case-store.ts";
import { type Actor, planCaseEvent, snapshotOf } from "./case-workflow.ts";
import type { CaseDeps } from "./deps.ts";
import { AppError } from "./errors.ts";
import { normaliseIdentity } from "./identities.ts";
import { announceInteraction, inboundInteraction } from "./inbound-interaction.ts";
import type { InboundMessage } from "./inbound-message.ts";
import { publishAfterCommit, UnitOfWork } from "./unit-of-work.ts";

export type { InteractionRow } from "./case-store.ts";
export type { InboundMessage } from "./inbound-message.ts";

type InteractionRow = typeof interactions.$inferSelect;

export interface IngestResult {
  interaction: InteractionRow;
  case: CaseRow;
  /** True when this message was stored before: nothing was written this time. */
  duplicate: boolean;
  /** True when this message opened a new case. */
  caseCreated: boolean;
}

const SUBJECT_FROM_BODY_LENGTH = 80;

function subjectFor(message: InboundMessage): string {
  const subject = message.subject?.trim();
  if (subject) return subject.slice(0, 500);
  const firstLine = message.body.trim().split(/\r?\n/)[0] ?? "";
  return firstLine.length > SUBJECT_FROM_BODY_LENGTH
    ? `${firstLine.slice(0, SUBJECT_FROM_BODY_LENGTH - 1)}…`
    : firstLine;
}

type Json = Record<string, unknown>;

/** What `sb_inbound_context` found for a message. */
interface InboundFound {
  duplicate?: { interaction: Json; case: Json };
  contact?: Json;
  identities?: Json[];
  latest_case_id?: string | null;
  last_assignee_id?: string | null;
  thread?: Json | null;
  /** A case whose mail the message answers though its sender is not on that thread. */
  quoted_case_id?: string | null;
  /** Drawn when the message will open a case. */
  next_number?: number | string | null;
}

function duplicateResult(found: { interaction: Json; case: Json }): IngestResult {
  return {
    interaction: rowFromJson(interactions, found.interaction),
    case: rowFromJson(cases, found.case),
    duplicate: true,
    caseCreated: false,
  };
}

interface InboundDecision {
  plan: CasePlan;
  /** The `sb_ingest` argument. */
  argument: Json;
  caseCreated: boolean;
}

/** The case a message opens, as a row in the machine's initial state, before its first event. */
async function newCase(
  executor: Executor,
  deps: CaseDeps,
  input: {
    message: InboundMessage;
    contact: ContactRow;
    identities: IdentityRow[];
    lastAssigneeId: string | null;
    customerAddress: string;
    link: CaseLink | null;
    number: number | string | null | undefined;
    at: Date;
  },
): Promise<CaseContext> {
  const { message, at } = input;
  const number = Number(input.number ?? (await callFunction<number>(executor, "sb_next_case_number", {})));
  const subject = subjectFor(message);
  const placement = (await deps.routingHooks?.placeNewCase(executor, {
    channel: message.channel,
    contactId: input.contact.id,
    contactAttributes: input.contact.attributes,
    contactFields: input.contact.customFields,
    lastAssigneeId: input.lastAssigneeId,
    channelAddress: message.to ?? null,
    subject,
    body: message.body,
    priority: "normal",
    queueHint: message.queueHint ?? null,
  })) ?? { queueId: message.queueHint ?? null };
  const initial = initialCaseSnapshot(deps.machine);
  const row: CaseRow = {
    id: randomUUID(),
    number,
    contactId: input.contact.id,
    channel: message.channel,
    subject,
    priority: placement.priority ?? "normal",
    ...caseColumnsOf(initial),
    queueId: placement.queueId,
    tags: [],
    customerAddress: input.customerAddress,
    channelAddress: message.to ?? null,
    machineSnapshot: initial,
    machineVersion: CASE_MACHINE_VERSION,
    revision: 0,
    linkedCaseId: input.link?.caseId ?? null,
    linkReason: input.link?.reason ?? null,
    enqueuedAt: null,
    stickyAgentId: placement.stickyAgentId ?? null,
    routingStepsApplied: 0,
    lastCustomerMessageAt: null,
    slaDueAt: null,
    slaStatus: null,
    dispositionId: null,
    csatRating: null,
    csatComment: null,
    csatAt: null,
    customFields: {},
    firstResponseAt: null,
    closedAt: null,
    createdAt: at,
    updatedAt: at,
  };
  return {
    row,
    targets: [],
    contact: input.contact,
    identities: input.identities,
    heldUpdateUntil: null,
    lastInbound: message.metadata ?? {},
    callPhase: null,
  };
}

/**
 * The contact the message is from: the one `sb_inbound_context` found (its name filled in if it had
 * none), or a new one with this address. What the write must do about it goes into `argument`.
 */
function inboundContact(
  message: InboundMessage,
  address: string,
  at: Date,
  found: InboundFound,
  argument: Json,
): { contact: ContactRow; identities: IdentityRow[] } {
  const identity = { kind: message.from.kind, address };
  const name = message.from.name?.trim() || null;
  if (found.contact) {
    const contact = rowFromJson(contacts, found.contact);
    const identities = (found.identities ?? []).map((i) => rowFromJson(contactIdentitiesTable, i));
    if (!contact.name && name) argument.contact_name = name;
    return { contact, identities };
  }
  const contact: ContactRow = {
    id: randomUUID(),
    name,
    attributes: {},
    preferredChannel: null,
    timeZone: null,
    mergedIntoId: null,
    customFields: {},
    createdAt: at,
    updatedAt: at,
  };
  const identities: IdentityRow[] = [
    {
      id: randomUUID(),
      contactId: contact.id,
      ...identity,
      optedOutAt: null,
      optOutMethod: null,
      // A message from the address on its own channel proves it.
      verifiedAt: at,
      createdAt: at,
    },
  ];
  argument.new_contact = rowToJson(contacts, contact);
  argument.identity = { kind: identity.kind, address: identity.address };
  return { contact, identities };
}

/** The case a new case was opened from, and why. */
interface CaseLink {
  caseId: string;
  reason: CaseLinkReason;
}

/** The case the message continues, if its machine accepts it; else the case a new one is linked to. */
function continuedThread(
  deps: CaseDeps,
  found: InboundFound,
  messageEvent: { type: "CUSTOMER_MESSAGE"; at: number },
): { thread: CaseContext | null; link: CaseLink | null } {
  const thread = found.thread ? contextFromJson(found.thread) : null;
  // A closed case, or one resolved longer ago than the reopen window, is not reopened: the message
  // starts a new case linked to it.
  if (thread && !canAccept(deps.machine, snapshotOf(thread.row), messageEvent))
    return { thread: null, link: { caseId: thread.row.id, reason: "follows_closed" } };
  if (!thread && found.quoted_case_id)
    return { thread: null, link: { caseId: found.quoted_case_id, reason: "quoted_thread" } };
  return { thread, link: null };
}

/** Decides what storing `message` writes, from what `sb_inbound_context` found. */
async function decideInbound(
  executor: Executor,
  deps: CaseDeps,
  message: InboundMessage,
  address: string,
  at: Date,
  found: InboundFound,
): Promise<InboundDecision> {
  const argument: Json = { dedupe: { channel: message.channel, external_id: message.externalId } };
  const { contact, identities } = inboundContact(message, address, at, found, argument);
  argument.contact_id = contact.id;
  const customer: Actor = { type: "customer", id: contact.id };
  const messageEvent = { type: "CUSTOMER_MESSAGE" as const, at: at.getTime() };

  const { thread, link } = continuedThread(deps, found, messageEvent);
  const caseCreated = thread === null;
  const context =
    thread ??
    (await newCase(executor, deps, {
      message,
      contact,
      identities,
      lastAssigneeId: found.last_assignee_id ?? null,
      customerAddress: address,
      link,
      number: found.next_number,
      at,
    }));
  const plan = new CasePlan(context, executor);
  if (caseCreated) {
    plan.audit({
      type: "created",
      actor: customer,
      toState: context.row.state,
      details: {
        channel: message.channel,
        ...(link ? { linkedCaseId: link.caseId, linkReason: link.reason } : {}),
      },
      at,
    });
    // A new case of a known contact is opened only if no other message opened one meanwhile.
    if (found.contact && !message.thread?.strict) argument.latest_case_id = found.latest_case_id ?? null;
  }
  plan.write.interactions.push(inboundInteraction(message, at, context.row.contactId !== contact.id));
  await planCaseEvent(
    deps,
    plan,
    caseCreated ? { type: "ENQUEUE", at: at.getTime() } : messageEvent,
    customer,
    {},
    {
      lastCustomerMessageAt: at,
      customerAddress: address,
      ...(message.to ? { channelAddress: message.to } : {}),
    },
  );
  const parts = caseWriteParts(plan.write);
  if (caseCreated) {
    // The database starts its revision.
    const { revision: _revision, ...row } = plan.after;
    delete parts.set;
    parts.new_case = rowToJson(cases, row);
  }
  announceInteraction(plan, message.channel);
  return { plan, argument: { ...argument, ...parts }, caseCreated };
}

/** How often a message is decided again when its case keeps moving before it is written. */
const MAX_DECISIONS = 20;

/** Stores one message through `executor` (the database, or an open transaction); events go to `uow`. */
async function ingestWith(
  executor: Executor,
  uow: UnitOfWork,
  deps: CaseDeps,
  message: InboundMessage,
): Promise<IngestResult> {
  if (!message.externalId)
    throw new AppError("VALIDATION", "An inbound message needs the provider's message id (externalId).");
  const at = message.receivedAt ?? deps.clock();
  const address = normaliseIdentity(message.from.kind, message.from.address, deps.defaultCountry);
  const lookup = {
    channel: message.channel,
    external_id: message.externalId,
    kind: message.from.kind,
    address,
    thread: {
      ...(message.thread?.caseId ? { case_id: message.thread.caseId } : {}),
      ...(message.thread?.referencedExternalIds?.length
        ? { referenced_external_ids: message.thread.referencedExternalIds }
        : {}),
      ...(message.thread?.caseNumber !== undefined ? { case_number: message.thread.caseNumber } : {}),
      ...(message.thread?.strict ? { strict: true } : {}),
    },
  };
  for (let attempt = 1; attempt <= MAX_DECISIONS; attempt++) {
    const found = await callFunction<InboundFound>(executor, "sb_inbound_context", lookup);
    if (found.duplicate) return duplicateResult(found.duplicate);
    const decision = await decideInbound(executor, deps, message, address, at, found);
    const result = await callFunction<Json>(executor, "sb_ingest", decision.argument);
    if (result.status === "duplicate") return duplicateResult(result as { interaction: Json; case: Json });
    if (result.status !== "ok") continue;
    const written = writtenFromJson(result);
    decision.plan.finish(written, uow);
    return {
      interaction: written.interactions[0]!,
      case: written.case,
      duplicate: false,
      caseCreated: decision.caseCreated,
    };
  }
  throw new AppError(
    "TEMPORARY",
    `Message ${message.externalId} could not be stored: its conversation kept changing. The sender may retry.`,
  );
}

/** Stores one message inside an open transaction; its events leave when `uow` does. */
export function ingestInTransaction(
  executor: Executor,
  uow: UnitOfWork,
  deps: CaseDeps,
  message: InboundMessage,
): Promise<IngestResult> {
  return ingestWith(executor, uow, deps, message);
}

/** Stores one inbound message; resolves only after it is durable. */
export async function ingest(deps: CaseDeps, message: InboundMessage): Promise<IngestResult> {
  const uow = new UnitOfWork();
  const result = await ingestWith(deps.db, uow, deps, message);
  await publishAfterCommit(deps, uow);
  return result;
}
