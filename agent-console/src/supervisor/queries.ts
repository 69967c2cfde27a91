/** The wall's reads and actions, as TanStack Query hooks. Live pushes patch the same keys (use-wall-live.ts). */
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type { Presence } from "../api/types.ts";
import { startOfTodayInViewerZone } from "../lib/viewer-zone.ts";
import type {
  AgentBoardRow,
  AppliedRemedy,
  LiveMetrics,
  MetricsInterval,
  QueueRef,
  QueueStats,
  Remedy,
  SlaBoard,
} from "./types.ts";

export const wallKeys = {
  queueStats: ["wall", "queue-stats"] as const,
  metrics: ["wall", "metrics"] as const,
  board: ["wall", "sla-board"] as const,
  applied: ["wall", "remedies-applied"] as const,
  agents: ["wall", "agents"] as const,
  intervals: (hours: number) => ["wall", "intervals", hours] as const,
  queues: ["wall", "queues"] as const,
  dispositions: ["wall", "dispositions"] as const,
};

/** Reads `path` (its `field`, when given) and reads it again every `refetchMs`. */
function useWallRead<T>(queryKey: readonly unknown[], path: string, refetchMs: number, field?: string) {
  return useQuery({
    queryKey,
    queryFn: async () => {
      const body = await api.get<Record<string, unknown>>(path);
      return (field ? body[field] : body) as T;
    },
    refetchInterval: refetchMs,
  });
}

/** Pushed every second; the refetch only covers a socket that is down. */
export const useQueueStats = () =>
  useWallRead<QueueStats[]>(wallKeys.queueStats, "/api/queues/stats", 30_000, "queues");
export const useLiveMetrics = () => useWallRead<LiveMetrics>(wallKeys.metrics, "/api/metrics/live", 60_000);
export const useSlaBoard = () => useWallRead<SlaBoard>(wallKeys.board, "/api/sla/board", 15_000);
// Outcomes are judged ten minutes after applying, with no push: look again now and then.
export const useAppliedRemedies = () =>
  useWallRead<AppliedRemedy[]>(wallKeys.applied, "/api/sla/remedies", 15_000, "items");
export const useAgentBoard = () =>
  useWallRead<AgentBoardRow[]>(wallKeys.agents, "/api/agents/board", 10_000, "items");

export function useQueueNames() {
  return useQuery({
    queryKey: wallKeys.queues,
    queryFn: async () => (await api.get<{ items: QueueRef[] }>("/api/queues")).items,
    staleTime: 60_000,
  });
}

export function useIntervals(hours: number) {
  return useQuery({
    queryKey: wallKeys.intervals(hours),
    queryFn: async () => {
      const from = new Date(Date.now() - hours * 3_600_000).toISOString();
      const query = new URLSearchParams({ from });
      return (await api.get<{ intervals: MetricsInterval[] }>(`/api/metrics/intervals?${query}`)).intervals;
    },
    refetchInterval: 60_000,
  });
}

export interface DispositionCount {
  dispositionId: string | null;
  label: string | null;
  cases: number;
}

/** Cases resolved since midnight in the viewer's zone, per disposition code. */
export function useDispositionsToday() {
  return useQuery({
    queryKey: wallKeys.dispositions,
    queryFn: async () => {
      const midnight = startOfTodayInViewerZone();
      const query = new URLSearchParams({
        from: midnight.toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      });
      return (await api.get<{ items: DispositionCount[] }>(`/api/reports/dispositions?${query}`)).items;
    },
    refetchInterval: 60_000,
  });
}

/** A wall action; once it worked, the queries named are read again. */
function useWallAction<Input, Result>(
  action: (input: Input) => Promise<Result>,
  refresh: readonly (readonly unknown[])[],
  onDone?: (result: Result, client: QueryClient) => void,
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: action,
    onSuccess: (result) => {
      onDone?.(result, client);
      for (const queryKey of refresh) void client.invalidateQueries({ queryKey });
    },
  });
}

export const useApplyRemedy = () =>
  useWallAction(
    (remedy: Remedy) =>
      api.post<AppliedRemedy>("/api/sla/remedies", {
        kind: remedy.kind,
        caseId: remedy.caseId,
        queueId: remedy.queueId,
        params: remedy.params,
        predicted: remedy.predicted,
      }),
    [wallKeys.board, wallKeys.agents],
    (applied, client) =>
      client.setQueryData<AppliedRemedy[]>(wallKeys.applied, (list) => [
        applied,
        ...(list ?? []).filter((item) => item.id !== applied.id),
      ]),
  );

export const useAssignCase = () =>
  useWallAction(
    (input: { caseId: string; agentId: string; note?: string }) =>
      api.post(`/api/cases/${encodeURIComponent(input.caseId)}/assign`, {
        agentId: input.agentId,
        ...(input.note ? { note: input.note } : {}),
      }),
    [wallKeys.agents, wallKeys.board],
  );

export const useSetAgentPresence = () =>
  useWallAction(
    (input: { agentId: string; status: Presence; reason?: string }) =>
      api.post(`/api/agents/${encodeURIComponent(input.agentId)}/presence`, {
        status: input.status,
        ...(input.reason ? { reason: input.reason } : {}),
      }),
    [wallKeys.agents],
  );
