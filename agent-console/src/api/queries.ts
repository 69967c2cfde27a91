/** Reads and writes against the REST API, as TanStack Query hooks. */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { Disposition } from "../admin/types.ts";
import { signedInAgentId, useSession } from "../state/session-store.ts";
import { addInteraction } from "./cache.ts";
import { api } from "./client.ts";
import { type CaseListScope, type InboxFilters, queryKeys } from "./query-keys.ts";
import type {
  Agent,
  CaseAction,
  CaseDetail,
  CasePage,
  CaseSummary,
  Channel,
  Interaction,
  Presence,
  Priority,
  Queue,
  SlaTarget,
} from "./types.ts";

const LIST_QUERIES: Record<CaseListScope, string> = {
  mine: "/api/cases?assignee=me&status=open&limit=50",
  open: "/api/cases?status=open&limit=50",
};

/** Disposition codes, retired ones included (a case may carry one); agents are offered the others. */
export function useDispositions() {
  return useQuery({
    queryKey: ["dispositions"],
    queryFn: async () => (await api.get<{ items: Disposition[] }>("/api/dispositions?all=true")).items,
    staleTime: 60_000,
  });
}

/** My work per channel as routing counts it; re-read when my cases change and every few seconds. */
export function useMyLoad(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.myLoad,
    queryFn: () => api.get<Record<Channel, number>>("/api/me/load"),
    enabled,
    refetchInterval: 5_000,
  });
}

export function useMe() {
  const agentId = useSession(signedInAgentId);
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: () => api.get<Agent>("/api/me"),
    enabled: !!agentId,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * "My cases" is kept current by pushes (they reach the assignee); the team-wide list is re-read
 * every few seconds, since pushing every change to every console does not scale.
 */
export function useCaseList(scope: CaseListScope) {
  return useQuery({
    queryKey: queryKeys.cases(scope),
    queryFn: () => api.get<CasePage>(LIST_QUERIES[scope]),
    refetchInterval: scope === "mine" ? false : 10_000,
  });
}

export function useCaseDetail(caseId: string) {
  return useQuery({
    queryKey: queryKeys.case(caseId),
    queryFn: () => api.get<CaseDetail>(`/api/cases/${encodeURIComponent(caseId)}`),
  });
}

export function useSetPresence() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ status, reason }: { status: Presence; reason?: string }) =>
      api.post<Agent>("/api/me/presence", { status, ...(reason ? { reason } : {}) }),
    onSuccess: (agent) => client.setQueryData(queryKeys.me, agent),
  });
}

export function usePostInteraction(caseId: string, kind: "reply" | "note") {
  const client = useQueryClient();
  const me = useMe().data;
  return useMutation({
    mutationFn: ({ body, cc }: { body: string; cc?: string[] }) =>
      api.post<Interaction>(
        `/api/cases/${encodeURIComponent(caseId)}/${kind === "reply" ? "replies" : "notes"}`,
        { body, ...(cc?.length ? { cc } : {}) },
      ),
    onSuccess: (interaction) =>
      addInteraction(client, { ...interaction, author: me ? { id: me.id, name: me.name } : null }),
  });
}

export function useCaseAction(caseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: CaseAction) =>
      api.post<Omit<CaseSummary, "contact">>(`/api/cases/${encodeURIComponent(caseId)}/actions`, { action }),
    onSuccess: (updated) => {
      client.setQueryData<CaseDetail>(
        queryKeys.case(caseId),
        (detail) => detail && { ...detail, ...updated },
      );
      // The new state allows other actions: fetch them.
      void client.invalidateQueries({ queryKey: queryKeys.case(caseId) });
      void client.invalidateQueries({ queryKey: ["cases"] });
    },
  });
}

/** Takes a waiting case from its page: assigned to me at once, or the server says why not. */
export function useTakeCase(caseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Omit<CaseSummary, "contact">>(`/api/cases/${encodeURIComponent(caseId)}/take`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.case(caseId) });
      void client.invalidateQueries({ queryKey: ["cases"] });
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
    },
  });
}

const INBOX_PAGE = 100;

export function inboxPath(filters: InboxFilters, cursor: string | null): string {
  const params = new URLSearchParams({ limit: String(INBOX_PAGE) });
  if (filters.assignee !== "any") params.set("assignee", filters.assignee);
  if (filters.queueId) params.set("queue", filters.queueId);
  if (filters.status.length) params.set("status", filters.status.join(","));
  if (filters.channel.length) params.set("channel", filters.channel.join(","));
  if (filters.priority.length) params.set("priority", filters.priority.join(","));
  if (filters.sla.length) params.set("sla", filters.sla.join(","));
  if (filters.csat.length) params.set("csat", filters.csat.join(","));
  if (filters.q.trim()) params.set("q", filters.q.trim());
  for (const [key, value] of Object.entries(filters.fields ?? {})) if (value) params.set(`cf.${key}`, value);
  if (cursor) params.set("cursor", cursor);
  return `/api/cases?${params}`;
}

/**
 * The inbox table: pages of 100 read on demand as the agent scrolls, re-read every 15 s while only
 * the first few pages are loaded (re-reading every page of a long scroll would cost more than it shows).
 */
export function useInboxCases(filters: InboxFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.inbox(filters),
    queryFn: ({ pageParam }) => api.get<CasePage>(inboxPath(filters, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) > 3 ? false : 15_000),
  });
}

export function useQueues() {
  return useQuery({
    queryKey: queryKeys.queues,
    queryFn: () => api.get<{ items: Queue[] }>("/api/queues"),
    staleTime: 5 * 60_000,
    select: (page) => page.items,
  });
}

/** Every case of one contact, newest activity first: the "other cases" of the 360° view. */
export function useContactCases(contactId: string | undefined) {
  return useQuery({
    queryKey: queryKeys.contactCases(contactId ?? ""),
    queryFn: () => api.get<CasePage>(`/api/cases?contact=${encodeURIComponent(contactId!)}&limit=50`),
    enabled: !!contactId,
  });
}

export function useCaseSla(caseId: string) {
  return useQuery({
    queryKey: queryKeys.caseSla(caseId),
    queryFn: () => api.get<{ items: SlaTarget[] }>(`/api/cases/${encodeURIComponent(caseId)}/sla`),
    select: (page) => page.items,
  });
}

function afterCaseChange(client: ReturnType<typeof useQueryClient>, caseId: string, summary: CaseSummary) {
  client.setQueryData<CaseDetail>(queryKeys.case(caseId), (detail) => {
    if (!detail) return detail;
    const { contact: _contact, ...fields } = summary;
    return { ...detail, ...fields };
  });
  void client.invalidateQueries({ queryKey: queryKeys.case(caseId) });
  void client.invalidateQueries({ queryKey: ["cases"] });
  void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
}

export function useEditCase(caseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (edit: {
      priority?: Priority;
      tags?: string[];
      subject?: string;
      dispositionId?: string | null;
    }) => api.patch<CaseSummary>(`/api/cases/${encodeURIComponent(caseId)}`, edit),
    onSuccess: (summary) => afterCaseChange(client, caseId, summary),
  });
}

export function useTransferCase(caseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (target: { toQueueId?: string; toAgentId?: string; note?: string }) =>
      api.post<CaseSummary>(`/api/cases/${encodeURIComponent(caseId)}/transfer`, target),
    onSuccess: (summary) => afterCaseChange(client, caseId, summary),
  });
}

export interface Colleague {
  id: string;
  name: string;
  presence: Presence;
}

/** Active colleagues: whom a case can be transferred to, or a note can mention. */
export function useAgentDirectory(enabled = true) {
  return useQuery({
    queryKey: ["agent-directory"],
    queryFn: () => api.get<{ items: Colleague[] }>("/api/agents/directory"),
    enabled,
    staleTime: 30_000,
    select: (page) => page.items,
  });
}

/** How many of the customer's other cases the combined timeline reads. */
const HISTORY_CASES = 10;

export type HistoryInteraction = Interaction & { fromCase?: { id: string; number: number } };

/**
 * The customer's other cases' interactions beside this case's, on one timeline across channels.
 * Reads the most recent other cases only when asked for.
 */
export function useCustomerHistory(detail: CaseDetail | undefined, enabled: boolean) {
  const others = useContactCases(detail?.contact.id);
  const otherCases = (others.data?.items ?? [])
    .filter((item) => item.id !== detail?.id)
    .slice(0, HISTORY_CASES);
  const details = useQueries({
    queries: otherCases.map((item) => ({
      queryKey: queryKeys.case(item.id),
      queryFn: () => api.get<CaseDetail>(`/api/cases/${encodeURIComponent(item.id)}`),
      enabled,
    })),
  });
  const interactions: HistoryInteraction[] = [...(detail?.interactions ?? [])];
  if (enabled)
    for (const result of details)
      if (result.data)
        for (const interaction of result.data.interactions)
          interactions.push({ ...interaction, fromCase: { id: result.data.id, number: result.data.number } });
  interactions.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return {
    otherCount: otherCases.length,
    interactions,
    loading: enabled && details.some((result) => result.isPending),
  };
}

/** "Take next": the best waiting case this agent may handle, assigned at once (null when none waits). */
export function useTakeNext() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api.post<{ case: CaseSummary | null; nothing?: { code: string; message: string } }>("/api/me/next"),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["cases"] });
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
    },
  });
}
