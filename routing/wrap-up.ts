/**
 * When a case stops occupying an agent: the agent's idle clock restarts (longest-idle routing), and
 * after a chat or call the queue's wrap-up time keeps new offers away until it ends.
 */
import { eq, sql } from "drizzle-orm";
import type { UnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import type { Channel } from "../db/schema/cases.ts";
import { queues } from "../db/schema/routing.ts";

const WRAP_UP_CHANNELS = new Set<Channel>(["chat", "voice"]);

export async function capacityReleased(
  tx: Tx,
  uow: UnitOfWork,
  release: { agentId: string; channel: Channel; queueId: string | null; at: Date },
): Promise<void> {
  let wrapUpMs = 0;
  if (WRAP_UP_CHANNELS.has(release.channel) && release.queueId) {
    const [queue] = await tx
      .select({ wrapUpSeconds: queues.wrapUpSeconds })
      .from(queues)
      .where(eq(queues.id, release.queueId));
    wrapUpMs = (queue?.wrapUpSeconds ?? 0) * 1000;
  }
  const until = new Date(release.at.getTime() + wrapUpMs);
  await tx
    .update(agents)
    .set({
      lastWorkEndedAt: release.at,
      ...(wrapUpMs > 0
        ? {
            wrapUpUntil: sql`greatest(coalesce(${agents.wrapUpUntil}, ${until.toISOString()}::timestamptz), ${until.toISOString()}::timestamptz)`,
          }
        : {}),
    })
    .where(eq(agents.id, release.agentId));
  if (wrapUpMs > 0) {
    // When wrap-up ends, the agent can take work again: look at the queues then.
    uow.schedule(
      "route-queue",
      { queueId: "all" },
      { jobId: `wrap-up-${release.agentId}-${until.getTime()}`, delayMs: wrapUpMs },
    );
  }
}
