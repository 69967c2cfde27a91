/**
 * What Twilio tells us about a dialled call. When someone answers, Twilio asks for TwiML: a person
 * is put through to a free agent of the campaign (the one a callback was promised by, if free), or,
 * with nobody free, hears the campaign's apology at once and the call counts as abandoned; an
 * answering machine gets the campaign's voicemail drop, if any. Status callbacks finish calls that
 * were never answered (no answer, busy, failed) and close the ones that were.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../db/connect.ts";
import { campaigns, dialAttempts } from "../db/schema/outbound.ts";
import { freeAgentsFor } from "./campaign-agents.ts";
import { finishAttempt, lockCampaign, UNANSWERED, webhook } from "./dialer.ts";
import type { OutboundDeps } from "./ports.ts";
import { escapeXml, twiml } from "./twiml.ts";

const HANG_UP = twiml("<Hangup/>");

/**
 * Seconds the agent's browser rings for an answered customer (Twilio's shortest Dial timeout). The
 * console answers campaign calls by itself, so this only runs out when the agent's browser is gone
 * or refuses; then the customer hears the apology and the call counts as abandoned.
 */
export const AGENT_RING_SECONDS = 5;

/** Why an agent who let a campaign call go unanswered was set away. */
export const MISSED_CAMPAIGN_CALL = "Did not pick up a campaign call";

export type CallParams = Record<string, string | undefined>;

type Answer =
  | { kind: "agent"; agentId: string }
  | { kind: "abandoned"; message: string }
  | { kind: "machine"; dropUrl: string | null }
  | { kind: "gone" };

export async function answerOutboundCall(
  deps: OutboundDeps,
  attemptId: string,
  params: CallParams,
): Promise<string> {
  const answeredBy = params.AnsweredBy ?? "";
  const machine = answeredBy.startsWith("machine") || answeredBy === "fax";
  const answer = await deps.db.transaction(async (raw): Promise<Answer> => {
    const tx = raw as Tx;
    const [found] = await tx.select().from(dialAttempts).where(eq(dialAttempts.id, attemptId));
    if (!found) return { kind: "gone" };
    // Agents are handed out one answered call at a time per campaign.
    await lockCampaign(tx, found.campaignId, true);
    const [attempt] = await tx
      .select()
      .from(dialAttempts)
      .where(eq(dialAttempts.id, attemptId))
      .for("update");
    const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, found.campaignId));
    if (!attempt || !campaign || !["queued", "ringing"].includes(attempt.status)) return { kind: "gone" };
    const now = deps.clock();
    if (machine) return { kind: "machine", dropUrl: campaign.voicemailDropUrl };
    const free = await freeAgentsFor(tx, campaign, now, attemptId);
    const promised = attempt.agentId ? free.agents.find((agent) => agent.id === attempt.agentId) : undefined;
    const agent = promised ?? free.agents[0];
    if (!agent) {
      await tx.update(dialAttempts).set({ answeredAt: now }).where(eq(dialAttempts.id, attemptId));
      return { kind: "abandoned", message: campaign.abandonMessage };
    }
    await tx
      .update(dialAttempts)
      .set({ status: "connected", agentId: agent.id, answeredAt: now })
      .where(eq(dialAttempts.id, attemptId));
    return { kind: "agent", agentId: agent.id };
  });
  switch (answer.kind) {
    case "gone":
      return HANG_UP;
    case "machine":
      await finishAttempt(deps, attemptId, "answering_machine", `answered by ${answeredBy}`);
      return answer.dropUrl ? twiml(`<Play>${escapeXml(answer.dropUrl)}</Play><Hangup/>`) : HANG_UP;
    case "abandoned":
      await finishAttempt(deps, attemptId, "abandoned", "answered with no agent free: apology played");
      return twiml(`<Say>${escapeXml(answer.message)}</Say><Hangup/>`);
    case "agent": {
      const action = escapeXml(webhook(deps, "agentResult", attemptId));
      return twiml(
        `<Dial timeout="${AGENT_RING_SECONDS}" action="${action}" method="POST"><Client>agent-${answer.agentId}</Client></Dial>`,
      );
    }
  }
}

/**
 * How the agent's leg of an answered call ended. A talk that took place needs nothing more; an
 * agent whose browser did not pick up leaves a customer who answered with nobody there, so the
 * customer hears the apology, the call counts as abandoned, and the agent is set away so the dialer
 * stops calling people for them.
 */
export async function recordAgentLegResult(
  deps: OutboundDeps,
  attemptId: string,
  dialCallStatus: string,
): Promise<string> {
  if (!UNANSWERED[dialCallStatus]) return HANG_UP;
  const [row] = await deps.db
    .select({ attempt: dialAttempts, abandonMessage: campaigns.abandonMessage })
    .from(dialAttempts)
    .innerJoin(campaigns, eq(campaigns.id, dialAttempts.campaignId))
    .where(eq(dialAttempts.id, attemptId));
  if (row?.attempt.status !== "connected" || row.attempt.disposition) return HANG_UP;
  await finishAttempt(
    deps,
    attemptId,
    "abandoned",
    `answered, but the agent's browser did not pick up within ${AGENT_RING_SECONDS} s (${dialCallStatus}): apology played`,
  );
  if (row.attempt.agentId) await deps.presence.setAway(row.attempt.agentId, MISSED_CAMPAIGN_CALL);
  return twiml(`<Say>${escapeXml(row.abandonMessage)}</Say><Hangup/>`);
}

export async function recordOutboundStatus(
  deps: OutboundDeps,
  attemptId: string,
  params: CallParams,
): Promise<void> {
  const status = params.CallStatus ?? "";
  const [attempt] = await deps.db.select().from(dialAttempts).where(eq(dialAttempts.id, attemptId));
  if (!attempt) return;
  const now = deps.clock();
  if (status === "ringing" || status === "initiated") {
    await deps.db
      .update(dialAttempts)
      .set({ status: "ringing", ...(params.CallSid && !attempt.callSid ? { callSid: params.CallSid } : {}) })
      .where(and(eq(dialAttempts.id, attemptId), eq(dialAttempts.status, "queued")));
    return;
  }
  const unanswered = UNANSWERED[status];
  if (unanswered) {
    if (["queued", "ringing"].includes(attempt.status))
      await finishAttempt(deps, attemptId, unanswered, `call ${status}`);
    return;
  }
  if (status === "completed") {
    if (["queued", "ringing"].includes(attempt.status)) {
      // Ended without anyone answering through us: the callee never picked up.
      await finishAttempt(deps, attemptId, "no_answer", "call completed without an answer");
      return;
    }
    await deps.db
      .update(dialAttempts)
      .set({ endedAt: now, ...(attempt.status === "connected" ? { status: "completed" as const } : {}) })
      .where(
        and(
          eq(dialAttempts.id, attemptId),
          inArray(dialAttempts.status, ["connected", "abandoned", "answering_machine"]),
        ),
      );
  }
}
