/** The contacts screen: search, one contact, edit, and merging a duplicate after a preview. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client.ts";
import { queryKeys } from "./query-keys.ts";
import type {
  Contact,
  ContactDetail,
  ContactMerge,
  DuplicateCandidate,
  MergePreview,
  MergeResult,
} from "./types.ts";

export function useContactSearch(q: string) {
  return useQuery({
    queryKey: queryKeys.contacts(q),
    queryFn: () => api.get<{ items: Contact[] }>(`/api/contacts?q=${encodeURIComponent(q)}&limit=50`),
    placeholderData: keepPreviousData,
    select: (page) => page.items,
  });
}

export function useContact(contactId: string | null) {
  return useQuery({
    queryKey: queryKeys.contact(contactId ?? ""),
    queryFn: () => api.get<ContactDetail>(`/api/contacts/${encodeURIComponent(contactId!)}`),
    enabled: !!contactId,
  });
}

export function useUpdateContact(contactId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (edit: {
      name?: string | null;
      attributes?: Record<string, string>;
      timeZone?: string | null;
    }) => api.patch<ContactDetail>(`/api/contacts/${encodeURIComponent(contactId)}`, edit),
    onSuccess: (contact) => {
      client.setQueryData(queryKeys.contact(contactId), contact);
      void client.invalidateQueries({ queryKey: ["contacts"] });
    },
  });
}

export function useMergePreview(survivorId: string, mergedId: string | null) {
  return useQuery({
    queryKey: ["merge-preview", survivorId, mergedId],
    queryFn: () =>
      api.post<MergePreview>(`/api/contacts/${encodeURIComponent(survivorId)}/merge-preview`, { mergedId }),
    enabled: !!mergedId,
    staleTime: 0,
  });
}

/** After a merge or its undo: every contact, case list and suggestion may have changed. */
export function refreshAfterMerge(client: ReturnType<typeof useQueryClient>): void {
  void client.invalidateQueries({ queryKey: ["contacts"] });
  void client.invalidateQueries({ queryKey: ["contact"] });
  void client.invalidateQueries({ queryKey: ["contact-cases"] });
  void client.invalidateQueries({ queryKey: ["contact-duplicates"] });
  void client.invalidateQueries({ queryKey: ["contact-merges"] });
  void client.invalidateQueries({ queryKey: ["case"] });
  void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
}

export function useMergeContacts(survivorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (mergedId: string) =>
      api.post<MergeResult>(`/api/contacts/${encodeURIComponent(survivorId)}/merge`, { mergedId }),
    onSuccess: () => refreshAfterMerge(client),
  });
}

/** Undoes a merge: what it moved goes back to the merged contact (supervisors). */
export function useUndoMerge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (mergeId: string) =>
      api.post<{ mergeId: string; mergedId: string; casesMovedBack: number; identitiesMovedBack: number }>(
        `/api/contacts/merges/${encodeURIComponent(mergeId)}/undo`,
      ),
    onSuccess: () => refreshAfterMerge(client),
  });
}

/** Contacts that may be this one's duplicates, with why, best first. */
export function useDuplicates(contactId: string, enabled = true) {
  return useQuery({
    queryKey: ["contact-duplicates", contactId],
    queryFn: () =>
      api.get<{ items: DuplicateCandidate[] }>(`/api/contacts/${encodeURIComponent(contactId)}/duplicates`),
    select: (page) => page.items,
    enabled,
  });
}

/** The merges this contact took part in, newest first. */
export function useContactMerges(contactId: string) {
  return useQuery({
    queryKey: ["contact-merges", contactId],
    queryFn: () =>
      api.get<{ items: ContactMerge[] }>(`/api/contacts/${encodeURIComponent(contactId)}/merges`),
    select: (page) => page.items,
  });
}

/** Confirms an address the customer only typed in; the case views showing the contact refresh. */
export function useVerifyIdentity(contactId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (identityId: string) =>
      api.post<ContactDetail>(
        `/api/contacts/${encodeURIComponent(contactId)}/identities/${encodeURIComponent(identityId)}/verify`,
        {},
      ),
    onSuccess: (contact) => {
      client.setQueryData(queryKeys.contact(contactId), contact);
      void client.invalidateQueries({ queryKey: ["case"] });
    },
  });
}
