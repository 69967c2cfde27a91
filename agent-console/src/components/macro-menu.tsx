/**
 * The case page's "Macros" menu: the agent's own macros and the shared ones, each applied in one
 * click. A macro's reply is sent as the agent's reply (not put in the composer): a macro that also
 * resolves the case must not resolve it before its reply exists. The server applies all of it or
 * none, and says why in the red notification. "Manage macros…" at the bottom opens the Macros screen.
 */
import { Button, Menu, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { MouseEvent } from "react";
import { api, errorMessage } from "../api/client.ts";
import { queryKeys } from "../api/query-keys.ts";
import { navigate } from "../lib/router.ts";

interface Macro {
  id: string;
  name: string;
  shared: boolean;
}

interface Outcome {
  type: string;
  status: "done" | "skipped" | "failed";
  note?: string;
}

export function MacroMenu({ caseId, disabled }: { caseId: string; disabled?: boolean }) {
  const client = useQueryClient();
  const macros = useQuery({
    queryKey: queryKeys.macros,
    queryFn: () => api.get<{ items: Macro[] }>("/api/macros"),
    staleTime: 30_000,
  });
  const apply = useMutation({
    mutationFn: (macro: Macro) =>
      api.post<{ actions: Outcome[] }>(`/api/cases/${caseId}/macros/${macro.id}/apply`, {}),
    onSuccess: (result, macro) => {
      const skipped = result.actions.filter((action) => action.status !== "done");
      notifications.show({
        color: "green",
        title: `Applied ${macro.name}`,
        message: skipped.length
          ? `Skipped: ${skipped.map((action) => `${action.type} (${action.note ?? action.status})`).join(", ")}`
          : `${result.actions.length} action${result.actions.length === 1 ? "" : "s"} done.`,
      });
    },
    onError: (error, macro) =>
      notifications.show({ color: "red", title: `${macro.name} not applied`, message: errorMessage(error) }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.case(caseId) });
      void client.invalidateQueries({ queryKey: ["cases"] });
    },
  });
  const items = macros.data?.items ?? [];
  const openMacros = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate({ name: "macros" });
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="default" disabled={disabled} loading={apply.isPending}>
          Macros
        </Button>
      </Menu.Target>
      <Menu.Dropdown aria-label="Macros">
        {items.length === 0 && (
          <Text fz="xs" c="dimmed" px="sm" py={6}>
            {macros.isPending ? "Loading…" : "No macros yet."}
          </Text>
        )}
        {items.map((macro) => (
          <Menu.Item key={macro.id} onClick={() => apply.mutate(macro)}>
            {macro.name}
            {macro.shared ? "" : " (mine)"}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item component="a" href="/macros" onClick={openMacros}>
          Manage macros…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
