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
import { finishAttempt, lockCampaign } from "./dialer.ts";
import type { OutboundDeps } from "./ports.ts";
import { escapeXml, twiml } from "./twiml.ts";

const HANG_UP = twiml("<Hangup/>");

/** Seconds the agent's browser rings for an answered customer before the call ends. */
const AGENT_RING_SECONDS = 15;

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
    case "agent":
      return twiml(`<Dial timeout="${AGENT_RING_SECONDS}"><Client>agent-${answer.agentId}</Client></Dial>`);
  }
}

const UNANSWERED: Record<string, "no_answer" | "busy" | "failed"> = {
  "no-answer": "no_answer",
  busy: "busy",
  failed: "failed",
  canceled: "no_answer",
};

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
