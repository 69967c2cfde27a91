/**
 * Folds live socket events into TanStack Query's cache, so lists and the open case change without a
 * refetch. The server stays the authority: a reconnect refetches everything.
 */
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { queryKeys } from "./query-keys.ts";
import {
  type CaseDetail,
  type CasePage,
  type CaseSummary,
  type Interaction,
  type InteractionStatusEvent,
  type InteractionUpdatedEvent,
  OPEN_STATES,
  type SlaChangedEvent,
} from "./types.ts";

const byActivity = (a: CaseSummary, b: CaseSummary) => b.updatedAt.localeCompare(a.updatedAt);

function belongs(summary: CaseSummary, scope: "mine" | "open", agentId: string | undefined): boolean {
  if (!OPEN_STATES.includes(summary.state)) return false;
  return scope === "open" || summary.assigneeId === agentId;
}

/** `case.updated`: insert, move or drop the case in each list, and refresh the open case's header. */
export function applyCaseUpdate(
  client: QueryClient,
  summary: CaseSummary,
  agentId: string | undefined,
): void {
  // A case of mine (or one leaving me) changed: my load per channel may have changed with it.
  const wasMine = client
    .getQueryData<CasePage>(queryKeys.cases("mine"))
    ?.items.some((item) => item.id === summary.id);
  if (agentId && (summary.assigneeId === agentId || wasMine))
    void client.invalidateQueries({ queryKey: queryKeys.myLoad });
  for (const scope of ["mine", "open"] as const) {
    client.setQueryData<CasePage>(queryKeys.cases(scope), (page) => {
      if (!page) return page;
      const others = page.items.filter((item) => item.id !== summary.id);
      const items = belongs(summary, scope, agentId) ? [...others, summary].sort(byActivity) : others;
      return { ...page, items };
    });
  }
  const listed = patchListedCase(client, summary.id, summary);
  // A case newly assigned to this agent belongs in "my cases": the inbox asks the server again.
  if (!listed && summary.assigneeId && summary.assigneeId === agentId)
    void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
  const before = client.getQueryData<CaseDetail>(queryKeys.case(summary.id));
  client.setQueryData<CaseDetail>(queryKeys.case(summary.id), (detail) => {
    if (!detail) return detail;
    const { contact: _contact, ...fields } = summary;
    return { ...detail, ...fields };
  });
  // Another state allows other actions; the server computes them.
  if (before && before.state !== summary.state)
    void client.invalidateQueries({ queryKey: queryKeys.case(summary.id) });
}

/** A new message or note: appended once, however many times it arrives (socket and POST answer). */
export function addInteraction(client: QueryClient, interaction: Interaction): void {
  client.setQueryData<CaseDetail>(queryKeys.case(interaction.caseId), (detail) => {
    if (!detail) return detail;
    const known = detail.interactions.find((item) => item.id === interaction.id);
    if (known) {
      // Keep the author the socket knew, and never move a status backwards to the POST's `queued`.
      const merged = { ...interaction, author: interaction.author ?? known.author, status: known.status };
      return {
        ...detail,
        interactions: detail.interactions.map((i) => (i.id === interaction.id ? merged : i)),
      };
    }
    return { ...detail, interactions: [...detail.interactions, interaction] };
  });
}

export function applyInteractionStatus(client: QueryClient, event: InteractionStatusEvent): void {
  client.setQueryData<CaseDetail>(queryKeys.case(event.caseId), (detail) => {
    if (!detail) return detail;
    return {
      ...detail,
      interactions: detail.interactions.map((interaction) =>
        interaction.id === event.interactionId
          ? { ...interaction, status: event.status, statusReason: event.reason }
          : interaction,
      ),
    };
  });
}

/**
 * `interaction.updated`: an interaction's details changed (a call's progress and recordings, a
 * voicemail's transcription); the server sends the row as it now stands, and it replaces the one
 * shown. The author is the console's own knowledge (the row names only their id).
 */
export function applyInteractionUpdate(client: QueryClient, interaction: InteractionUpdatedEvent): void {
  client.setQueryData<CaseDetail>(queryKeys.case(interaction.caseId), (detail) => {
    if (!detail) return detail;
    const known = detail.interactions.find((item) => item.id === interaction.id);
    // Not shown yet: its author is not known here (null, as the case view shows one nobody wrote).
    if (!known)
      return { ...detail, interactions: [...detail.interactions, { ...interaction, author: null }] };
    const updated = { ...known, ...interaction, author: known.author };
    return {
      ...detail,
      interactions: detail.interactions.map((item) => (item.id === interaction.id ? updated : item)),
    };
  });
}

/**
 * Patches a case where the inbox table and the contact's case list show it, and says whether any
 * showed it. Rows are patched in place, never added or dropped: whether a changed case still
 * matches a filter is the server's call at the next refetch.
 */
export function patchListedCase(client: QueryClient, caseId: string, patch: Partial<CaseSummary>): boolean {
  let found = false;
  const patchItems = (items: CaseSummary[]) => {
    if (!items.some((item) => item.id === caseId)) return items;
    found = true;
    return items.map((item) => (item.id === caseId ? { ...item, ...patch } : item));
  };
  client.setQueriesData<InfiniteData<CasePage>>({ queryKey: queryKeys.inboxAll }, (data) =>
    data ? { ...data, pages: data.pages.map((page) => ({ ...page, items: patchItems(page.items) })) } : data,
  );
  client.setQueriesData<CasePage>({ queryKey: ["contact-cases"] }, (page) =>
    page ? { ...page, items: patchItems(page.items) } : page,
  );
  return found;
}

/** `sla.changed`: the badge in every list and the open case follow, and the case's targets are re-read. */
export function applySlaChange(client: QueryClient, event: SlaChangedEvent): void {
  const patch = { slaStatus: event.status, slaDueAt: event.dueAt };
  patchListedCase(client, event.caseId, patch);
  for (const scope of ["mine", "open"] as const)
    client.setQueryData<CasePage>(queryKeys.cases(scope), (page) =>
      page
        ? {
            ...page,
            items: page.items.map((item) => (item.id === event.caseId ? { ...item, ...patch } : item)),
          }
        : page,
    );
  client.setQueryData<CaseDetail>(queryKeys.case(event.caseId), (detail) =>
    detail ? { ...detail, ...patch } : detail,
  );
  void client.invalidateQueries({ queryKey: queryKeys.caseSla(event.caseId) });
}
