/**
 * Calling the customer of a case. With browser calling the console places the call through the
 * Twilio Voice SDK and our TwiML app answers with a dial to the customer; without it Twilio first
 * rings the agent's phone (the number's fallback phone) and, once answered, dials the customer.
 * Either way the call is an outbound interaction on the case, shown from our number.
 */
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import { applyCaseEvent, type CaseRow, lockCase } from "../../cases/case-workflow.ts";
import { AppError, isAppError, notFound } from "../../cases/errors.ts";
import { normalisePhone } from "../../cases/identities.ts";
import type { InteractionRow } from "../../cases/ingest.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import type { Executor } from "../../db/connect.ts";
import { agents } from "../../db/schema/agents.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { phoneNumbers } from "../../db/schema/channels.ts";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { findPhoneNumber, firstPhoneNumber, type PhoneNumberRow } from "../twilio/phone-numbers.ts";
import { type TwilioParams, webhookUrl } from "../twilio/webhook-paths.ts";
import type { CallMetadata } from "./call-records.ts";
import { connectVerbs, goodbyeVerbs, renderTwiml } from "./twiml.ts";
import { agentOfClient, type VoiceDeps, voiceUrls } from "./voice-deps.ts";

/** How long the customer's phone rings. */
const CUSTOMER_RING_SECONDS = 30;
const E164 = /^\+[1-9]\d{6,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PHONE_CHANNELS = new Set<CaseRow["channel"]>(["sms", "voice", "whatsapp"]);

/** Every number the case's customer may be called on. */
async function customerPhones(executor: Executor, caseRow: CaseRow): Promise<string[]> {
  const identities = await executor
    .select({ address: contactIdentities.address })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, caseRow.contactId), eq(contactIdentities.kind, "phone")))
    .orderBy(asc(contactIdentities.createdAt));
  const own = PHONE_CHANNELS.has(caseRow.channel) ? [caseRow.customerAddress] : [];
  return [...new Set([...own, ...identities.map((identity) => identity.address)])];
}

/** Our number the customer sees: the one they wrote to or called, else the first one set up. */
async function callerIdFor(
  executor: Executor,
  caseRow: CaseRow,
): Promise<{ callerId: string; row?: PhoneNumberRow }> {
  const own = await findPhoneNumber(executor, caseRow.channelAddress);
  if (own) return { callerId: own.number, row: own };
  if (PHONE_CHANNELS.has(caseRow.channel) && caseRow.channelAddress && E164.test(caseRow.channelAddress))
    return { callerId: caseRow.channelAddress };
  const first = await firstPhoneNumber(executor);
  if (first) return { callerId: first.number, row: first };
  throw new AppError(
    "CONFLICT",
    "There is no phone number to call from: add one of your Twilio numbers under Phone numbers (POST /api/phone-numbers).",
  );
}

async function agentPhone(executor: Executor, row: PhoneNumberRow | undefined): Promise<string | null> {
  if (row?.fallbackNumber) return row.fallbackNumber;
  const [any] = await executor
    .select({ fallbackNumber: phoneNumbers.fallbackNumber })
    .from(phoneNumbers)
    .where(isNotNull(phoneNumbers.fallbackNumber))
    .orderBy(asc(phoneNumbers.createdAt))
    .limit(1);
  return any?.fallbackNumber ?? null;
}

/** The case, or undefined when there is none; a database that fails says so (it is not "no case"). */
async function findCase(executor: Executor, caseId: string): Promise<CaseRow | undefined> {
  const [row] = await executor.select().from(cases).where(eq(cases.id, caseId));
  return row;
}

async function loadCase(executor: Executor, caseId: string): Promise<CaseRow> {
  const row = await findCase(executor, caseId);
  if (!row) throw notFound("Case", caseId);
  return row;
}

/** The outbound call on the case's timeline (once per CallSid); it counts as the agent's response. */
async function recordOutboundCall(
  deps: VoiceDeps,
  input: {
    caseId: string;
    callSid: string;
    agentId: string;
    to: string;
    callerId: string;
    target: "browser" | "phone";
  },
): Promise<InteractionRow> {
  return withUnitOfWork(deps.cases, async (tx, uow) => {
    const row = await lockCase(tx, input.caseId);
    const at = deps.cases.clock();
    const metadata: CallMetadata = {
      callSid: input.callSid,
      direction: "outbound",
      phase: "connecting",
      agentId: input.agentId,
      target: input.target,
      to: input.to,
      callerId: input.callerId,
    };
    const [call] = await tx
      .insert(interactions)
      .values({
        caseId: row.id,
        channel: "voice",
        kind: "call",
        direction: "outbound",
        authorAgentId: input.agentId,
        body: `Call to ${input.to}`,
        externalId: input.callSid,
        status: "sent",
        metadata: metadata as unknown as Record<string, unknown>,
        createdAt: at,
        statusChangedAt: at,
      })
      .onConflictDoNothing()
      .returning();
    if (!call) {
      const [stored] = await tx
        .select()
        .from(interactions)
        .where(and(eq(interactions.channel, "voice"), eq(interactions.externalId, input.callSid)));
      return stored!;
    }
    await applyCaseEvent(
      tx,
      uow,
      deps.cases,
      row,
      { type: "AGENT_REPLIED", agentId: input.agentId, at: at.getTime() },
      { type: "agent", id: input.agentId },
      { call: input.callSid },
      row.firstResponseAt ? {} : { firstResponseAt: at },
    );
    uow.emit({
      type: "interaction.created",
      caseId: row.id,
      interactionId: call.id,
      channel: "voice",
      kind: "call",
      direction: "outbound",
      interaction: call,
      assigneeId: row.assigneeId,
    });
    return call;
  });
}

export type ClickToCall =
  | { mode: "browser"; to: string; callerId: string; params: { To: string; caseId: string } }
  | {
      mode: "phone";
      to: string;
      callerId: string;
      agentPhone: string;
      callSid: string;
      interaction: InteractionRow;
    };

export async function startClickToCall(
  deps: VoiceDeps,
  input: { caseId: string; agentId: string },
): Promise<ClickToCall> {
  const caseRow = await loadCase(deps.cases.db, input.caseId);
  const [to] = await customerPhones(deps.cases.db, caseRow);
  if (!to)
    throw new AppError("CONFLICT", `Case #${caseRow.number}'s contact has no phone number to call.`, {
      caseId: caseRow.id,
    });
  const { callerId, row } = await callerIdFor(deps.cases.db, caseRow);
  // The console places the call itself; our TwiML app records it when Twilio asks what to dial.
  if (deps.browserCalling) return { mode: "browser", to, callerId, params: { To: to, caseId: caseRow.id } };
  const phone = await agentPhone(deps.cases.db, row);
  if (!phone) {
    throw new AppError(
      "CONFLICT",
      "Calls need either browser calling (set TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID) or a fallback phone on a phone number (PATCH /api/phone-numbers/:id with fallbackNumber).",
    );
  }
  const { sid } = await deps.twilio.createCall({
    to: phone,
    from: callerId,
    url: webhookUrl(deps.publicUrl, "connect", { case: caseRow.id }),
    statusCallback: webhookUrl(deps.publicUrl, "status"),
  });
  const interaction = await recordOutboundCall(deps, {
    caseId: caseRow.id,
    callSid: sid,
    agentId: input.agentId,
    to,
    callerId,
    target: "phone",
  });
  return { mode: "phone", to, callerId, agentPhone: phone, callSid: sid, interaction };
}

function dialCustomer(deps: VoiceDeps, to: string, callerId: string, announcement?: string): string {
  const urls = voiceUrls(deps.publicUrl);
  return renderTwiml(
    connectVerbs(
      { kind: "number", address: to },
      {
        ...(announcement ? { announcement } : {}),
        callerId,
        ringSeconds: CUSTOMER_RING_SECONDS,
        urls: { dialStatus: urls.dialStatus, recording: urls.recording, status: urls.status },
      },
    ),
  );
}

const refuse = (text: string) => renderTwiml(goodbyeVerbs(text));

/**
 * The TwiML app's voice URL: an agent's browser places a call. Only the customer of the case it
 * names may be dialled, so a leaked browser token cannot call anywhere else at our cost.
 */
export async function answerBrowserCall(deps: VoiceDeps, params: TwilioParams): Promise<string> {
  const agentId = agentOfClient(params.From ?? params.Caller);
  if (!agentId) return refuse("This line only places calls for signed-in agents.");
  const [agent] = await deps.cases.db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.id, agentId), isNull(agents.deactivatedAt)));
  if (!agent) return refuse("This agent account cannot place calls.");
  if (!UUID.test(params.caseId ?? "")) return refuse("Open a case to call its customer.");
  const caseRow = await findCase(deps.cases.db, params.caseId!);
  if (!caseRow) return refuse("That case does not exist.");
  let to: string;
  try {
    to = normalisePhone(params.To ?? "", deps.cases.defaultCountry);
  } catch {
    return refuse("That is not a phone number.");
  }
  if (!(await customerPhones(deps.cases.db, caseRow)).includes(to))
    return refuse("Only the customer of the case can be called from it.");
  let callerId: string;
  try {
    callerId = (await callerIdFor(deps.cases.db, caseRow)).callerId;
  } catch (error) {
    if (isAppError(error)) return refuse("There is no phone number to call from.");
    throw error;
  }
  await recordOutboundCall(deps, {
    caseId: caseRow.id,
    callSid: params.CallSid ?? "",
    agentId,
    to,
    callerId,
    target: "browser",
  });
  return dialCustomer(deps, to, callerId);
}

/** Click-to-call without browser calling: the agent answered their phone, now dial the customer. */
export async function answerAgentPhone(
  deps: VoiceDeps,
  params: TwilioParams,
  caseId: string,
): Promise<string> {
  const caseRow = await findCase(deps.cases.db, caseId);
  if (!caseRow) return refuse("That case does not exist any more.");
  const [to] = await customerPhones(deps.cases.db, caseRow);
  if (!to) return refuse("The customer has no phone number.");
  const callerId =
    params.From && E164.test(params.From)
      ? params.From
      : (await callerIdFor(deps.cases.db, caseRow)).callerId;
  return dialCustomer(deps, to, callerId, `Calling case ${caseRow.number}.`);
}
