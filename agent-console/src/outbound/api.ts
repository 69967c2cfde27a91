/** The outbound API as TanStack Query hooks: the agent's calls and the supervisor's lists, campaigns and do-not-call list. */
import { type QueryKey, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type { Queue } from "../api/types.ts";
import type {
  Callback,
  CallList,
  Campaign,
  CampaignFields,
  ColumnMapping,
  CsvPreview,
  CurrentCall,
  Dashboard,
  DispositionInput,
  DispositionResult,
  DoNotCallEntry,
  DoNotCallImport,
  ImportProgress,
  Items,
  ListImport,
  PlacedCall,
  RecordView,
} from "./types.ts";

const BASE = "/api/outbound";
const id = (value: string) => encodeURIComponent(value);

export const outboundKeys = {
  all: ["outbound"] as const,
  campaigns: ["outbound", "campaigns"] as const,
  lists: ["outbound", "lists"] as const,
  callbacks: ["outbound", "callbacks"] as const,
  myCall: ["outbound", "my-call"] as const,
  dnc: ["outbound", "dnc"] as const,
  queues: ["outbound", "queues"] as const,
  dashboard: (campaignId: string) => ["outbound", "dashboard", campaignId] as const,
  importProgress: (importId: string) => ["outbound", "import", importId] as const,
};

const itemsOf =
  <T>(path: string) =>
  async () =>
    (await api.get<Items<T>>(path)).items;

/** A write that, once it succeeds, marks the given queries stale. */
/**
 * A write, then the queries it made stale are fetched again. `onWritten` hears the answer first: a
 * callback passed to `mutate` would be dropped when the refetch unmounts the form that asked (the
 * current call's wrap-up disappears once the call is wrapped up).
 */
function useWrite<TInput, TOutput>(
  write: (input: TInput) => Promise<TOutput>,
  stale: QueryKey[],
  onWritten?: (output: TOutput) => void,
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async (output) => {
      onWritten?.(output);
      await Promise.all(stale.map((queryKey) => client.invalidateQueries({ queryKey })));
    },
  });
}

/** What a new campaign starts from: the server's defaults, retry rules included. */
export const useCampaignDefaults = () =>
  useQuery({
    queryKey: ["outbound", "campaign-defaults"],
    queryFn: () =>
      api.get<Omit<CampaignFields, "name" | "listId" | "mode" | "callerId">>(`${BASE}/campaign-defaults`),
    staleTime: Number.POSITIVE_INFINITY,
  });

/** Whether calls can be placed here (Twilio set up), and what to do when not. */
export const useOutboundReadiness = () =>
  useQuery({
    queryKey: ["outbound", "readiness"],
    queryFn: () => api.get<{ calls: boolean; message: string | null }>(`${BASE}/readiness`),
    staleTime: 60_000,
  });

export const useCampaigns = () =>
  useQuery({ queryKey: outboundKeys.campaigns, queryFn: itemsOf<Campaign>(`${BASE}/campaigns`) });
export const useCallLists = () =>
  useQuery({ queryKey: outboundKeys.lists, queryFn: itemsOf<CallList>(`${BASE}/lists`) });
export const useCallbacks = () =>
  useQuery({
    queryKey: outboundKeys.callbacks,
    queryFn: itemsOf<Callback>(`${BASE}/callbacks`),
    refetchInterval: 30_000,
  });
export const useDoNotCall = () =>
  useQuery({ queryKey: outboundKeys.dnc, queryFn: itemsOf<DoNotCallEntry>(`${BASE}/dnc?limit=200`) });
export const useQueues = () =>
  useQuery({ queryKey: outboundKeys.queues, queryFn: itemsOf<Queue>("/api/queues") });

/** Figures of one campaign, refreshed while the page is open. */
export const useDashboard = (campaignId: string) =>
  useQuery({
    queryKey: outboundKeys.dashboard(campaignId),
    queryFn: () => api.get<Dashboard>(`${BASE}/campaigns/${id(campaignId)}/dashboard`),
    refetchInterval: 5_000,
  });

/** An import's progress, asked for every second until it is done or failed. */
export const useImportProgress = (importId: string) =>
  useQuery({
    queryKey: outboundKeys.importProgress(importId),
    queryFn: () => api.get<ImportProgress>(`${BASE}/imports/${id(importId)}?limit=1000`),
    refetchInterval: (query) =>
      query.state.data?.status === "done" || query.state.data?.status === "failed" ? false : 1_000,
  });

/**
 * The campaign call the agent is on or has to wrap up. Progressive and predictive calls arrive
 * without a click, so it is asked for every few seconds (and at once when the softphone rings).
 */
export const useMyCampaignCall = (options: { enabled?: boolean } = {}) =>
  useQuery({
    queryKey: outboundKeys.myCall,
    queryFn: async () => (await api.get<{ call: CurrentCall | null }>(`${BASE}/my-call`)).call,
    refetchInterval: 3_000,
    enabled: options.enabled ?? true,
  });

/** The record to call next (the same one until it has a disposition); `next` is null when none is due. */
export const useNextRecord = () =>
  useMutation({
    mutationFn: (campaignId: string) =>
      api.get<{ next: RecordView | null }>(`${BASE}/campaigns/${id(campaignId)}/next`),
  });

export const usePlaceCall = () =>
  useMutation({
    mutationFn: (recordId: string) => api.post<PlacedCall>(`${BASE}/records/${id(recordId)}/call`),
  });

export const useDisposition = (onSaved?: (result: DispositionResult) => void) =>
  useWrite(
    ({ recordId, ...body }: DispositionInput & { recordId: string }) =>
      api.post<DispositionResult>(`${BASE}/records/${id(recordId)}/disposition`, body),
    [outboundKeys.callbacks, outboundKeys.myCall],
    onSaved,
  );

export const useCreateList = () =>
  useWrite(
    (body: { name: string; description?: string }) => api.post<CallList>(`${BASE}/lists`, body),
    [outboundKeys.lists],
  );

export const usePreviewCsv = () =>
  useMutation({ mutationFn: (csv: string) => api.post<CsvPreview>(`${BASE}/lists/preview`, { csv }) });

export const useStartImport = () =>
  useWrite(
    ({ listId, ...body }: { listId: string; csv: string; mapping: ColumnMapping; defaultCountry?: string }) =>
      api.post<ListImport>(`${BASE}/lists/${id(listId)}/imports`, body),
    [],
  );

export const useSaveCampaign = () =>
  useWrite(
    ({ campaignId, fields }: { campaignId?: string; fields: Partial<CampaignFields> }) =>
      campaignId
        ? api.patch<Campaign>(`${BASE}/campaigns/${id(campaignId)}`, fields)
        : api.post<Campaign>(`${BASE}/campaigns`, fields),
    [outboundKeys.campaigns],
  );

export type CampaignAction = "start" | "pause" | "recycle";

export const useCampaignAction = () =>
  useWrite(
    ({ campaignId, action }: { campaignId: string; action: CampaignAction }) =>
      api.post<Campaign | { recycled: number }>(`${BASE}/campaigns/${id(campaignId)}/${action}`, {}),
    [outboundKeys.campaigns, outboundKeys.all],
  );

export const useAddDoNotCall = () =>
  useWrite(
    (body: { phone: string; campaignId?: string | null; reason?: string }) =>
      api.post<DoNotCallEntry>(`${BASE}/dnc`, body),
    [outboundKeys.dnc],
  );

export const useImportDoNotCall = () =>
  useWrite(
    (body: { csv: string; campaignId?: string | null; defaultCountry?: string }) =>
      api.post<DoNotCallImport>(`${BASE}/dnc/import`, body),
    [outboundKeys.dnc],
  );
