/**
 * The dialer: one pass over a running campaign decides, under the campaign's advisory lock (one
 * pass per campaign at a time across processes), how many lines to dial, checks each due record
 * (do-not-call, opt-out, calling window) and writes every dial and every skip with its explanation.
 * Calls are placed after the decision commits; a failed placement is recorded and retried by rule.
 * Twilio then reports the call: a person answering is put through to a free agent of the campaign,
 * or hears the campaign's apology at once and the call counts as abandoned.
 */
import { and, asc, eq, gte, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Executor, Tx } from "../db/connect.ts";
import { campaigns, type DialStatus, dialAttempts, listRecords } from "../db/schema/outbound.ts";
import { freeAgentsFor } from "./campaign-agents.ts";
import { type CampaignRow, checkBeforeDial, recordSkip } from "./compliance.ts";
import { type DialMode, linesToDial, type PacingStats } from "./pacing.ts";
import type { OutboundDeps } from "./ports.ts";
import { applyOutcome } from "./record-outcomes.ts";
import type { Outcome } from "./retry-rules.ts";

/** Advisory lock namespace of outbound campaigns (db/locks.ts holds 1–4). */
export const CAMPAIGN_LOCK_NAMESPACE = 7;
/** Records looked at per line to dial: some will be skipped. */
const CANDIDATES_PER_LINE = 4;
const STATS_WINDOW_MS = 30 * 24 * 3600_000;

export const OUTBOUND_WEBHOOKS = {
  answer: "/webhooks/twilio/outbound/answer",
  status: "/webhooks/twilio/outbound/status",
  /** Preview calls: the agent's browser answered; dial the customer. */
  bridge: "/webhooks/twilio/outbound/bridge",
  /** Preview calls: how the customer's leg ended. */
  dialResult: "/webhooks/twilio/outbound/dial-result",
  /** Progressive and predictive calls: whether the agent's browser picked up the answered customer. */
  agentResult: "/webhooks/twilio/outbound/agent-result",
} as const;

/** Twilio's call and dial statuses for a call nobody picked up, as dispositions. */
export const UNANSWERED: Record<string, "no_answer" | "busy" | "failed"> = {
  "no-answer": "no_answer",
  busy: "busy",
  failed: "failed",
  canceled: "no_answer",
};

export const OPEN_DIAL_STATUSES: DialStatus[] = ["queued", "ringing"];

export async function lockCampaign(tx: Tx, campaignId: string, wait: boolean): Promise<boolean> {
  if (wait) {
    await tx.execute(
      sql`select pg_advisory_xact_lock(${CAMPAIGN_LOCK_NAMESPACE}::int, hashtext(${campaignId}))`,
    );
    return true;
  }
  const result = (await tx.execute(
    sql`select pg_try_advisory_xact_lock(${CAMPAIGN_LOCK_NAMESPACE}::int, hashtext(${campaignId})) as locked`,
  )) as unknown;
  const rows = Array.isArray(result) ? result : ((result as { rows: { locked: boolean }[] }).rows ?? []);
  return Boolean((rows[0] as { locked?: boolean } | undefined)?.locked);
}

/** Dialled, answered and abandoned calls of a campaign over the last 30 days. */
export async function pacingStats(executor: Executor, campaignId: string, now: Date): Promise<PacingStats> {
  const [row] = await executor
    .select({
      dialed: sql<number>`count(*)::int`,
      answered: sql<number>`count(*) filter (where ${dialAttempts.answeredAt} is not null and ${dialAttempts.status} <> 'answering_machine')::int`,
      abandoned: sql<number>`count(*) filter (where ${dialAttempts.status} = 'abandoned')::int`,
    })
    .from(dialAttempts)
    .where(
      and(
        eq(dialAttempts.campaignId, campaignId),
        eq(dialAttempts.kind, "dial"),
        gte(dialAttempts.createdAt, new Date(now.getTime() - STATS_WINDOW_MS)),
      ),
    );
  return {
    dialed: Number(row?.dialed ?? 0),
    answered: Number(row?.answered ?? 0),
    abandoned: Number(row?.abandoned ?? 0),
  };
}

export interface PlannedDial {
  attemptId: string;
  recordId: string;
  phone: string;
}

export interface PassResult {
  campaignId: string;
  lines: number;
  freeAgents: number;
  dialled: PlannedDial[];
  skipped: number;
  explanation: string;
}

/** A call Twilio has said nothing about this long after it should have stopped ringing is lost. */
const LOST_AFTER_RING_MS = 5 * 60_000;

/** A campaign's dials still in flight: queued, ringing or connected. */
const openDialsOf = (campaignId: string) =>
  and(
    eq(dialAttempts.campaignId, campaignId),
    eq(dialAttempts.kind, "dial"),
    inArray(dialAttempts.status, OPEN_DIAL_STATUSES),
  );

/**
 * Calls still `queued` or `ringing` long after their ring time (a status callback that never came)
 * would hold their lines forever: they end as failed, and the record follows the retry rules.
 */
async function expireLostCalls(tx: Tx, campaign: CampaignRow, now: Date): Promise<void> {
  const lost = await tx
    .select()
    .from(dialAttempts)
    .where(
      and(
        openDialsOf(campaign.id),
        isNull(dialAttempts.disposition),
        lte(
          dialAttempts.createdAt,
          new Date(now.getTime() - campaign.ringSeconds * 1000 - LOST_AFTER_RING_MS),
        ),
      ),
    )
    .for("update", { skipLocked: true });
  for (const attempt of lost) {
    await tx
      .update(dialAttempts)
      .set({
        status: "failed",
        endedAt: now,
        disposition: "failed",
        dispositionAt: now,
        note: "no word from Twilio about this call",
      })
      .where(eq(dialAttempts.id, attempt.id));
    await applyOutcome(tx, { attempt, outcome: "failed", at: now });
  }
}

/** How many lines to dial now: pacing over the free agents, the calls in flight and recent results. */
async function pacingNow(tx: Tx, campaign: typeof campaigns.$inferSelect, freeAgents: number, now: Date) {
  const [inFlight] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(dialAttempts)
    .where(openDialsOf(campaign.id));
  return linesToDial({
    mode: campaign.mode as DialMode,
    freeAgents,
    callsInFlight: Number(inFlight?.n ?? 0),
    stats: await pacingStats(tx, campaign.id, now),
    abandonLimit: campaign.abandonLimitPercent / 100,
    maxRatio: campaign.maxRatio,
  });
}

/** Records a call about to be placed to `record` and marks the record in progress. */
async function startDial(
  tx: Tx,
  campaignId: string,
  record: Awaited<ReturnType<typeof dueRecords>>[number],
  explanations: { check: string; pacing: string },
  now: Date,
): Promise<PlannedDial> {
  const [attempt] = await tx
    .insert(dialAttempts)
    .values({
      campaignId,
      recordId: record.id,
      contactId: record.contactId,
      phone: record.phone,
      kind: "dial",
      status: "queued",
      explanation: `${explanations.check}; ${explanations.pacing}`,
      // A callback for one agent goes to that agent when answered.
      agentId: record.agentId,
      createdAt: now,
    })
    .returning({ id: dialAttempts.id });
  await tx
    .update(listRecords)
    .set({
      status: "in_progress",
      attempts: sql`${listRecords.attempts} + 1`,
      lastAttemptAt: now,
      statusReason: explanations.check,
      updatedAt: now,
    })
    .where(eq(listRecords.id, record.id));
  return { attemptId: attempt!.id, recordId: record.id, phone: record.phone };
}

/** Decides and records one pass; returns the calls to place. Null when another process holds the campaign. */
async function planPass(deps: OutboundDeps, campaignId: string): Promise<PassResult | null> {
  return deps.db.transaction(async (raw) => {
    const tx = raw as Tx;
    if (!(await lockCampaign(tx, campaignId, false))) return null;
    const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, campaignId));
    const empty = (explanation: string): PassResult => ({
      campaignId,
      lines: 0,
      freeAgents: 0,
      dialled: [],
      skipped: 0,
      explanation,
    });
    if (campaign?.status !== "running") return empty("the campaign is not running");
    if (campaign.mode === "preview") return empty("preview: agents choose when to call");
    const now = deps.clock();
    await expireLostCalls(tx, campaign, now);
    const free = await freeAgentsFor(tx, campaign, now);
    const pacing = await pacingNow(tx, campaign, free.agents.length, now);
    if (pacing.lines <= 0) return { ...empty(pacing.explanation), freeAgents: free.agents.length };

    const due = await dueRecords(tx, {
      listId: campaign.listId,
      agentIds: free.agents.map((agent) => agent.id),
      now,
      limit: pacing.lines * CANDIDATES_PER_LINE,
    });
    const dialled: PlannedDial[] = [];
    let skipped = 0;
    for (const record of due) {
      if (dialled.length >= pacing.lines) break;
      const check = await checkBeforeDial(tx, campaign, record, now);
      if (!check.dial) {
        skipped += 1;
        await recordSkip(tx, campaignId, record, check, now);
        continue;
      }
      dialled.push(
        await startDial(
          tx,
          campaignId,
          record,
          { check: check.explanation, pacing: pacing.explanation },
          now,
        ),
      );
    }
    return {
      campaignId,
      lines: pacing.lines,
      freeAgents: free.agents.length,
      dialled,
      skipped,
      explanation: pacing.explanation,
    };
  });
}

export const webhook = (deps: OutboundDeps, hook: keyof typeof OUTBOUND_WEBHOOKS, attemptId: string) =>
  `${deps.publicUrl}${OUTBOUND_WEBHOOKS[hook]}?attempt=${attemptId}`;

/**
 * The list's records due for a call now, callbacks first (they were promised for a time), locked
 * for this pass; a callback promised by one agent waits for that agent (one of `agentIds`).
 */
export function dueRecords(tx: Tx, input: { listId: string; agentIds: string[]; now: Date; limit: number }) {
  return tx
    .select()
    .from(listRecords)
    .where(
      and(
        eq(listRecords.listId, input.listId),
        inArray(listRecords.status, ["pending", "callback"]),
        or(isNull(listRecords.nextAttemptAt), lte(listRecords.nextAttemptAt, input.now)),
        input.agentIds.length
          ? or(isNull(listRecords.agentId), inArray(listRecords.agentId, input.agentIds))
          : isNull(listRecords.agentId),
      ),
    )
    .orderBy(
      sql`(${listRecords.status} = 'callback') desc`,
      sql`${listRecords.nextAttemptAt} asc nulls first`,
      asc(listRecords.line),
    )
    .limit(input.limit)
    .for("update", { skipLocked: true });
}

/** One dialer pass over a campaign: decide, then place the calls decided. */
export async function runCampaignPass(deps: OutboundDeps, campaignId: string): Promise<PassResult | null> {
  const plan = await planPass(deps, campaignId);
  if (!plan?.dialled.length) return plan;
  const [campaign] = await deps.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  for (const dial of plan.dialled) await placeCall(deps, campaign!, dial);
  return plan;
}

async function placeCall(deps: OutboundDeps, campaign: CampaignRow, dial: PlannedDial): Promise<void> {
  try {
    if (!deps.calls)
      throw new Error("no telephony provider is configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)");
    const { sid } = await deps.calls.placeCall({
      to: dial.phone,
      from: campaign.callerId,
      url: webhook(deps, "answer", dial.attemptId),
      statusCallback: webhook(deps, "status", dial.attemptId),
      timeoutSeconds: campaign.ringSeconds,
      machineDetection: true,
    });
    await deps.db
      .update(dialAttempts)
      .set({ callSid: sid, status: "ringing" })
      .where(and(eq(dialAttempts.id, dial.attemptId), eq(dialAttempts.status, "queued")));
  } catch (error) {
    deps.log.warn({ err: error, attemptId: dial.attemptId }, "placing an outbound call failed");
    await finishAttempt(deps, dial.attemptId, "failed", `failed: ${(error as Error).message}`);
  }
}

/** Ends an attempt that never reached an agent with an outcome the retry rules act on. */
export async function finishAttempt(
  deps: OutboundDeps,
  attemptId: string,
  outcome: Extract<Outcome, "no_answer" | "busy" | "failed" | "answering_machine" | "abandoned">,
  note?: string,
): Promise<void> {
  await deps.db.transaction(async (raw) => {
    const tx = raw as Tx;
    const [attempt] = await tx
      .select()
      .from(dialAttempts)
      .where(eq(dialAttempts.id, attemptId))
      .for("update");
    if (!attempt || attempt.disposition) return;
    const now = deps.clock();
    await tx
      .update(dialAttempts)
      .set({
        status: outcome,
        endedAt: attempt.endedAt ?? now,
        disposition: outcome,
        dispositionAt: now,
        ...(note ? { note } : {}),
      })
      .where(eq(dialAttempts.id, attemptId));
    await applyOutcome(tx, { attempt, outcome, at: now });
  });
}

export async function runningCampaignIds(executor: Executor): Promise<string[]> {
  const rows = await executor
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.status, "running"), inArray(campaigns.mode, ["progressive", "predictive"])));
  return rows.map((row) => row.id);
}
