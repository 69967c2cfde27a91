/**
 * Preview mode's call: the agent decided to call the record in front of them. Twilio first rings the
 * agent's browser softphone (`client:agent-<id>`); once they answer, it dials the customer from the
 * campaign's number, ringing at least the campaign's ring time, and tells us how that leg ended.
 */
import { and, eq, isNull } from "drizzle-orm";
import { AppError } from "../cases/errors.ts";
import { campaigns, dialAttempts } from "../db/schema/outbound.ts";
import { finishAttempt, UNANSWERED, webhook } from "./dialer.ts";
import type { OutboundDeps } from "./ports.ts";
import { escapeXml, twiml } from "./twiml.ts";

/** Why nobody can call: said before a campaign starts, and when an agent tries. */
export const CALLS_NEED_TWILIO =
  "Calls need Twilio: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and restart. Until then agents see records but cannot call them.";

export async function callPreviewRecord(deps: OutboundDeps, input: { recordId: string; agentId: string }) {
  const [attempt] = await deps.db
    .select()
    .from(dialAttempts)
    .where(
      and(
        eq(dialAttempts.recordId, input.recordId),
        eq(dialAttempts.agentId, input.agentId),
        eq(dialAttempts.kind, "dial"),
        eq(dialAttempts.status, "queued"),
        isNull(dialAttempts.disposition),
      ),
    );
  if (!attempt)
    throw new AppError(
      "CONFLICT",
      "This record is not waiting for your call: ask for it with GET /api/outbound/campaigns/:id/next.",
    );
  if (!deps.calls) throw new AppError("CONFLICT", CALLS_NEED_TWILIO);
  const [campaign] = await deps.db.select().from(campaigns).where(eq(campaigns.id, attempt.campaignId));
  const { sid } = await deps.calls.placeCall({
    to: `client:agent-${input.agentId}`,
    from: campaign!.callerId,
    url: webhook(deps, "bridge", attempt.id),
    timeoutSeconds: campaign!.ringSeconds,
    machineDetection: false,
  });
  await deps.db
    .update(dialAttempts)
    .set({ status: "ringing", callSid: sid })
    .where(and(eq(dialAttempts.id, attempt.id), eq(dialAttempts.status, "queued")));
  return { attemptId: attempt.id, callSid: sid };
}

/** The agent answered their softphone: dial the customer. */
export async function bridgePreviewCall(deps: OutboundDeps, attemptId: string): Promise<string> {
  const [attempt] = await deps.db.select().from(dialAttempts).where(eq(dialAttempts.id, attemptId));
  if (!attempt || attempt.disposition || !["queued", "ringing"].includes(attempt.status))
    return twiml("<Say>This call is no longer needed.</Say><Hangup/>");
  const [campaign] = await deps.db.select().from(campaigns).where(eq(campaigns.id, attempt.campaignId));
  const action = escapeXml(webhook(deps, "dialResult", attempt.id));
  return twiml(
    `<Dial callerId="${escapeXml(campaign!.callerId)}" timeout="${campaign!.ringSeconds}" action="${action}" method="POST"><Number>${escapeXml(attempt.phone)}</Number></Dial>`,
  );
}

/** How the customer's leg ended: unanswered calls follow the retry rules; answered ones await the agent's disposition. */
export async function recordPreviewDialResult(
  deps: OutboundDeps,
  attemptId: string,
  dialCallStatus: string,
): Promise<string> {
  const unanswered = UNANSWERED[dialCallStatus];
  if (unanswered) {
    await finishAttempt(deps, attemptId, unanswered, `call ${dialCallStatus}`);
  } else {
    const now = deps.clock();
    await deps.db
      .update(dialAttempts)
      .set({ status: "completed", answeredAt: now, endedAt: now })
      .where(and(eq(dialAttempts.id, attemptId), isNull(dialAttempts.disposition)));
  }
  return twiml("<Hangup/>");
}
