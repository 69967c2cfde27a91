/** The inbox's own writes: bulk actions on selected cases, and saved views. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BulkAction } from "../../../server/case-bulk.ts";
import type { bulkAnswerSchema } from "../../../server/routes/case-bulk.ts";
import type { savedViewSchema } from "../../../server/routes/saved-views.ts";
import { send } from "../admin/http.ts";
import { api } from "./client.ts";
import { queryKeys } from "./query-keys.ts";
import type { Wire } from "./types.ts";

export type BulkAnswer = Wire<typeof bulkAnswerSchema>;
export type BulkResult = BulkAnswer["results"][number];
export type SavedView = Wire<typeof savedViewSchema>;

export type { BulkAction };

/** Runs one action on the selected cases; every list showing them is read again afterwards. */
export function useBulkAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { caseIds: string[]; action: BulkAction }) =>
      api.post<BulkAnswer>("/api/cases/bulk", input),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
      void client.invalidateQueries({ queryKey: ["cases"] });
      void client.invalidateQueries({ queryKey: ["case"] });
    },
  });
}

const VIEWS_KEY = ["saved-views"] as const;

/** My saved views and the shared ones. */
export function useSavedViews() {
  return useQuery({
    queryKey: VIEWS_KEY,
    queryFn: async () => (await api.get<{ items: SavedView[] }>("/api/views")).items,
    staleTime: 30_000,
  });
}

export function useSaveView() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; query: string; shared: boolean }) =>
      api.post<SavedView>("/api/views", input),
    onSuccess: () => void client.invalidateQueries({ queryKey: VIEWS_KEY }),
  });
}

export function useDeleteView() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (viewId: string) => send<null>("DELETE", `/api/views/${encodeURIComponent(viewId)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: VIEWS_KEY }),
  });
}
