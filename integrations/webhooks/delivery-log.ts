/** An endpoint's delivery log, newest first, each delivery with its attempts. */
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Executor } from "../../db/connect.ts";
import { webhookAttempts, webhookDeliveries } from "../../db/schema/integrations.ts";
import { envelopeOf } from "./deliver.ts";

export async function listDeliveries(
  db: Executor,
  endpointId: string,
  page: { limit: number; beforeSeq?: number | undefined },
) {
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        page.beforeSeq !== undefined ? lt(webhookDeliveries.seq, page.beforeSeq) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.seq))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const attempts = items.length
    ? await db
        .select()
        .from(webhookAttempts)
        .where(
          inArray(
            webhookAttempts.deliveryId,
            items.map((row) => row.id),
          ),
        )
        .orderBy(desc(webhookAttempts.attemptedAt), desc(webhookAttempts.id))
    : [];
  return {
    items: items.map((row) => ({
      id: row.id,
      sequence: row.seq,
      eventType: row.eventType,
      caseId: row.caseId,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt,
      lastStatusCode: row.lastStatusCode,
      lastLatencyMs: row.lastLatencyMs,
      lastResponseExcerpt: row.lastResponseExcerpt,
      lastError: row.lastError,
      createdAt: row.createdAt,
      deliveredAt: row.deliveredAt,
      /** The request body as sent (headers aside). */
      request: envelopeOf(row),
      log: attempts
        .filter((attempt) => attempt.deliveryId === row.id)
        .map(({ deliveryId: _delivery, ...attempt }) => attempt),
    })),
    nextBeforeSeq: rows.length > page.limit ? items.at(-1)?.seq : undefined,
  };
}
