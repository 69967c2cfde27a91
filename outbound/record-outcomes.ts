/** Applies an attempt's outcome to its list record through the campaign's retry rules. */
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../db/connect.ts";
import { campaigns, dialAttempts, listRecords } from "../db/schema/outbound.ts";
import { nextStep, type Outcome } from "./retry-rules.ts";

type AttemptRow = typeof dialAttempts.$inferSelect;

export async function applyOutcome(
  tx: Tx,
  input: {
    attempt: AttemptRow;
    outcome: Outcome;
    at: Date;
    callbackAt?: Date | null;
    /** Who calls back; null: anyone on the campaign. */
    callbackAgentId?: string | null;
  },
): Promise<string> {
  const { attempt, outcome, at } = input;
  const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, attempt.campaignId));
  const [record] = await tx
    .select()
    .from(listRecords)
    .where(eq(listRecords.id, attempt.recordId))
    .for("update");
  if (!campaign || !record) return "the record no longer exists";
  const [same] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(dialAttempts)
    .where(
      and(
        eq(dialAttempts.recordId, record.id),
        eq(dialAttempts.campaignId, campaign.id),
        eq(dialAttempts.disposition, outcome),
        sql`${dialAttempts.id} <> ${attempt.id}`,
      ),
    );
  const step = nextStep({
    outcome,
    at,
    previousSameOutcome: Number(same?.n ?? 0),
    totalAttempts: record.attempts,
    maxAttemptsPerRecord: campaign.maxAttemptsPerRecord,
    callbackAt: input.callbackAt ?? null,
    rules: campaign.retryRules,
  });
  await tx
    .update(listRecords)
    .set({
      status: step.status,
      nextAttemptAt: step.nextAttemptAt,
      lastDisposition: outcome,
      statusReason: step.explanation,
      agentId: outcome === "callback" ? (input.callbackAgentId ?? null) : null,
      updatedAt: at,
    })
    .where(eq(listRecords.id, record.id));
  return step.explanation;
}
