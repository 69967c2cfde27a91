/** A campaign's figures: dialled, connected, contact rate, conversion, abandonment, per agent, and when the list will be done. */
import { and, eq, gte, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { dialAttempts, leads, listRecords } from "../db/schema/outbound.ts";
import { getCampaign } from "./campaigns.ts";
import { pacingStats } from "./dialer.ts";
import { abandonRate } from "./pacing.ts";

/** Dispositions only an agent who spoke with the customer gives. */
const CONVERSATIONS = `('sale', 'interested', 'not_interested', 'wrong_number', 'dnc_request', 'callback')`;
const RATE_WINDOW_MS = 24 * 3600_000;

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

const connectedSql = sql`(${dialAttempts.status} in ('connected', 'completed') and ${dialAttempts.answeredAt} is not null or ${dialAttempts.disposition} in ${sql.raw(CONVERSATIONS)})`;
const n = (value: unknown) => Number(value ?? 0);

/** The campaign's calls: dialled, skipped, connected, sales, interest, abandoned. */
async function callTotals(executor: Executor, campaignId: string) {
  const [totals] = await executor
    .select({
      dialed: sql<number>`count(*) filter (where ${dialAttempts.kind} = 'dial')::int`,
      skipped: sql<number>`count(*) filter (where ${dialAttempts.kind} = 'skip')::int`,
      connected: sql<number>`count(*) filter (where ${dialAttempts.kind} = 'dial' and ${connectedSql})::int`,
      sales: sql<number>`count(*) filter (where ${dialAttempts.disposition} = 'sale')::int`,
      interested: sql<number>`count(*) filter (where ${dialAttempts.disposition} = 'interested')::int`,
      abandoned: sql<number>`count(*) filter (where ${dialAttempts.status} = 'abandoned')::int`,
    })
    .from(dialAttempts)
    .where(eq(dialAttempts.campaignId, campaignId));
  return totals;
}

/** The list's records by status, and how many finished in the last 24 hours. */
async function recordTotals(executor: Executor, listId: string, now: Date) {
  const [records] = await executor
    .select({
      total: sql<number>`count(*)::int`,
      pending: sql<number>`count(*) filter (where ${listRecords.status} = 'pending')::int`,
      inProgress: sql<number>`count(*) filter (where ${listRecords.status} = 'in_progress')::int`,
      callback: sql<number>`count(*) filter (where ${listRecords.status} = 'callback')::int`,
      done: sql<number>`count(*) filter (where ${listRecords.status} = 'done')::int`,
      touched: sql<number>`count(*) filter (where ${listRecords.attempts} > 0)::int`,
      doneRecently: sql<number>`count(*) filter (where ${listRecords.status} = 'done' and ${listRecords.updatedAt} >= ${new Date(now.getTime() - RATE_WINDOW_MS).toISOString()}::timestamptz)::int`,
    })
    .from(listRecords)
    .where(eq(listRecords.listId, listId));
  return records;
}

/** Each agent's calls, connections, sales, interest and callbacks, and their conversion. */
async function agentTotals(executor: Executor, campaignId: string) {
  const rows = await executor
    .select({
      agentId: dialAttempts.agentId,
      name: agents.name,
      calls: sql<number>`count(*)::int`,
      connected: sql<number>`count(*) filter (where ${connectedSql})::int`,
      sales: sql<number>`count(*) filter (where ${dialAttempts.disposition} = 'sale')::int`,
      interested: sql<number>`count(*) filter (where ${dialAttempts.disposition} = 'interested')::int`,
      callbacks: sql<number>`count(*) filter (where ${dialAttempts.disposition} = 'callback')::int`,
    })
    .from(dialAttempts)
    .innerJoin(agents, eq(agents.id, dialAttempts.agentId))
    .where(and(eq(dialAttempts.campaignId, campaignId), eq(dialAttempts.kind, "dial")))
    .groupBy(dialAttempts.agentId, agents.name)
    .orderBy(agents.name);
  return rows.map((row) => ({
    agentId: row.agentId!,
    name: row.name,
    calls: n(row.calls),
    connected: n(row.connected),
    sales: n(row.sales),
    interested: n(row.interested),
    callbacks: n(row.callbacks),
    conversion: ratio(n(row.sales), n(row.connected)),
  }));
}

export async function campaignDashboard(executor: Executor, campaignId: string, now: Date) {
  const campaign = await getCampaign(executor, campaignId);
  const totals = await callTotals(executor, campaignId);
  const records = await recordTotals(executor, campaign.listId, now);
  const perAgent = await agentTotals(executor, campaignId);
  const [pipeline] = await executor
    .select({ value: sql<number>`coalesce(sum(${leads.estimatedValueCents}), 0)::bigint` })
    .from(leads)
    .where(and(eq(leads.campaignId, campaignId), gte(leads.createdAt, new Date(0))));

  const dialed = n(totals?.dialed);
  const connected = n(totals?.connected);
  const remaining = n(records?.pending) + n(records?.inProgress) + n(records?.callback);
  const perHour = n(records?.doneRecently) / 24;
  const stats = await pacingStats(executor, campaignId, now);
  return {
    campaignId,
    status: campaign.status,
    mode: campaign.mode,
    dialed,
    skipped: n(totals?.skipped),
    connected,
    contactRate: ratio(connected, dialed),
    sales: n(totals?.sales),
    interested: n(totals?.interested),
    conversion: ratio(n(totals?.sales), connected),
    leadsValueCents: n(pipeline?.value),
    abandoned: n(totals?.abandoned),
    /** Abandoned / answered over the last 30 days, the figure pacing holds under the limit. */
    abandonmentRate: abandonRate(stats),
    abandonLimitPercent: campaign.abandonLimitPercent,
    attemptsPerRecord: ratio(dialed, n(records?.touched)),
    records: {
      total: n(records?.total),
      pending: n(records?.pending),
      inProgress: n(records?.inProgress),
      callback: n(records?.callback),
      done: n(records?.done),
    },
    perAgent,
    /** At the pace of the last 24 hours; null before any record has finished in them. */
    projectedCompletionAt:
      remaining === 0 ? now : perHour > 0 ? new Date(now.getTime() + (remaining / perHour) * 3600_000) : null,
  };
}
