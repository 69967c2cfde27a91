/** The Reports page's reads and the export actions, as TanStack Query hooks. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type { ExportJob, ExportKind, Report, ReportPeriod } from "./types.ts";

const reportKeys = {
  report: (period: ReportPeriod) => ["reports", period] as const,
  exports: ["reports", "exports"] as const,
};

function periodQuery(period: ReportPeriod): URLSearchParams {
  const query = new URLSearchParams({ from: period.from, to: period.to, timeZone: period.timeZone });
  if (period.queueId) query.set("queueId", period.queueId);
  return query;
}

export function useReport(period: ReportPeriod | null) {
  return useQuery({
    queryKey: reportKeys.report(period ?? { from: "", to: "", timeZone: "", queueId: null }),
    queryFn: () => api.get<Report>(`/api/reports?${periodQuery(period!)}`),
    enabled: period !== null,
    staleTime: 60_000,
  });
}

/** My exports; read again every second while one is still being written. */
export function useExports() {
  return useQuery({
    queryKey: reportKeys.exports,
    queryFn: async () => (await api.get<{ items: ExportJob[] }>("/api/exports")).items,
    refetchInterval: (query) =>
      query.state.data?.some((job) => job.status === "queued" || job.status === "running") ? 1000 : false,
  });
}

export function useStartExport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, period }: { kind: ExportKind; period: ReportPeriod }) =>
      api.post<ExportJob>("/api/exports", {
        kind,
        from: period.from,
        to: period.to,
        timeZone: period.timeZone,
        ...(period.queueId ? { queueId: period.queueId } : {}),
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: reportKeys.exports }),
  });
}
