/** The inbox: my cases and the team's queues, filtered and searched on the server, in one long table. */
import { Alert, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useMemo, useState } from "react";
import { errorMessage } from "../../api/client.ts";
import type { BulkAnswer } from "../../api/inbox-queries.ts";
import { useInboxCases, useMe, useTakeNext } from "../../api/queries.ts";
import type { InboxFilters } from "../../api/query-keys.ts";
import type { CaseListItem } from "../../api/types.ts";
import { navigate, navigateTo, useSearch } from "../../lib/router.ts";
import { BulkBar, BulkReport } from "./bulk-bar.tsx";
import { InboxFilterBar } from "./inbox-filters.tsx";
import { type InboxSelection, InboxTable } from "./inbox-table.tsx";
import { DEFAULT_FILTERS, filtersFromSearch, searchOfFilters } from "./inbox-url.ts";
import { SaveViewButton, ViewsMenu } from "./saved-views.tsx";

const STORAGE_KEY = "switchboard.inbox-filters";
/** One bulk action takes at most this many cases (POST /api/cases/bulk). */
const BULK_LIMIT = 100;

/** The query string of this tab's last filters; an older tab's JSON (or none) is nothing. */
function storedSearch(): string {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY) ?? "";
    return stored.startsWith("{") ? "" : stored;
  } catch {
    return "";
  }
}

/** Marks, once per page load, when the inbox first showed its rows (or that there are none). */
let firstRowsMarked = false;

/**
 * The filters are the URL's query string, so a link (or a saved view) shows the same cases. The bare
 * `/` opens the tab's last filters, so returning from a case finds the inbox as it was.
 */
function useUrlFilters() {
  const search = useSearch();
  const current = search || storedSearch() || searchOfFilters(DEFAULT_FILTERS);
  useEffect(() => {
    if (!search) navigateTo(`/?${current}`, { replace: true });
    try {
      sessionStorage.setItem(STORAGE_KEY, current);
    } catch {
      // Storage unavailable: the URL still holds the filters.
    }
  }, [search, current]);
  const filters = useMemo(() => filtersFromSearch(current), [current]);
  // Read from the URL at the time of the change, so a late (debounced) change never undoes another.
  const change = useCallback((patch: Partial<InboxFilters>) => {
    const now = filtersFromSearch(window.location.search.replace(/^\?/, ""));
    navigateTo(`/?${searchOfFilters({ ...now, ...patch })}`, { replace: true });
  }, []);
  return { filters, query: searchOfFilters(filters), change };
}

/** Ticked rows; cleared when the filters change, since other cases are then shown. */
function useSelection(cases: CaseListItem[], query: string): InboxSelection & { clear(): void } {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query is a new list.
  useEffect(() => setSelected(new Set()), [query]);
  const shown = cases.slice(0, BULK_LIMIT);
  const count = shown.filter((item) => selected.has(item.id)).length;
  return {
    selected,
    all: count === 0 ? "none" : count === shown.length ? "all" : "some",
    toggle: (caseId) =>
      setSelected((current) => {
        const next = new Set(current);
        if (!next.delete(caseId)) next.add(caseId);
        return next;
      }),
    toggleAll: () => setSelected(count === shown.length ? new Set() : new Set(shown.map((item) => item.id))),
    clear: () => setSelected(new Set()),
  };
}

/** Takes the next waiting case the agent may work, and opens it. */
function TakeNextButton() {
  const takeNext = useTakeNext();
  function next() {
    takeNext.mutate(undefined, {
      onSuccess: ({ case: taken, nothing }) => {
        if (taken) navigate({ name: "case", caseId: taken.id });
        else
          notifications.show({
            color: "gray",
            title: "Nothing to take",
            autoClose: 10_000,
            message: nothing?.message ?? "No waiting case you can take right now.",
          });
      },
      onError: (error) =>
        notifications.show({ color: "red", title: "Nothing taken", message: errorMessage(error) }),
    });
  }
  return (
    <Button size="xs" variant="light" onClick={next} loading={takeNext.isPending}>
      Take next case
    </Button>
  );
}

/** The heading, whether offers reach the agent, how many cases are shown, and "Take next case". */
function InboxHeader({ count, query }: { count: string; query: string }) {
  const presence = useMe().data?.presence;
  return (
    <Group justify="space-between" align="baseline">
      <Group gap="sm" align="baseline">
        <Title order={1} fz="h3">
          Inbox
        </Title>
        <Text fz="sm" c={presence === "available" ? "green.8" : "dimmed"} data-testid="presence-hint">
          {presence === "available"
            ? "Waiting for the next conversation"
            : "You are not receiving conversations: set yourself Available to get offers."}
        </Text>
      </Group>
      <Group gap="sm">
        <Text fz="xs" c="dimmed" aria-live="polite">
          {count}
        </Text>
        <ViewsMenu current={query} />
        <SaveViewButton query={query} />
        <TakeNextButton />
      </Group>
    </Group>
  );
}

export function InboxPage() {
  const { filters, query: filterQuery, change } = useUrlFilters();
  const query = useInboxCases(filters);
  const cases = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const selection = useSelection(cases, filterQuery);
  const [report, setReport] = useState<BulkAnswer | null>(null);
  const numbers = useMemo(() => new Map(cases.map((item) => [item.id, item.number])), [cases]);

  useEffect(() => {
    if (firstRowsMarked || !query.isSuccess) return;
    firstRowsMarked = true;
    // After the browser has painted the rows, not merely when the data arrived.
    requestAnimationFrame(() => performance.mark("inbox-first-rows", { detail: { rows: cases.length } }));
  }, [query.isSuccess, cases.length]);

  useHotkeys([["/", () => document.getElementById("inbox-search")?.focus()]]);

  return (
    <Stack gap="sm" p="md" h="100%" style={{ minHeight: 0 }} data-testid="inbox-page">
      <InboxHeader
        query={filterQuery}
        count={
          query.isSuccess
            ? `${cases.length}${hasNextPage ? "+" : ""} ${cases.length === 1 && !hasNextPage ? "case" : "cases"}`
            : ""
        }
      />
      <InboxFilterBar filters={filters} onChange={change} />
      {query.isError && (
        <Alert color="red" variant="light" title="Cases could not be loaded">
          {errorMessage(query.error)}
        </Alert>
      )}
      {selection.selected.size > 0 && (
        <BulkBar
          selectedIds={[...selection.selected]}
          onClear={selection.clear}
          onDone={(answer) => {
            setReport(answer);
            selection.clear();
          }}
        />
      )}
      {report && <BulkReport answer={report} numbers={numbers} onClose={() => setReport(null)} />}
      <InboxTable
        cases={cases}
        loading={query.isPending}
        hasMore={!!hasNextPage}
        loadingMore={isFetchingNextPage}
        onLoadMore={loadMore}
        selection={selection}
        emptyText={
          filters.assignee === "me" && filters.status.join() === "open" && !filters.q
            ? "No open cases assigned to you. Accepted offers show up here."
            : "No cases match these filters."
        }
      />
    </Stack>
  );
}
