/**
 * The agent's side: the next record of a preview campaign (with its history, the script and the
 * contact's local time), reserved for the agent until they give a disposition; and their callbacks.
 */
import { and, asc, desc, eq, gte, inArray, isNull, or, sql } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import { agentFirstName, contactNameValues, fillPlaceholders } from "../cases/placeholders.ts";
import type { Executor, Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { campaigns, dialAttempts, listRecords, outboundCallbacks } from "../db/schema/outbound.ts";
import { freeAgentsFor } from "./campaign-agents.ts";
import { checkBeforeDial, recordSkip } from "./compliance.ts";
import { dueRecords, lockCampaign } from "./dialer.ts";
import { contactClock } from "./dispositions.ts";
import type { OutboundDeps } from "./ports.ts";

const CANDIDATES = 20;

export async function recordHistory(executor: Executor, recordId: string) {
  return executor
    .select({
      id: dialAttempts.id,
      campaignId: dialAttempts.campaignId,
      kind: dialAttempts.kind,
      status: dialAttempts.status,
      explanation: dialAttempts.explanation,
      agentId: dialAttempts.agentId,
      disposition: dialAttempts.disposition,
      note: dialAttempts.note,
      createdAt: dialAttempts.createdAt,
      answeredAt: dialAttempts.answeredAt,
      endedAt: dialAttempts.endedAt,
    })
    .from(dialAttempts)
    .where(eq(dialAttempts.recordId, recordId))
    .orderBy(desc(dialAttempts.createdAt))
    .limit(50);
}

/** The campaign's script for this record, its placeholders filled (SCRIPT_PLACEHOLDERS). */
async function filledScript(
  deps: OutboundDeps,
  campaign: { name: string; script: string } | undefined,
  record: { name: string | null; phone: string },
  agentId: string | undefined,
): Promise<string> {
  if (!campaign?.script) return "";
  const [agent] = agentId
    ? await deps.db.select({ name: agents.name }).from(agents).where(eq(agents.id, agentId))
    : [];
  return fillPlaceholders(campaign.script, {
    ...contactNameValues(record.name),
    "contact.phone": record.phone,
    "agent.name": agentFirstName(agent?.name),
    "campaign.name": campaign.name,
  });
}

export async function recordView(
  deps: OutboundDeps,
  recordId: string,
  options: { campaignId?: string; agentId?: string } = {},
) {
  const [record] = await deps.db.select().from(listRecords).where(eq(listRecords.id, recordId));
  if (!record) throw notFound("Record", recordId);
  const { campaignId } = options;
  const [campaign] = campaignId
    ? await deps.db.select().from(campaigns).where(eq(campaigns.id, campaignId))
    : await deps.db.select().from(campaigns).where(eq(campaigns.listId, record.listId)).limit(1);
  return {
    record,
    localTime: contactClock(record.timeZones, deps.clock()),
    script: await filledScript(deps, campaign, record, options.agentId ?? record.agentId ?? undefined),
    dispositions: campaign?.dispositions ?? [],
    history: await recordHistory(deps.db, record.id),
  };
}

export async function nextPreviewRecord(deps: OutboundDeps, input: { campaignId: string; agentId: string }) {
  const reserved = await deps.db.transaction(async (raw) => {
    const tx = raw as Tx;
    await lockCampaign(tx, input.campaignId, true);
    const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, input.campaignId));
    if (!campaign) throw notFound("Campaign", input.campaignId);
    if (campaign.mode !== "preview")
      throw new AppError(
        "CONFLICT",
        `Campaign '${campaign.name}' dials by itself (${campaign.mode}); calls come to you.`,
      );
    if (campaign.status !== "running")
      throw new AppError("CONFLICT", `Campaign '${campaign.name}' is ${campaign.status}.`);
    const [held] = await tx
      .select({ recordId: dialAttempts.recordId })
      .from(dialAttempts)
      .where(
        and(
          eq(dialAttempts.campaignId, campaign.id),
          eq(dialAttempts.agentId, input.agentId),
          eq(dialAttempts.kind, "dial"),
          isNull(dialAttempts.disposition),
        ),
      )
      .limit(1);
    if (held) return held.recordId;
    const now = deps.clock();
    const free = await freeAgentsFor(tx, campaign, now);
    if (free.keptForInbound.has(input.agentId))
      throw new AppError(
        "CONFLICT",
        "An inbound case waits in a queue you serve: take it before outbound work.",
      );
    if (!free.agents.some((agent) => agent.id === input.agentId)) {
      throw new AppError(
        "CONFLICT",
        "You are not free for outbound work: be available, hold the campaign's skills and finish your call first.",
      );
    }
    const due = await dueRecords(tx, {
      listId: campaign.listId,
      agentIds: [input.agentId],
      now,
      limit: CANDIDATES,
    });
    for (const record of due) {
      const check = await checkBeforeDial(tx, campaign, record, now);
      if (!check.dial) {
        await recordSkip(tx, campaign.id, record, check, now);
        continue;
      }
      await tx.insert(dialAttempts).values({
        campaignId: campaign.id,
        recordId: record.id,
        contactId: record.contactId,
        phone: record.phone,
        kind: "dial",
        status: "queued",
        explanation: `${check.explanation}; preview: given to the agent to call`,
        agentId: input.agentId,
        createdAt: now,
      });
      await tx
        .update(listRecords)
        .set({
          status: "in_progress",
          attempts: sql`${listRecords.attempts} + 1`,
          lastAttemptAt: now,
          agentId: input.agentId,
          statusReason: check.explanation,
          updatedAt: now,
        })
        .where(eq(listRecords.id, record.id));
      return record.id;
    }
    return null;
  });
  return reserved ? recordView(deps, reserved, input) : null;
}

/**
 * The call the agent is on, or has finished and not yet wrapped up, in any campaign: its record
 * with history, the script and the dispositions. Progressive and predictive calls come to the agent
 * without a click; this is how the console shows whom they are talking to.
 */
export async function currentCampaignCall(deps: OutboundDeps, agentId: string) {
  const [attempt] = await deps.db
    .select({
      id: dialAttempts.id,
      recordId: dialAttempts.recordId,
      campaignId: dialAttempts.campaignId,
      status: dialAttempts.status,
      answeredAt: dialAttempts.answeredAt,
      campaignName: campaigns.name,
      mode: campaigns.mode,
    })
    .from(dialAttempts)
    .innerJoin(campaigns, eq(campaigns.id, dialAttempts.campaignId))
    .where(
      and(
        eq(dialAttempts.agentId, agentId),
        eq(dialAttempts.kind, "dial"),
        isNull(dialAttempts.disposition),
        inArray(dialAttempts.status, ["connected", "completed"]),
      ),
    )
    .orderBy(desc(dialAttempts.createdAt))
    .limit(1);
  if (!attempt) return null;
  return {
    attemptId: attempt.id,
    campaign: { id: attempt.campaignId, name: attempt.campaignName, mode: attempt.mode },
    live: attempt.status === "connected",
    answeredAt: attempt.answeredAt,
    ...(await recordView(deps, attempt.recordId, { campaignId: attempt.campaignId, agentId })),
  };
}

export async function listCallbacks(
  executor: Executor,
  filter: { agentId?: string; campaignId?: string; from?: Date; limit: number },
) {
  return executor
    .select()
    .from(outboundCallbacks)
    .where(
      and(
        eq(outboundCallbacks.status, "scheduled"),
        filter.agentId
          ? or(eq(outboundCallbacks.agentId, filter.agentId), isNull(outboundCallbacks.agentId))
          : undefined,
        filter.campaignId ? eq(outboundCallbacks.campaignId, filter.campaignId) : undefined,
        filter.from ? gte(outboundCallbacks.dueAt, filter.from) : undefined,
      ),
    )
    .orderBy(asc(outboundCallbacks.dueAt))
    .limit(filter.limit);
}
