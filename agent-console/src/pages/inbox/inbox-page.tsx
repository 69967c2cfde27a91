/** The inbox: my cases and the team's queues, filtered and searched on the server, in one long table. */
import { Alert, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useMemo, useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { useInboxCases, useMe, useTakeNext } from "../../api/queries.ts";
import type { InboxFilters } from "../../api/query-keys.ts";
import { navigate } from "../../lib/router.ts";
import { DEFAULT_FILTERS, InboxFilterBar } from "./inbox-filters.tsx";
import { InboxTable } from "./inbox-table.tsx";

const STORAGE_KEY = "switchboard.inbox-filters";

function storedFilters(): InboxFilters {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? { ...DEFAULT_FILTERS, ...(JSON.parse(raw) as Partial<InboxFilters>) } : DEFAULT_FILTERS;
  } catch {
    return DEFAULT_FILTERS;
  }
}

/** Marks, once per page load, when the inbox first showed its rows (or that there are none). */
let firstRowsMarked = false;

/** The filters, kept for the tab's session so returning from a case finds the inbox as it was. */
function useStoredFilters() {
  const [filters, setFilters] = useState<InboxFilters>(storedFilters);
  useEffect(() => {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(filters));
    } catch {
      // Storage unavailable: the filters last until reload.
    }
  }, [filters]);
  return [filters, setFilters] as const;
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
function InboxHeader({ count }: { count: string }) {
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
        <TakeNextButton />
      </Group>
    </Group>
  );
}

export function InboxPage() {
  const [filters, setFilters] = useStoredFilters();
  const query = useInboxCases(filters);
  const cases = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

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
        count={
          query.isSuccess
            ? `${cases.length}${hasNextPage ? "+" : ""} ${cases.length === 1 && !hasNextPage ? "case" : "cases"}`
            : ""
        }
      />
      <InboxFilterBar
        filters={filters}
        onChange={(patch) => setFilters((current) => ({ ...current, ...patch }))}
      />
      {query.isError && (
        <Alert color="red" variant="light" title="Cases could not be loaded">
          {errorMessage(query.error)}
        </Alert>
      )}
      <InboxTable
        cases={cases}
        loading={query.isPending}
        hasMore={!!hasNextPage}
        loadingMore={isFetchingNextPage}
        onLoadMore={loadMore}
        emptyText={
          filters.scope === "mine" && filters.status.join() === "open" && !filters.q
            ? "No open cases assigned to you. Accepted offers show up here."
            : "No cases match these filters."
        }
      />
    </Stack>
  );
}
