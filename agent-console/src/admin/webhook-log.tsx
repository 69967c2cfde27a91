/**
 * One webhook endpoint's delivery log: newest first, each delivery's state, answer, latency and
 * attempts (times in the viewer's zone), with Replay. Refreshed every few seconds while open.
 */
import { Badge, Button, Code, Group, Paper, Stack, Text, Tooltip } from "@mantine/core";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { formatDateTimeWithZone } from "../lib/format.ts";
import { type Column, DataTable } from "./data-table.tsx";
import { SectionHeader } from "./editors.tsx";
import { send } from "./http.ts";
import { notifyError } from "./notify.ts";

export interface WebhookAttempt {
  id: number;
  attemptedAt: string;
  statusCode: number | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  sequence: number;
  eventType: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastResponseExcerpt: string | null;
  lastError: string | null;
  createdAt: string;
  log: WebhookAttempt[];
}

const STATUS_COLOR = { pending: "yellow", delivered: "green", failed: "red" } as const;
const when = (iso: string) => formatDateTimeWithZone(iso, { seconds: true });

function AttemptsCell({ delivery }: { delivery: WebhookDelivery }) {
  if (!delivery.log.length) return <Text c="dimmed">none yet</Text>;
  return (
    <Stack gap={2}>
      {delivery.log.map((attempt) => (
        <Text key={attempt.id} fz="xs" data-testid="webhook-attempt">
          {when(attempt.attemptedAt)} · {attempt.statusCode ?? "no answer"}
          {attempt.latencyMs !== null ? ` · ${attempt.latencyMs} ms` : ""}
          {attempt.error ? ` · ${attempt.error}` : ""}
        </Text>
      ))}
    </Stack>
  );
}

type Replay = { isPending: boolean; variables: string | undefined; mutate(deliveryId: string): void };

function deliveryColumns(replay: Replay): Column<WebhookDelivery>[] {
  return [
    { header: "When", rowHeader: true, cell: (delivery) => when(delivery.createdAt) },
    {
      header: "Event",
      cell: (delivery) => (
        <Tooltip label={`webhook-id ${delivery.id}`}>
          <Code>{delivery.eventType}</Code>
        </Tooltip>
      ),
    },
    { header: "Seq.", align: "right", cell: (delivery) => delivery.sequence },
    {
      header: "Status",
      cellProps: () => ({ miw: 130 }),
      cell: (delivery) => (
        <Badge variant="light" color={STATUS_COLOR[delivery.status]}>
          {delivery.status}
        </Badge>
      ),
    },
    { header: "Code", cell: (delivery) => delivery.lastStatusCode ?? "—" },
    {
      header: "Latency",
      align: "right",
      cell: (delivery) => (delivery.lastLatencyMs !== null ? `${delivery.lastLatencyMs} ms` : "—"),
    },
    {
      header: "Response",
      cell: (delivery) => (
        <Text fz="xs" lineClamp={2} maw={220}>
          {delivery.lastError ?? delivery.lastResponseExcerpt ?? "—"}
        </Text>
      ),
    },
    { header: "Attempts", cell: (delivery) => <AttemptsCell delivery={delivery} /> },
    {
      header: "Actions",
      hiddenHeader: true,
      cell: (delivery) => (
        <Button
          size="compact-sm"
          variant="default"
          loading={replay.isPending && replay.variables === delivery.id}
          onClick={() => replay.mutate(delivery.id)}
          aria-label={`Replay ${delivery.eventType} #${delivery.sequence}`}
        >
          Replay
        </Button>
      ),
    },
  ];
}

function useDeliveries(endpointId: string) {
  return useInfiniteQuery({
    queryKey: ["admin", "webhook-deliveries", endpointId],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) =>
      send<{ items: WebhookDelivery[]; nextBeforeSequence?: number }>(
        "GET",
        `/api/admin/webhooks/${endpointId}/deliveries?limit=25${pageParam ? `&beforeSequence=${pageParam}` : ""}`,
      ),
    getNextPageParam: (page) => page.nextBeforeSequence ?? null,
    refetchInterval: 3000,
  });
}

export function WebhookLog({ endpointId, title }: { endpointId: string; title: string }) {
  const client = useQueryClient();
  const log = useDeliveries(endpointId);
  const replay = useMutation({
    mutationFn: (deliveryId: string) =>
      send("POST", `/api/admin/webhook-deliveries/${deliveryId}/replay`, {}),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "webhook-deliveries", endpointId] }),
    onError: notifyError("The delivery could not be replayed"),
  });
  const deliveries = log.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack gap="sm">
      <SectionHeader
        level={2}
        title={`Delivery log — ${title}`}
        description="Newest first. Receivers order a case's events by their sequence number; a replay sends the same body with the same webhook-id."
      />
      <Paper withBorder radius="md">
        <DataTable<WebhookDelivery>
          items={deliveries}
          pending={log.isPending}
          skeleton={160}
          label="Delivery log"
          minWidth={980}
          rowKey={(delivery) => delivery.id}
          rowProps={(delivery) => ({ "data-testid": "webhook-delivery", "data-status": delivery.status })}
          empty={
            <Text c="dimmed">Nothing sent yet. Send a test, or wait for an event it subscribes to.</Text>
          }
          columns={deliveryColumns(replay)}
        />
      </Paper>
      {log.hasNextPage ? (
        <Group>
          <Button variant="default" onClick={() => log.fetchNextPage()} loading={log.isFetchingNextPage}>
            Show older
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
