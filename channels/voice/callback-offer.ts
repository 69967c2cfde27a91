/**
 * Callbacks for waiting callers: a supervisor offers them (an SLA remedy when a voice queue falls
 * behind), each caller still holding hears the offer at once (a REST redirect of the live call) or
 * at their next round of hold music, and one who presses 1 hangs up keeping their place: the case
 * stays queued, is routed like any other, and the agent who takes it calls the customer back. The
 * caller is no longer waiting on the line, so they can no longer abandon.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { stateIn } from "../../cases/case-states.ts";
import { writeAudit } from "../../cases/case-workflow.ts";
import type { Executor } from "../../db/connect.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import type { TwilioParams } from "../twilio/webhook-paths.ts";
import { callMetadata, findCall, patchCall } from "./call-records.ts";
import { HOLDING, holdStep } from "./hold.ts";
import { CALLBACK_CONFIRMED, callbackOfferVerbs, goodbyeVerbs, renderTwiml } from "./twiml.ts";
import { type VoiceDeps, voiceUrls } from "./voice-deps.ts";

export interface WaitingCaller {
  caseId: string;
  caseNumber: number;
  callId: string;
  callSid: string;
}

/**
 * Callers holding on the line, not yet offered a callback: in one queue, or on the given cases.
 * Oldest first.
 */
export async function waitingCallers(
  executor: Executor,
  where: { queueId?: string; caseIds?: string[] },
): Promise<WaitingCaller[]> {
  if (!where.queueId && !where.caseIds?.length) return [];
  const phase = sql`${interactions.metadata}->>'phase'`;
  const rows = await executor
    .select({
      caseId: cases.id,
      caseNumber: cases.number,
      callId: interactions.id,
      callSid: sql<string>`${interactions.metadata}->>'callSid'`,
    })
    .from(interactions)
    .innerJoin(cases, eq(cases.id, interactions.caseId))
    .where(
      and(
        eq(interactions.kind, "call"),
        eq(interactions.channel, "voice"),
        eq(phase, "waiting"),
        isNull(sql`${interactions.metadata}->>'callbackOffer'`),
        stateIn(cases.state, "inQueue"),
        where.queueId ? eq(cases.queueId, where.queueId) : undefined,
        where.caseIds?.length ? inArray(cases.id, where.caseIds) : undefined,
      ),
    )
    .orderBy(interactions.createdAt);
  return rows;
}

/** Offers a callback to each caller still holding; returns how many were offered one. */
export async function offerCallbacks(deps: VoiceDeps, callers: WaitingCaller[]): Promise<number> {
  const twiml = renderTwiml(callbackOfferVerbs(voiceUrls(deps.publicUrl)));
  let offered = 0;
  for (const caller of callers) {
    // Only a caller still holding: one being connected or in voicemail is left alone.
    const marked = await patchCall(deps.cases.db, caller.callId, { callbackOffer: "offered" }, ["waiting"]);
    if (!marked) continue;
    offered += 1;
    try {
      await deps.twilio.updateCall(caller.callSid, twiml);
    } catch (error) {
      // Their next round of hold music asks instead (holdStep).
      deps.log.warn({ err: error, caseId: caller.caseId }, "could not offer a callback at once");
    }
  }
  return offered;
}

/** The caller answered the callback offer (Gather's action), or let it pass. */
export async function answerCallbackOffer(deps: VoiceDeps, params: TwilioParams): Promise<string> {
  const call = await findCall(deps.cases.db, params.CallSid);
  if (!call) return renderTwiml(goodbyeVerbs("Sorry, we lost track of your call. Please call us again."));
  if (params.Digits === "1") {
    const [caseRow] = await deps.cases.db.select().from(cases).where(eq(cases.id, call.caseId));
    const now = deps.cases.clock();
    const number = caseRow?.customerAddress ?? "";
    const chosen = await patchCall(
      deps.cases.db,
      call.id,
      { phase: "callback", callbackOffer: "accepted", callback: { requestedAt: now.toISOString(), number } },
      HOLDING,
    );
    if (chosen) {
      await deps.ports.cancelWaitTimeout(call.id);
      await writeAudit(deps.cases.db, {
        caseId: call.caseId,
        type: "callback_requested",
        actor: { type: "system" },
        details: { callId: call.id, number },
        at: now,
      });
      return renderTwiml(goodbyeVerbs(CALLBACK_CONFIRMED));
    }
    // Connected or sent on meanwhile: carry on from where the call is.
  } else if (callMetadata(call).callbackOffer === "offered") {
    await patchCall(deps.cases.db, call.id, { callbackOffer: "declined" }, HOLDING);
  }
  return renderTwiml(await holdStep(deps, call.id));
}
