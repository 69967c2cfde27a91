/**
 * One attempt of one webhook delivery: claim the row, sign the envelope (Standard Webhooks), check
 * where the URL resolves now, POST, and keep the attempt in the log. A non-2xx answer, a refused
 * address or a network error schedules the next attempt from the backoff ladder; an endpoint with
 * no success for 24 hours is disabled and its owner told.
 */
import { and, eq, lte, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { isAppError } from "../../cases/errors.ts";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../db/schema/integrations.ts";
import { resolveWebhookTarget } from "./address-guard.ts";
import { DISABLE_AFTER_MS, retryDelayMs } from "./backoff.ts";
import { PAYLOAD_VERSION } from "./catalogue.ts";
import { type DeliveryRow, enqueueAttempt, failPending } from "./deliveries.ts";
import { signingSecretOf } from "./endpoints.ts";
import { type HttpOutcome, postWebhook } from "./http-send.ts";
import type { WebhookDeps } from "./ports.ts";

/** An attempt in flight holds its row this long: the sweep does not send it twice meanwhile. */
const LEASE_MS = 120_000;
/** A job may fire a little before its row's time (clocks of two processes, timer slack). */
const EARLY_MS = 2_000;

export type AttemptResult = "delivered" | "retry" | "failed" | "skipped";

/** The body receivers get; the same for every attempt and replay of a delivery. */
export function envelopeOf(row: DeliveryRow): string {
  return JSON.stringify({
    type: row.eventType,
    version: PAYLOAD_VERSION,
    id: row.id,
    timestamp: row.createdAt.toISOString(),
    sequence: row.seq,
    data: row.payload,
  });
}

/** Takes the row for this attempt if it is still due; null when it is not (done, or taken). */
async function claim(deps: WebhookDeps, deliveryId: string, now: Date) {
  const [row] = await deps.db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, new Date(now.getTime() + EARLY_MS)),
      ),
    )
    .returning();
  return row ?? null;
}

async function send(
  deps: WebhookDeps,
  row: DeliveryRow,
  endpoint: typeof webhookEndpoints.$inferSelect,
  now: Date,
): Promise<HttpOutcome> {
  let target: Awaited<ReturnType<typeof resolveWebhookTarget>>;
  try {
    target = await resolveWebhookTarget(endpoint.url, deps.settings);
  } catch (error) {
    const message = isAppError(error) ? error.message : "The webhook URL could not be checked.";
    return { statusCode: null, latencyMs: 0, excerpt: null, error: message };
  }
  const body = envelopeOf(row);
  const signature = new Webhook(signingSecretOf(deps.settings, endpoint)).sign(row.id, now, body);
  return postWebhook(
    target,
    body,
    {
      "content-type": "application/json",
      "user-agent": "Switchboard-Webhooks/1",
      "webhook-id": row.id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    },
    deps.settings.timeoutMs,
  );
}

/** The endpoint's health after an attempt: cleared by a success, disabled after a day of failures. */
async function judgeEndpoint(
  deps: WebhookDeps,
  endpointId: string,
  ok: boolean,
  now: Date,
): Promise<boolean> {
  if (ok) {
    await deps.db
      .update(webhookEndpoints)
      .set({ failingSince: null })
      .where(and(eq(webhookEndpoints.id, endpointId), sql`${webhookEndpoints.failingSince} is not null`));
    return false;
  }
  const [endpoint] = await deps.db
    .update(webhookEndpoints)
    .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)` })
    .where(eq(webhookEndpoints.id, endpointId))
    .returning({ failingSince: webhookEndpoints.failingSince, enabled: webhookEndpoints.enabled });
  if (!endpoint?.enabled || !endpoint.failingSince) return false;
  if (now.getTime() - endpoint.failingSince.getTime() < DISABLE_AFTER_MS) return false;
  const [disabled] = await deps.db
    .update(webhookEndpoints)
    .set({
      enabled: false,
      disabledAt: now,
      disabledReason: `Disabled automatically: no delivery succeeded since ${endpoint.failingSince.toISOString()} (24 hours).`,
      updatedAt: now,
    })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
    .returning({ id: webhookEndpoints.id });
  if (!disabled) return false;
  await failPending(deps.db, endpointId, "The endpoint was disabled after failing for 24 hours.");
  deps.log.warn({ endpointId }, "webhook endpoint disabled after failing for 24 hours");
  await deps.endpointDisabled(endpointId);
  return true;
}

/** Runs one attempt of a delivery; answers what became of it. */
export async function attemptDelivery(deps: WebhookDeps, deliveryId: string): Promise<AttemptResult> {
  const now = deps.clock();
  const row = await claim(deps, deliveryId, now);
  if (!row) return "skipped";
  const [endpoint] = await deps.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, row.endpointId));
  if (!endpoint?.enabled) {
    await failPending(deps.db, row.endpointId, "The endpoint is disabled.");
    return "failed";
  }
  const outcome = await send(deps, row, endpoint, now);
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const attempts = row.attempts + 1;
  const delayMs = ok ? null : retryDelayMs(deps.settings.retrySchedule, attempts);
  const status = ok ? "delivered" : delayMs === null ? "failed" : "pending";
  await deps.db.insert(webhookAttempts).values({
    deliveryId: row.id,
    attemptedAt: now,
    statusCode: outcome.statusCode,
    latencyMs: outcome.latencyMs,
    responseExcerpt: outcome.excerpt,
    error: outcome.error,
  });
  await deps.db
    .update(webhookDeliveries)
    .set({
      status,
      attempts,
      nextAttemptAt: delayMs === null ? null : new Date(now.getTime() + delayMs),
      lastStatusCode: outcome.statusCode,
      lastLatencyMs: outcome.latencyMs,
      lastResponseExcerpt: outcome.excerpt,
      lastError: outcome.error,
      ...(ok ? { deliveredAt: now } : {}),
    })
    .where(eq(webhookDeliveries.id, row.id));
  const disabled = await judgeEndpoint(deps, row.endpointId, ok, now);
  if (status === "pending" && !disabled)
    await enqueueAttempt(deps, { id: row.id, attempts }, { delayMs: delayMs! });
  return ok ? "delivered" : status === "failed" || disabled ? "failed" : "retry";
}
