/**
 * Macros: the agent's own macros and the shared ones, listed as the case page's Macros menu offers
 * them, with a form to create and change them. Personal macros belong to their agent; shared ones
 * are kept by supervisors and admins (the server says per macro whether this viewer may change it).
 */
import { Alert, Badge, Button, Group, Skeleton, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { actionSummary } from "../../admin/automation-rows.ts";
import { useQueueOptions } from "../../admin/queries.ts";
import { api, errorMessage, request } from "../../api/client.ts";
import { useAgentDirectory, useMe } from "../../api/queries.ts";
import { queryKeys } from "../../api/query-keys.ts";
import { formatDateTime } from "../../lib/format.ts";
import { MacroEditor, type MacroEditorTarget } from "./macro-editor.tsx";

export interface Macro {
  id: string;
  name: string;
  actions: Record<string, unknown>[];
  shared: boolean;
  ownerAgentId: string | null;
  createdAt: string;
  updatedAt: string;
  canChange: boolean;
}

function MacroLine({ macro, onEdit }: { macro: Macro; onEdit(): void }) {
  const client = useQueryClient();
  const queues = useQueueOptions();
  const agents = useAgentDirectory();
  const remove = useMutation({
    mutationFn: () => request("DELETE", `/api/macros/${macro.id}`),
    onError: (error) =>
      notifications.show({ color: "red", title: "Macro not deleted", message: errorMessage(error) }),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.macros }),
  });
  const names = {
    queue: (id: string) => queues.name(id),
    agent: (id: string) => agents.data?.find((agent) => agent.id === id)?.name,
  };
  return (
    <Table.Tr data-testid="macro-row" data-macro={macro.name}>
      <Table.Th scope="row" fw={600}>
        {macro.name}
      </Table.Th>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Badge variant="light" color={macro.shared ? "teal" : "indigo"} style={{ overflow: "visible" }}>
          {macro.shared ? "Shared" : "Mine"}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          {macro.actions.map((action, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: actions have no identity of their own.
            <Text key={index} fz="xs">
              {actionSummary(action, names)}
            </Text>
          ))}
        </Stack>
      </Table.Td>
      <Table.Td fz="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
        {formatDateTime(macro.updatedAt)}
      </Table.Td>
      <Table.Td>
        {macro.canChange ? (
          <Group gap={4} wrap="nowrap">
            <Button size="compact-xs" variant="light" onClick={onEdit}>
              Edit
            </Button>
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              loading={remove.isPending}
              onClick={() => window.confirm(`Delete the macro “${macro.name}”?`) && remove.mutate()}
            >
              Delete
            </Button>
          </Group>
        ) : (
          <Text fz="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
            Kept by supervisors
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export default function MacrosPage() {
  const role = useMe().data?.role;
  const macros = useQuery({
    queryKey: queryKeys.macros,
    queryFn: () => api.get<{ items: Macro[] }>("/api/macros"),
  });
  const [editing, setEditing] = useState<MacroEditorTarget | null>(null);
  const items = macros.data?.items ?? [];
  const keepsShared = role === "supervisor" || role === "admin";
  return (
    <Stack gap="md" p="md" data-testid="macros-page" style={{ height: "100%", overflowY: "auto" }}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Title order={1} fz="h3">
            Macros
          </Title>
          <Text c="dimmed" fz="sm" maw={720}>
            A macro does several things to a case in one click from its Macros menu: a reply, tags, a new
            state. Your own macros are yours alone;{" "}
            {keepsShared ? "shared ones are seen by every agent." : "shared ones are kept by supervisors."}
          </Text>
        </div>
        <Button onClick={() => setEditing({ macro: null })} style={{ flexShrink: 0 }}>
          New macro
        </Button>
      </Group>
      {macros.error && <Alert color="red">{errorMessage(macros.error)}</Alert>}
      {macros.isPending ? (
        <Skeleton h={120} />
      ) : items.length === 0 ? (
        <Text c="dimmed" fz="sm">
          No macros yet. Create one, and it is in every case's Macros menu.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped withTableBorder verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th w={100}>Kind</Table.Th>
                <Table.Th>Does</Table.Th>
                <Table.Th>Changed</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((macro) => (
                <MacroLine key={macro.id} macro={macro} onEdit={() => setEditing({ macro })} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <MacroEditor target={editing} keepsShared={keepsShared} onClose={() => setEditing(null)} />
    </Stack>
  );
}
