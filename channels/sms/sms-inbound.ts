/**
 * Inbound SMS and MMS from Twilio's webhook: normalised into an InboundMessage and ingested in one
 * transaction, deduplicated by MessageSid. Consent keywords are handled in the same transaction:
 * STOP and its synonyms opt the number out, START opts it back in, HELP gets the automatic answer.
 *
 * A contact center wants opt-outs on record, not as work: STOP (and START from an opted-out number)
 * is stored on the customer's latest SMS case so agents see it, but never opens or reopens a case or
 * moves it through its states. HELP is a real message: it opens or continues a case like any other.
 * START from a number that never opted out is an ordinary answer ("Yes") and is ingested as one.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { stateIn } from "../../cases/case-states.ts";
import { type CaseRow, writeAudit } from "../../cases/case-workflow.ts";
import { resolveContact } from "../../cases/contacts.ts";
import type { CaseDeps } from "../../cases/deps.ts";
import { normaliseIdentity } from "../../cases/identities.ts";
import { type InboundMessage, ingestInTransaction } from "../../cases/ingest.ts";
import { deliveryJob } from "../../cases/outbox.ts";
import { type UnitOfWork, withUnitOfWork } from "../../cases/unit-of-work.ts";
import type { Tx } from "../../db/connect.ts";
import { advisoryXactLock, LOCK_NAMESPACE } from "../../db/locks.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { findPhoneNumber } from "../twilio/phone-numbers.ts";
import type { TwilioParams } from "../twilio/webhook-paths.ts";
import {
  CONSENT_ACTIONS,
  type ConsentKeyword,
  helpText,
  optOutMethod,
  parseConsentKeyword,
} from "./consent-keywords.ts";
import { HELP_REPLY_METADATA } from "./sms-sender.ts";

export interface SmsMedia {
  url: string;
  contentType: string | null;
}

/** Twilio sends at most 10 media per MMS. */
const MAX_MEDIA = 10;

const present = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

export function mediaOf(params: TwilioParams): SmsMedia[] {
  const count = Math.min(MAX_MEDIA, Math.max(0, Number.parseInt(params.NumMedia ?? "0", 10) || 0));
  const media: SmsMedia[] = [];
  for (let index = 0; index < count; index++) {
    const url = present(params[`MediaUrl${index}`]);
    if (url) media.push({ url, contentType: present(params[`MediaContentType${index}`]) ?? null });
  }
  return media;
}

/** Where the sender's number is registered, as Twilio looked it up (US and CA numbers mostly). */
function senderLocation(params: TwilioParams) {
  const location = {
    city: present(params.FromCity),
    state: present(params.FromState),
    zip: present(params.FromZip),
    country: present(params.FromCountry),
  };
  return Object.values(location).some(Boolean) ? location : undefined;
}

export function toInboundMessage(params: TwilioParams, queueHint: string | null): InboundMessage {
  const media = mediaOf(params);
  const segments = Number.parseInt(params.NumSegments ?? "", 10);
  const location = senderLocation(params);
  const body = params.Body ?? "";
  return {
    channel: "sms",
    externalId: params.MessageSid ?? "",
    from: { kind: "phone", address: params.From ?? "" },
    to: present(params.To) ?? null,
    body,
    // A picture without words still needs a line in the inbox.
    ...(body.trim() === "" && media.length
      ? { subject: media.length === 1 ? "Picture message" : `Picture message (${media.length} files)` }
      : {}),
    kind: "message",
    queueHint,
    metadata: {
      provider: "twilio",
      numMedia: media.length,
      ...(media.length ? { media } : {}),
      ...(Number.isFinite(segments) ? { segments } : {}),
      ...(location ? { senderLocation: location } : {}),
      ...(present(params.MessagingServiceSid) ? { messagingServiceSid: params.MessagingServiceSid } : {}),
    },
  };
}

export interface SmsReceipt {
  interactionId: string | null;
  caseId: string | null;
  duplicate: boolean;
  consent: ConsentKeyword | null;
}

/** The customer's SMS case a consent keyword belongs on: the latest open one, else the latest closed one. */
async function latestSmsCase(tx: Tx, contactId: string): Promise<CaseRow | undefined> {
  const [row] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.contactId, contactId), eq(cases.channel, "sms")))
    .orderBy(stateIn(cases.state, "final"), desc(cases.createdAt))
    .limit(1)
    .for("update");
  return row;
}

async function recordConsent(
  tx: Tx,
  uow: UnitOfWork,
  deps: CaseDeps,
  message: InboundMessage,
  consent: ConsentKeyword,
): Promise<SmsReceipt> {
  await advisoryXactLock(tx, LOCK_NAMESPACE.inboundMessage, `${message.channel}:${message.externalId}`);
  const [stored] = await tx
    .select({ id: interactions.id, caseId: interactions.caseId })
    .from(interactions)
    .where(and(eq(interactions.channel, "sms"), eq(interactions.externalId, message.externalId)));
  if (stored) return { interactionId: stored.id, caseId: stored.caseId, duplicate: true, consent };

  const address = normaliseIdentity("phone", message.from.address, deps.defaultCountry);
  const { contactId } = await resolveContact(tx, uow, { kind: "phone", address });
  const at = deps.clock();
  const optingOut = consent.action === CONSENT_ACTIONS.optOut;
  // A second STOP keeps the first one's time and keyword: that is when consent ended.
  await tx
    .update(contactIdentities)
    .set(
      optingOut
        ? {
            optedOutAt: sql`coalesce(${contactIdentities.optedOutAt}, ${at.toISOString()}::timestamptz)`,
            optOutMethod: sql`coalesce(${contactIdentities.optOutMethod}, ${optOutMethod(consent.keyword)})`,
          }
        : { optedOutAt: null, optOutMethod: null },
    )
    .where(and(eq(contactIdentities.kind, "phone"), eq(contactIdentities.address, address)));

  const thread = await latestSmsCase(tx, contactId);
  if (!thread) return { interactionId: null, caseId: null, duplicate: false, consent };
  const [interaction] = await tx
    .insert(interactions)
    .values({
      caseId: thread.id,
      channel: "sms",
      kind: "message",
      direction: "inbound",
      body: message.body,
      externalId: message.externalId,
      status: "received",
      metadata: {
        ...(message.metadata ?? {}),
        consent: { action: consent.action, keyword: consent.keyword },
      },
      createdAt: at,
      statusChangedAt: at,
    })
    .returning();
  await tx
    .update(cases)
    .set({ updatedAt: sql`greatest(${cases.updatedAt}, ${at.toISOString()}::timestamptz)` })
    .where(eq(cases.id, thread.id));
  await writeAudit(tx, {
    caseId: thread.id,
    type: optingOut ? "opted_out" : "opted_in",
    actor: { type: "customer", id: contactId },
    details: { channel: "sms", keyword: consent.keyword, address },
    at,
  });
  uow.emit({
    type: "interaction.created",
    caseId: thread.id,
    interactionId: interaction!.id,
    channel: "sms",
    kind: "message",
    direction: "inbound",
    interaction: interaction!,
    assigneeId: thread.assigneeId,
  });
  return { interactionId: interaction!.id, caseId: thread.id, duplicate: false, consent };
}

async function queueHelpReply(tx: Tx, uow: UnitOfWork, deps: CaseDeps, row: CaseRow, senderName?: string) {
  const at = deps.clock();
  const [reply] = await tx
    .insert(interactions)
    .values({
      caseId: row.id,
      channel: "sms",
      kind: "message",
      direction: "outbound",
      body: helpText(senderName),
      status: "queued",
      metadata: { ...HELP_REPLY_METADATA },
      createdAt: at,
      statusChangedAt: at,
    })
    .returning();
  uow.emit({
    type: "interaction.created",
    caseId: row.id,
    interactionId: reply!.id,
    channel: "sms",
    kind: "message",
    direction: "outbound",
    interaction: reply!,
    assigneeId: row.assigneeId,
  });
  const delivery = deliveryJob(reply!.id);
  uow.schedule(delivery.name, delivery.data, delivery.options);
}

async function isOptedOut(tx: Tx, deps: CaseDeps, rawAddress: string): Promise<boolean> {
  const address = normaliseIdentity("phone", rawAddress, deps.defaultCountry);
  const [identity] = await tx
    .select({ optedOutAt: contactIdentities.optedOutAt })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.kind, "phone"), eq(contactIdentities.address, address)));
  return Boolean(identity?.optedOutAt);
}

/** Stores one inbound SMS; resolves only after the transaction has committed. */
export async function receiveSms(deps: CaseDeps, params: TwilioParams): Promise<SmsReceipt> {
  const number = await findPhoneNumber(deps.db, params.To);
  const message = toInboundMessage(params, number?.queueId ?? null);
  const consent = parseConsentKeyword(message.body);
  return withUnitOfWork(deps, async (tx, uow) => {
    if (consent?.action === CONSENT_ACTIONS.optOut) return recordConsent(tx, uow, deps, message, consent);
    if (consent?.action === CONSENT_ACTIONS.optIn && (await isOptedOut(tx, deps, message.from.address)))
      return recordConsent(tx, uow, deps, message, consent);
    const result = await ingestInTransaction(tx, uow, deps, message);
    if (!result.duplicate && consent?.action === CONSENT_ACTIONS.help)
      await queueHelpReply(tx, uow, deps, result.case, number?.name);
    return {
      interactionId: result.interaction.id,
      caseId: result.case.id,
      duplicate: result.duplicate,
      consent,
    };
  });
}
