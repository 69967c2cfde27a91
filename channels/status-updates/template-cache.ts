import { eq } from "drizzle-orm";
import type { Executor } from "../../db/connect.ts";
import type { Channel } from "../../db/schema/cases.ts";
import { type NotificationEvent, notificationTemplates } from "../../db/schema/channels.ts";

/** Enabled templates by event and channel, kept a moment: every transition may look one up. */
export interface TemplateCache {
  get(
    executor: Executor,
    event: NotificationEvent,
    channel: Channel,
  ): Promise<typeof notificationTemplates.$inferSelect | null>;
  invalidate(): void;
}

export function createTemplateCache(ttlMs = 2000): TemplateCache {
  let cached: { byKey: Map<string, typeof notificationTemplates.$inferSelect>; at: number } | undefined;
  let generation = 0;
  return {
    async get(executor, event, channel) {
      if (!cached || Date.now() - cached.at >= ttlMs) {
        const started = generation;
        const rows = await executor
          .select()
          .from(notificationTemplates)
          .where(eq(notificationTemplates.enabled, true));
        const byKey = new Map(rows.map((row) => [`${row.event}:${row.channel}`, row]));
        if (started !== generation) return byKey.get(`${event}:${channel}`) ?? null;
        cached = { byKey, at: Date.now() };
      }
      return cached.byKey.get(`${event}:${channel}`) ?? null;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
    },
  };
}
