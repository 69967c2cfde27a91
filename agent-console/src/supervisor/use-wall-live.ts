/**
 * Folds the supervisors' pushes on the console's `/agent` socket into the wall's queries: queue figures
 * and live metrics are replaced as they arrive; SLA, presence and case changes make the board and the
 * agent grid re-read, at most once a second however many events arrive.
 */
import { notifications } from "@mantine/notifications";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { type AgentEvents, agentSocket } from "../api/socket.ts";
import { useLive } from "../state/live-store.ts";
import { wallKeys } from "./queries.ts";
import type { QueueStats } from "./types.ts";

const REFETCH_AFTER_MS = 1_000;

function debouncedInvalidate(client: QueryClient, queryKey: readonly unknown[]) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    request() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void client.invalidateQueries({ queryKey });
      }, REFETCH_AFTER_MS);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}

export function useWallLive(): void {
  const client = useQueryClient();
  const connection = useLive((s) => s.connection);

  useEffect(() => {
    // The socket belongs to the console (use-live-sync.ts); the wall listens on it while connected,
    // and a reconnect (which re-reads every query) attaches the listeners again.
    const socket = agentSocket();
    if (!socket || connection !== "connected") return;
    const board = debouncedInvalidate(client, wallKeys.board);
    const agents = debouncedInvalidate(client, wallKeys.agents);

    const onQueueStats: AgentEvents["queue.stats"] = (push) => {
      // Only queues whose figures changed are pushed: merge them into what is shown.
      client.setQueryData<QueueStats[]>(wallKeys.queueStats, (current) => {
        const byId = new Map((current ?? []).map((queue) => [queue.queueId, queue]));
        for (const queue of push.queues) byId.set(queue.queueId, queue);
        return [...byId.values()];
      });
    };
    const onMetrics: AgentEvents["metrics.live"] = (metrics) =>
      client.setQueryData(wallKeys.metrics, metrics);
    const onSlaChanged = () => board.request();
    const onEscalated: AgentEvents["sla.escalated"] = (event) => {
      board.request();
      notifications.show({ color: "orange", title: `Escalation: ${event.ruleName}`, message: event.message });
    };
    const onAgentChange = () => agents.request();

    const handlers: Partial<AgentEvents> = {
      "queue.stats": onQueueStats,
      "metrics.live": onMetrics,
      "sla.changed": onSlaChanged,
      "sla.escalated": onEscalated,
      "agent.presence": onAgentChange,
      "case.updated": onAgentChange,
    };
    const entries = Object.entries(handlers) as [keyof AgentEvents, () => void][];
    for (const [event, handler] of entries) socket.on(event, handler);
    return () => {
      board.cancel();
      agents.cancel();
      for (const [event, handler] of entries) socket.off(event, handler);
    };
  }, [client, connection]);
}
