/**
 * The agent's wrap-up of a call: a disposition on the record's open attempt. It drives the retry
 * rules; a do-not-call request lists the number at once (globally: the person asked us, not one
 * campaign, to stop); "interested" creates a lead; a callback is scheduled at a time in the
 * contact's zone, for the agent or for anyone on the campaign.
 */
import { and, desc, eq, isNull, lte } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import {
  campaigns,
  dialAttempts,
  doNotCall,
  leads,
  listRecords,
  outboundCallbacks,
} from "../db/schema/outbound.ts";
import { localTime, zonedInstant } from "./calling-window.ts";
import type { OutboundDeps } from "./ports.ts";
import { applyOutcome } from "./record-outcomes.ts";
import type { AgentDisposition } from "./retry-rules.ts";

export interface CallbackRequest {
  /** Wall-clock time in the contact's zone, "YYYY-MM-DDTHH:MM". */
  localTime: string;
  /** Defaults to the record's (first) zone. */
  timeZone?: string;
  /** Who calls back: "me" (default) or "anyone", or an agent id. */
  agent?: "me" | "anyone" | string;
  note?: string;
}

export interface DispositionInput {
  recordId: string;
  agentId: string;
  disposition: AgentDisposition;
  note?: string;
  callback?: CallbackRequest;
  /** For "interested": the lead's estimated value, in the currency's main unit. */
  estimatedValue?: number;
  currency?: string;
}

/** A local "YYYY-MM-DDTHH:MM" in a zone to the instant it happens. */
export function callbackInstant(local: string, zone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) throw new AppError("VALIDATION", `'${local}' is not a local time like 2026-07-16T10:30.`);
  return zonedInstant(
    { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) },
    Number(match[4]) * 60 + Number(match[5]),
    zone,
  );
}

export async function scheduleCallback(
  tx: Tx,
  deps: OutboundDeps,
  input: {
    campaignId: string;
    record: typeof listRecords.$inferSelect;
    request: CallbackRequest;
    byAgentId: string;
  },
) {
  const zone = input.request.timeZone ?? input.record.timeZones[0] ?? deps.defaultTimeZone;
  const dueAt = callbackInstant(input.request.localTime, zone);
  if (dueAt.getTime() <= deps.clock().getTime())
    throw new AppError(
      "VALIDATION",
      `The callback time ${input.request.localTime} in ${zone} has already passed.`,
    );
  const agent = input.request.agent ?? "me";
  const agentId = agent === "anyone" ? null : agent === "me" ? input.byAgentId : agent;
  if (agentId && agentId !== input.byAgentId) {
    const [found] = await tx
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.id, agentId), isNull(agents.deactivatedAt)));
    if (!found) throw new AppError("VALIDATION", `Agent '${agentId}' does not exist or is deactivated.`);
  }
  const [campaign] = await tx
    .select({ listId: campaigns.listId })
    .from(campaigns)
    .where(eq(campaigns.id, input.campaignId));
  if (campaign?.listId !== input.record.listId)
    throw new AppError("VALIDATION", "The record is not on this campaign's list.");
  // A record has one callback at a time: a new one replaces the one still scheduled.
  await tx
    .update(outboundCallbacks)
    .set({ status: "cancelled" })
    .where(and(eq(outboundCallbacks.recordId, input.record.id), eq(outboundCallbacks.status, "scheduled")));
  const [callback] = await tx
    .insert(outboundCallbacks)
    .values({
      campaignId: input.campaignId,
      recordId: input.record.id,
      agentId,
      dueAt,
      localTime: input.request.localTime,
      timeZone: zone,
      note: input.request.note ?? "",
      createdById: input.byAgentId,
      createdAt: deps.clock(),
    })
    .returning();
  return { callback: callback!, agentId, dueAt };
}

/** A call list's record, locked for the rest of the transaction. */
async function lockRecord(tx: Tx, recordId: string) {
  const [record] = await tx.select().from(listRecords).where(eq(listRecords.id, recordId)).for("update");
  if (!record) throw notFound("Record", recordId);
  return record;
}

/**
 * The record (locked), its call waiting for a disposition (locked) and its campaign; refuses a
 * disposition the campaign does not offer, one from an agent not on the call, and a callback
 * without a time.
 */
async function lockedDispositionTarget(tx: Tx, input: DispositionInput) {
  const record = await lockRecord(tx, input.recordId);
  const [attempt] = await tx
    .select()
    .from(dialAttempts)
    .where(
      and(
        eq(dialAttempts.recordId, record.id),
        eq(dialAttempts.kind, "dial"),
        isNull(dialAttempts.disposition),
      ),
    )
    .orderBy(desc(dialAttempts.createdAt))
    .limit(1)
    .for("update");
  if (!attempt)
    throw new AppError("CONFLICT", `Record '${record.id}' has no call waiting for a disposition.`, {
      recordId: record.id,
    });
  if (attempt.agentId && attempt.agentId !== input.agentId)
    throw new AppError("FORBIDDEN", "Only the agent on the call can give it a disposition.");
  const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, attempt.campaignId));
  if (!campaign!.dispositions.includes(input.disposition)) {
    throw new AppError(
      "VALIDATION",
      `'${input.disposition}' is not one of the campaign's dispositions (${campaign!.dispositions.join(", ")}).`,
    );
  }
  if (input.disposition === "callback" && !input.callback)
    throw new AppError(
      "VALIDATION",
      "A callback disposition needs `callback` with the local time to call back.",
    );
  return { record, attempt, campaign: campaign! };
}

type DispositionTarget = Awaited<ReturnType<typeof lockedDispositionTarget>>;

/** What a disposition leaves beside the record's outcome: a do-not-call entry, or a lead. */
async function recordDispositionEffects(
  tx: Tx,
  input: DispositionInput,
  { record, campaign }: DispositionTarget,
  now: Date,
): Promise<string | null> {
  if (input.disposition === "dnc_request") {
    await tx
      .insert(doNotCall)
      .values({
        phone: record.phone,
        source: "disposition",
        reason: input.note ?? "asked not to be called",
        createdById: input.agentId,
        createdAt: now,
      })
      .onConflictDoNothing();
  }
  if (input.disposition !== "interested") return null;
  const [lead] = await tx
    .insert(leads)
    .values({
      campaignId: campaign.id,
      recordId: record.id,
      contactId: record.contactId,
      agentId: input.agentId,
      estimatedValueCents: input.estimatedValue === undefined ? null : Math.round(input.estimatedValue * 100),
      currency: input.currency ?? "USD",
      note: input.note ?? "",
      createdAt: now,
    })
    .returning({ id: leads.id });
  return lead!.id;
}

/**
 * An agent's disposition of a campaign call, in one transaction under the record's lock: the call
 * is closed with it, a callback is scheduled when asked, the record's next step follows from the
 * campaign's rules, and a do-not-call request or a lead is recorded.
 */
export async function recordDisposition(deps: OutboundDeps, input: DispositionInput) {
  const result = await recordDispositionInTransaction(deps, input);
  deps.events?.publish([
    {
      type: "campaign.record_dispositioned",
      campaignId: result.campaignId,
      recordId: result.record.id,
      attemptId: result.attemptId,
      disposition: input.disposition,
      agentId: input.agentId,
    },
  ]);
  const { campaignId: _campaign, ...answer } = result;
  return answer;
}

function recordDispositionInTransaction(deps: OutboundDeps, input: DispositionInput) {
  return deps.db.transaction(async (raw) => {
    const tx = raw as Tx;
    const target = await lockedDispositionTarget(tx, input);
    const { record, attempt, campaign } = target;
    const now = deps.clock();
    // The call a callback promised has happened.
    await tx
      .update(outboundCallbacks)
      .set({ status: "done" })
      .where(
        and(
          eq(outboundCallbacks.recordId, record.id),
          eq(outboundCallbacks.status, "scheduled"),
          lte(outboundCallbacks.dueAt, now),
        ),
      );
    const scheduled =
      input.disposition === "callback"
        ? await scheduleCallback(tx, deps, {
            campaignId: campaign.id,
            record,
            request: input.callback!,
            byAgentId: input.agentId,
          })
        : null;
    await tx
      .update(dialAttempts)
      .set({
        disposition: input.disposition,
        dispositionAt: now,
        agentId: attempt.agentId ?? input.agentId,
        note: input.note ?? attempt.note,
        ...(["queued", "ringing"].includes(attempt.status)
          ? { status: "completed" as const, endedAt: now }
          : {}),
      })
      .where(eq(dialAttempts.id, attempt.id));
    const explanation = await applyOutcome(tx, {
      attempt,
      outcome: input.disposition,
      at: now,
      callbackAt: scheduled?.dueAt ?? null,
      callbackAgentId: scheduled?.agentId ?? null,
    });
    const leadId = await recordDispositionEffects(tx, input, target, now);
    const [updated] = await tx.select().from(listRecords).where(eq(listRecords.id, record.id));
    return {
      campaignId: campaign.id,
      record: updated!,
      attemptId: attempt.id,
      explanation,
      leadId,
      callbackId: scheduled?.callback.id ?? null,
    };
  });
}

/** The contact's local time now, for the agent's screen. */
export function contactClock(zones: string[], at: Date): string {
  return zones.map((zone) => `${localTime(at, zone).clock} ${zone}`).join(", ");
}

/**
 * Schedules a callback on one record of a campaign and marks the record as waiting for it, under
 * the record's lock: the dialer never calls it meanwhile.
 */
export async function scheduleRecordCallback(
  deps: OutboundDeps,
  input: { campaignId: string; recordId: string; request: CallbackRequest; byAgentId: string },
) {
  return deps.db.transaction(async (raw) => {
    const tx = raw as Tx;
    const record = await lockRecord(tx, input.recordId);
    const scheduled = await scheduleCallback(tx, deps, {
      campaignId: input.campaignId,
      record,
      request: input.request,
      byAgentId: input.byAgentId,
    });
    await tx
      .update(listRecords)
      .set({
        status: "callback",
        nextAttemptAt: scheduled.dueAt,
        agentId: scheduled.agentId,
        statusReason: `callback at ${scheduled.dueAt.toISOString()}`,
      })
      .where(eq(listRecords.id, input.recordId));
    return scheduled.callback;
  });
}
