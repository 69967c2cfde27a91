/**
 * A call to one of our numbers: it becomes a case for the caller (one per CallSid, however often
 * Twilio retries), the caller hears the number's greeting and voice menu, the chosen option moves
 * the case to that option's queue, and then the caller holds until routing finds an agent.
 */
import { eq } from "drizzle-orm";
import { caseStateHas } from "../../cases/case-states.ts";
import { normalisePhone } from "../../cases/identities.ts";
import { ingest } from "../../cases/ingest.ts";
import { cases } from "../../db/schema/cases.ts";
import { findPhoneNumber, type PhoneNumberRow } from "../twilio/phone-numbers.ts";
import type { TwilioParams } from "../twilio/webhook-paths.ts";
import { type CallMetadata, callMetadata, findCall, patchCall } from "./call-records.ts";
import { holdStep, numberOfCall } from "./hold.ts";
import { goodbyeVerbs, menuVerbs, renderTwiml, type Verb } from "./twiml.ts";
import { type VoiceDeps, voiceUrls } from "./voice-deps.ts";

const HIDDEN_NUMBER =
  "Sorry, we cannot take calls from a hidden or unknown number. Please call again with your number shown. Goodbye.";

/** Where Twilio located the caller's number. */
function callerLocation(params: TwilioParams) {
  const location = {
    city: params.FromCity || undefined,
    state: params.FromState || undefined,
    zip: params.FromZip || undefined,
    country: params.FromCountry || undefined,
  };
  return Object.values(location).some(Boolean) ? location : undefined;
}

function greetingOf(number: PhoneNumberRow | undefined): Verb[] {
  return number?.greeting ? [{ verb: "say", text: number.greeting }] : [];
}

export async function answerIncomingCall(deps: VoiceDeps, params: TwilioParams): Promise<string> {
  const callSid = params.CallSid ?? "";
  const number = await findPhoneNumber(deps.cases.db, params.To);
  let caller: string;
  try {
    caller = normalisePhone(params.From ?? "", deps.cases.defaultCountry);
  } catch {
    // Withheld and anonymous callers have no number to be a contact by.
    return renderTwiml(goodbyeVerbs(HIDDEN_NUMBER));
  }
  const hasMenu = (number?.ivr.length ?? 0) > 0;
  const now = deps.cases.clock();
  const location = callerLocation(params);
  const metadata: CallMetadata & Record<string, unknown> = {
    callSid,
    direction: "inbound",
    phase: hasMenu ? "menu" : "waiting",
    callStatus: params.CallStatus,
    numberId: number?.id ?? null,
    ...(hasMenu ? {} : { waitStartedAt: now.toISOString() }),
    ...(location ? { callerLocation: location } : {}),
  };
  const result = await ingest(deps.cases, {
    channel: "voice",
    kind: "call",
    externalId: callSid,
    from: { kind: "phone", address: caller },
    to: number?.number ?? params.To ?? null,
    body: `Call from ${caller}`,
    receivedAt: now,
    queueHint: number?.queueId ?? null,
    metadata,
  });
  const call = result.interaction;
  if (!result.duplicate) {
    if (result.caseCreated) await patchCall(deps.cases.db, call.id, { openedCase: true });
    if (!hasMenu) await deps.ports.scheduleWaitTimeout(call.id, deps.waitMs);
  }
  const greeting = greetingOf(number);
  if (callMetadata(call).phase === "menu" && number) {
    return renderTwiml([...greeting, ...menuVerbs(number.ivr, { menu: voiceUrls(deps.publicUrl).menu })]);
  }
  return renderTwiml([...greeting, ...(await holdStep(deps, call.id))]);
}

/** The caller chose an option: the case moves to that option's queue, unless an agent already has it. */
async function chooseQueue(deps: VoiceDeps, caseId: string, queueId: string): Promise<void> {
  const [row] = await deps.cases.db
    .select({ state: cases.state, queueId: cases.queueId })
    .from(cases)
    .where(eq(cases.id, caseId));
  if (!row || row.queueId === queueId || !caseStateHas(row.state, "awaitingAgent")) return;
  try {
    await deps.ports.moveToQueue(caseId, queueId);
  } catch (error) {
    // A menu pointing at a deleted queue must not drop the call: the caller holds in the number's queue.
    deps.log.warn({ err: error, caseId, queueId }, "voice menu option's queue could not be used");
  }
}

export async function answerMenu(deps: VoiceDeps, params: TwilioParams): Promise<string> {
  const call = await findCall(deps.cases.db, params.CallSid);
  if (!call) return answerIncomingCall(deps, params);
  const meta = callMetadata(call);
  const before: Verb[] = [];
  if (meta.phase === "menu") {
    const [caseRow] = await deps.cases.db.select().from(cases).where(eq(cases.id, call.caseId));
    const number = caseRow ? await numberOfCall(deps, meta, caseRow) : undefined;
    const digit = (params.Digits ?? "").trim();
    const option = number?.ivr.find((candidate) => candidate.digit === digit);
    const now = deps.cases.clock();
    const chosen = await patchCall(
      deps.cases.db,
      call.id,
      {
        phase: "waiting",
        waitStartedAt: now.toISOString(),
        menuChoice: option
          ? { digit, label: option.label, queueId: option.queueId, valid: true }
          : { digit, valid: false },
      },
      ["menu"],
    );
    if (chosen) {
      await deps.ports.scheduleWaitTimeout(call.id, deps.waitMs);
      if (option) await chooseQueue(deps, call.caseId, option.queueId);
      else if (digit)
        before.push({ verb: "say", text: "Sorry, that is not one of the options. Please hold." });
    }
  }
  return renderTwiml([...before, ...(await holdStep(deps, call.id))]);
}

export async function answerWait(deps: VoiceDeps, params: TwilioParams): Promise<string> {
  const call = await findCall(deps.cases.db, params.CallSid);
  if (!call) return renderTwiml(goodbyeVerbs("Sorry, we lost track of your call. Please call us again."));
  return renderTwiml(await holdStep(deps, call.id));
}
