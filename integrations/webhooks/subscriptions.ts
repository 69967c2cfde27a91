/**
 * Which event types some enabled endpoint receives, kept in memory so the spine pays nothing for
 * webhooks nobody subscribed to: a batch of events whose types no endpoint wants costs no
 * statement. Changes made through this process refresh it at once; other processes' changes are
 * picked up within `refreshMs`.
 */
import { eq } from "drizzle-orm";
import type { Executor } from "../../db/connect.ts";
import { webhookEndpoints } from "../../db/schema/integrations.ts";

export interface WebhookSubscriptions {
  wants(type: string): boolean;
  /** Reads the enabled endpoints' event types again. */
  refresh(): Promise<void>;
  stop(): void;
}

export function createSubscriptions(
  db: Executor,
  refreshMs: number,
  onError: (error: unknown) => void,
): WebhookSubscriptions {
  let types = new Set<string>();
  let loaded = false;
  const refresh = async () => {
    const rows = await db
      .select({ events: webhookEndpoints.events })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.enabled, true));
    types = new Set(rows.flatMap((row) => row.events));
    loaded = true;
  };
  const timer = setInterval(() => void refresh().catch(onError), refreshMs);
  timer.unref();
  void refresh().catch(onError);
  return {
    // Until the first read has answered, every type is wanted (the writer then reads the endpoints).
    wants: (type) => !loaded || types.has(type),
    refresh,
    stop: () => clearInterval(timer),
  };
}
