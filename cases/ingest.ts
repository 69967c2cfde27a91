/**
 * Ingest: every inbound message from every channel becomes an interaction on a case in one
 * transaction. Idempotent on (channel, externalId), so a provider's retry of a message that was
 * already stored changes nothing and returns what was stored the first time.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../db/connect.ts";
import { advisoryXactLock, LOCK_NAMESPACE } from "../db/locks.ts";
import { type Channel, cases, interactions } from "../db/schema/cases.ts";
import type { IdentityKind } from "../db/schema/contacts.ts";
import { CASE_MACHINE_VERSION, canAccept, initialCaseSnapshot } from "./case-machine.ts";
import { type Actor, applyCaseEvent, type CaseRow, snapshotOf, writeAudit } from "./case-workflow.ts";
import { resolveContact } from "./contacts.ts";
import type { CaseDeps } from "./deps.ts";
import { AppError } from "./errors.ts";
import { normaliseIdentity } from "./identities.ts";
import { type UnitOfWork, withUnitOfWork } from "./unit-of-work.ts";

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

export type InteractionRow = typeof interactions.$inferSelect;

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

/**
 * The case this message continues, if any: explicit hints first, then the contact's latest case on
 * the channel. The row comes back locked for the rest of the transaction.
 */
async function findThreadCase(
  tx: Tx,
  contactId: string,
  message: InboundMessage,
): Promise<CaseRow | undefined> {
  const hint = message.thread;
  if (hint?.caseId) {
    const [row] = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.id, hint.caseId), eq(cases.contactId, contactId)))
      .for("update");
    if (row) return row;
  }
  if (hint?.referencedExternalIds?.length) {
    const [row] = await tx
      .select({ caseRow: cases })
      .from(interactions)
      .innerJoin(cases, eq(cases.id, interactions.caseId))
      .where(
        and(
          eq(interactions.channel, message.channel),
          inArray(interactions.externalId, hint.referencedExternalIds),
        ),
      )
      .orderBy(desc(interactions.createdAt))
      .limit(1)
      .for("update", { of: cases });
    if (row) return row.caseRow;
  }
  if (hint?.caseNumber !== undefined) {
    // A case token only threads mail from the case's own contact, so a guessed number cannot inject into another case.
    const [row] = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.number, hint.caseNumber), eq(cases.contactId, contactId)))
      .for("update");
    if (row) return row;
  }
  if (hint?.strict) return undefined;
  // The latest open case; failing that the latest closed one, so a follow-up is linked to it.
  const [latest] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.contactId, contactId), eq(cases.channel, message.channel)))
    .orderBy(sql`${cases.state} = 'closed'`, desc(cases.createdAt))
    .limit(1)
    .for("update");
  return latest;
}

async function openCase(
  tx: Tx,
  deps: CaseDeps,
  input: {
    contactId: string;
    message: InboundMessage;
    customerAddress: string;
    linkedCaseId?: string;
    at: Date;
  },
): Promise<CaseRow> {
  const subject = subjectFor(input.message);
  const placement = (await deps.routingHooks?.placeNewCase(tx, {
    channel: input.message.channel,
    contactId: input.contactId,
    channelAddress: input.message.to ?? null,
    subject,
    body: input.message.body,
    priority: "normal",
    queueHint: input.message.queueHint ?? null,
  })) ?? { queueId: input.message.queueHint ?? null };
  const [row] = await tx
    .insert(cases)
    .values({
      contactId: input.contactId,
      channel: input.message.channel,
      subject,
      priority: placement.priority ?? "normal",
      queueId: placement.queueId,
      stickyAgentId: placement.stickyAgentId ?? null,
      customerAddress: input.customerAddress,
      channelAddress: input.message.to ?? null,
      machineSnapshot: initialCaseSnapshot(deps.machine),
      machineVersion: CASE_MACHINE_VERSION,
      linkedCaseId: input.linkedCaseId ?? null,
      createdAt: input.at,
      updatedAt: input.at,
    })
    .returning();
  await writeAudit(tx, {
    caseId: row!.id,
    type: "created",
    actor: { type: "customer", id: input.contactId },
    toState: "new",
    details: {
      channel: input.message.channel,
      ...(input.linkedCaseId ? { linkedCaseId: input.linkedCaseId } : {}),
    },
    at: input.at,
  });
  return row!;
}

export async function ingestInTransaction(
  tx: Tx,
  uow: UnitOfWork,
  deps: CaseDeps,
  message: InboundMessage,
): Promise<IngestResult> {
  if (!message.externalId)
    throw new AppError("VALIDATION", "An inbound message needs the provider's message id (externalId).");
  const at = message.receivedAt ?? deps.clock();
  await advisoryXactLock(tx, LOCK_NAMESPACE.inboundMessage, `${message.channel}:${message.externalId}`);

  const [stored] = await tx
    .select()
    .from(interactions)
    .where(and(eq(interactions.channel, message.channel), eq(interactions.externalId, message.externalId)));
  if (stored) {
    const [caseRow] = await tx.select().from(cases).where(eq(cases.id, stored.caseId));
    return { interaction: stored, case: caseRow!, duplicate: true, caseCreated: false };
  }

  const address = normaliseIdentity(message.from.kind, message.from.address, deps.defaultCountry);
  const { contactId } = await resolveContact(tx, { kind: message.from.kind, address }, message.from.name);
  const customer: Actor = { type: "customer", id: contactId };

  let caseRow: CaseRow | undefined;
  let caseCreated = false;
  const thread = await findThreadCase(tx, contactId, message);
  if (thread) {
    caseRow = thread;
    // A closed case, or one resolved longer ago than the reopen window, is not reopened: the
    // message starts a new case linked to it.
    if (!canAccept(deps.machine, snapshotOf(caseRow), { type: "CUSTOMER_MESSAGE", at: at.getTime() })) {
      caseRow = await openCase(tx, deps, {
        contactId,
        message,
        customerAddress: address,
        linkedCaseId: caseRow.id,
        at,
      });
      caseCreated = true;
    }
  } else {
    caseRow = await openCase(tx, deps, { contactId, message, customerAddress: address, at });
    caseCreated = true;
  }

  const [interaction] = await tx
    .insert(interactions)
    .values({
      caseId: caseRow.id,
      channel: message.channel,
      kind: message.kind ?? "message",
      direction: "inbound",
      body: message.body,
      externalId: message.externalId,
      status: "received",
      metadata: { ...(message.metadata ?? {}), ...(message.subject ? { subject: message.subject } : {}) },
      createdAt: at,
      statusChangedAt: at,
    })
    .returning();

  const applied = await applyCaseEvent(
    tx,
    uow,
    deps,
    caseRow,
    caseCreated ? { type: "ENQUEUE", at: at.getTime() } : { type: "CUSTOMER_MESSAGE", at: at.getTime() },
    customer,
    {},
    {
      lastCustomerMessageAt: at,
      customerAddress: address,
      ...(message.to ? { channelAddress: message.to } : {}),
    },
  );
  uow.emit({
    type: "interaction.created",
    caseId: caseRow.id,
    interactionId: interaction!.id,
    channel: message.channel,
    kind: interaction!.kind,
    direction: "inbound",
    interaction: interaction!,
    assigneeId: applied.row.assigneeId,
  });
  return { interaction: interaction!, case: applied.row, duplicate: false, caseCreated };
}

/** Stores one inbound message; resolves only after the transaction has committed. */
export function ingest(deps: CaseDeps, message: InboundMessage): Promise<IngestResult> {
  return withUnitOfWork(deps, (tx, uow) => ingestInTransaction(tx, uow, deps, message));
}
