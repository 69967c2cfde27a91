/**
 * Writes webhook deliveries: one row per event and endpoint, after the change that made the event
 * has committed, then a job per row. The row's `seq` is the payload's `sequence`; the envelope
 * (`{ type, version, id, timestamp, sequence, data }`) is assembled when it is sent, so a replay
 * sends the very same body.
 */
import { and, arrayOverlaps, eq, isNotNull, lte } from "drizzle-orm";
import { AppError } from "../../cases/errors.ts";
import type { Executor } from "../../db/connect.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { contacts } from "../../db/schema/contacts.ts";
import { webhookDeliveries, webhookEndpoints } from "../../db/schema/integrations.ts";
import type { PendingWebhookEvent, WebhookSource } from "./catalogue.ts";
import { DELIVER_WEBHOOK_JOB, type WebhookDeps } from "./ports.ts";

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** A row as JSON (dates as ISO strings) without what only the server needs. */
function publicJson(row: Record<string, unknown>, internal: readonly string[]): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(row)) as Record<string, unknown>;
  for (const key of internal) delete copy[key];
  return copy;
}

const CASE_INTERNAL = [
  "machineSnapshot",
  "machineVersion",
  "revision",
  "routingStepsApplied",
  "stickyAgentId",
];
const INTERACTION_INTERNAL = ["metadata", "seq"];

/** The `data` of one event's payload, reading the row when the event did not carry it. */
async function dataOf(db: Executor, source: WebhookSource): Promise<Record<string, unknown> | null> {
  switch (source.kind) {
    case "case": {
      const row = source.row ?? (await db.select().from(cases).where(eq(cases.id, source.caseId)))[0];
      return row ? { case: publicJson(row, CASE_INTERNAL) } : null;
    }
    case "interaction": {
      const row =
        source.row ??
        (await db.select().from(interactions).where(eq(interactions.id, source.interactionId)))[0];
      return row ? { interaction: publicJson(row, INTERACTION_INTERNAL) } : null;
    }
    case "contact": {
      const [row] = await db.select().from(contacts).where(eq(contacts.id, source.contactId));
      return row ? { contact: publicJson(row, []), ...source.extra } : null;
    }
    case "plain":
      return publicJson(source.data, []);
  }
}

/** Enqueues the attempt a row is due for; its id names the attempt, so a repeat is one job. */
export async function enqueueAttempt(
  deps: Pick<WebhookDeps, "jobs">,
  delivery: { id: string; attempts: number },
  options: { delayMs?: number; tag?: string } = {},
): Promise<void> {
  await deps.jobs.enqueue(
    DELIVER_WEBHOOK_JOB,
    { deliveryId: delivery.id },
    {
      jobId: `webhook-${delivery.id}-${delivery.attempts}${options.tag ? `-${options.tag}` : ""}`,
      ...(options.delayMs ? { delayMs: options.delayMs } : {}),
    },
  );
}

/**
 * Writes a delivery for every enabled endpoint subscribed to each event, and enqueues them. Events
 * of one batch are written in their order, so a case's sequence numbers follow its history.
 */
export async function writeDeliveries(
  deps: Pick<WebhookDeps, "db" | "clock" | "jobs">,
  events: readonly PendingWebhookEvent[],
): Promise<number> {
  if (!events.length) return 0;
  const types = [...new Set(events.map((event) => event.type))];
  const endpoints = await deps.db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), arrayOverlaps(webhookEndpoints.events, types)));
  if (!endpoints.length) return 0;
  const at = deps.clock();
  const values: (typeof webhookDeliveries.$inferInsert)[] = [];
  for (const event of events) {
    const targets = endpoints.filter((endpoint) => endpoint.events.includes(event.type));
    if (!targets.length) continue;
    const data = await dataOf(deps.db, event.source);
    if (!data) continue;
    for (const endpoint of targets)
      values.push({
        endpointId: endpoint.id,
        eventType: event.type,
        caseId: event.caseId,
        payload: data,
        nextAttemptAt: at,
        createdAt: at,
      });
  }
  if (!values.length) return 0;
  const written = await deps.db
    .insert(webhookDeliveries)
    .values(values)
    .returning({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts });
  for (const delivery of written) await enqueueAttempt(deps, delivery);
  return written.length;
}

/**
 * Sends a payload of the caller's choosing to one endpoint, as any event is sent (signed, retried,
 * logged, replayable) — for automation rules ("notify this URL when…"). `type` is the envelope's
 * `type`; `data` must be JSON. The endpoint need not subscribe to `type`, but must be enabled.
 * Answers the delivery's id.
 */
export async function queueWebhookDelivery(
  deps: Pick<WebhookDeps, "db" | "clock" | "jobs">,
  endpointId: string,
  type: string,
  data: Record<string, unknown>,
  caseId?: string,
): Promise<string> {
  const [endpoint] = await deps.db
    .select({ enabled: webhookEndpoints.enabled })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, endpointId));
  if (!endpoint) throw new AppError("NOT_FOUND", `Webhook endpoint '${endpointId}' does not exist.`);
  if (!endpoint.enabled)
    throw new AppError(
      "ILLEGAL_ACTION",
      "This webhook endpoint is disabled; enable it before sending to it.",
    );
  const at = deps.clock();
  const [row] = await deps.db
    .insert(webhookDeliveries)
    .values({
      endpointId,
      eventType: type,
      caseId: caseId ?? null,
      payload: publicJson(data, []),
      nextAttemptAt: at,
      createdAt: at,
    })
    .returning({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts });
  await enqueueAttempt(deps, row!);
  return row!.id;
}

/** Sends a delivery again (delivered or failed): same id and body, a fresh signature and timestamp. */
export async function replayDelivery(deps: Pick<WebhookDeps, "db" | "clock" | "jobs">, deliveryId: string) {
  const at = deps.clock();
  const [row] = await deps.db
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: at })
    .where(eq(webhookDeliveries.id, deliveryId))
    .returning();
  if (!row) throw new AppError("NOT_FOUND", `Webhook delivery '${deliveryId}' does not exist.`);
  await enqueueAttempt(deps, row, { tag: `replay${at.getTime()}` });
  return row;
}

/**
 * Pending deliveries whose attempt is overdue by `graceMs` — their job was lost (a crash, a Redis
 * flush) — enqueued again. An attempt in flight has pushed its row's time forward (deliver.ts).
 */
export async function sweepOverdueDeliveries(
  deps: Pick<WebhookDeps, "db" | "clock" | "jobs">,
  graceMs: number,
  limit: number,
): Promise<number> {
  const cutoff = new Date(deps.clock().getTime() - graceMs);
  const rows = await deps.db
    .select({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        isNotNull(webhookDeliveries.nextAttemptAt),
        lte(webhookDeliveries.nextAttemptAt, cutoff),
      ),
    )
    .limit(limit);
  for (const row of rows) await enqueueAttempt(deps, row, { tag: `sweep${cutoff.getTime()}` });
  return rows.length;
}

/** Fails an endpoint's pending deliveries (it was disabled): a replay sends one again. */
export async function failPending(db: Executor, endpointId: string, reason: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: "failed", nextAttemptAt: null, lastError: reason })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "pending")));
}

export type { DeliveryRow };
