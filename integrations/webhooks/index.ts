/**
 * Outbound webhooks, assembled: hears every batch of committed domain events, and when some
 * enabled endpoint wants one of their types, writes the deliveries (which enqueue their attempts).
 * The composition root builds it once and hands it the events (server/plugins/channels.ts).
 */
import type { DomainEvent } from "../../cases/events.ts";
import { webhookEventsOf } from "./catalogue.ts";
import { writeDeliveries } from "./deliveries.ts";
import type { WebhookDeps } from "./ports.ts";
import { createSubscriptions, type WebhookSubscriptions } from "./subscriptions.ts";

export { attemptDelivery } from "./deliver.ts";
export { queueWebhookDelivery, replayDelivery, sweepOverdueDeliveries } from "./deliveries.ts";
export { DELIVER_WEBHOOK_JOB, WEBHOOK_SWEEP_JOB, type WebhookDeps, type WebhookSettings } from "./ports.ts";

/** How soon another process's endpoint change reaches this one's in-memory event types. */
export const SUBSCRIPTIONS_REFRESH_MS = 5_000;

export interface Webhooks {
  deps: WebhookDeps;
  subscriptions: WebhookSubscriptions;
  /** Called with every batch of committed events; returns at once (the writes run after). */
  onEvents(events: readonly DomainEvent[]): void;
  /** Resolves when the writes started so far are done. */
  idle(): Promise<void>;
  stop(): void;
}

export function createWebhooks(deps: WebhookDeps, onError: (error: unknown) => void): Webhooks {
  const subscriptions = createSubscriptions(deps.db, SUBSCRIPTIONS_REFRESH_MS, onError);
  const inFlight = new Set<Promise<unknown>>();
  // Batches are written one after another: a case's events keep their order in `seq`.
  let chain: Promise<unknown> = Promise.resolve();
  return {
    deps,
    subscriptions,
    onEvents(events) {
      const wanted = events.flatMap(webhookEventsOf).filter((event) => subscriptions.wants(event.type));
      if (!wanted.length) return;
      const next = chain.then(() => writeDeliveries(deps, wanted)).catch(onError);
      chain = next;
      inFlight.add(next);
      void next.finally(() => inFlight.delete(next));
    },
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    stop: () => subscriptions.stop(),
  };
}
