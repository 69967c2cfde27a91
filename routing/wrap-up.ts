/**
 * When a case stops occupying an agent: the agent's idle clock restarts (longest-idle routing), and
 * after a chat or call the queue's wrap-up time keeps new offers away until it ends. Written with the
 * case's change, in the same statement.
 */
import type { CasePlan } from "../cases/case-plan.ts";
import type { Channel } from "../db/schema/cases.ts";
import type { RoutingConfigCache } from "./config-cache.ts";

const WRAP_UP_CHANNELS = new Set<Channel>(["chat", "voice"]);

export function createCapacityReleased(config: RoutingConfigCache) {
  return async function capacityReleased(
    plan: CasePlan,
    release: { agentId: string; channel: Channel; queueId: string | null; at: Date },
  ): Promise<void> {
    const wrapUpSeconds =
      WRAP_UP_CHANNELS.has(release.channel) && release.queueId
        ? ((await config.get(plan.executor)).queues.get(release.queueId)?.wrapUpSeconds ?? 0)
        : 0;
    const until = new Date(release.at.getTime() + wrapUpSeconds * 1000);
    plan.write.agents.push({
      agentId: release.agentId,
      lastWorkEndedAt: release.at,
      ...(wrapUpSeconds > 0 ? { wrapUpUntil: until } : {}),
    });
    if (wrapUpSeconds > 0) {
      // When wrap-up ends, the agent can take work again: look at the queues then.
      plan.afterWrite((_written, uow) =>
        uow.schedule(
          "route-queue",
          { queueId: "all" },
          { jobId: `wrap-up-${release.agentId}-${until.getTime()}`, delayMs: wrapUpSeconds * 1000 },
        ),
      );
    }
  };
}
