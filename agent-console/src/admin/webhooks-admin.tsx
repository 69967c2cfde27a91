/**
 * Admin → Webhooks: endpoints (URL, events, state, failing since), a form with a checkbox per
 * event, the signing secret shown once after creation or rotation, a test ping, and the selected
 * endpoint's delivery log with Replay.
 */
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { formatDateTimeWithZone } from "../lib/format.ts";
import { DataTable } from "./data-table.tsx";
import { EnabledSwitch, SectionHeader } from "./editors.tsx";
import { send } from "./http.ts";
import { notifyError } from "./notify.ts";
import { WebhookLog } from "./webhook-log.tsx";

interface WebhookEndpoint {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
}

interface Draft {
  id?: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
}

const KEY = ["admin", "webhooks"];
const EMPTY: Draft = { name: "", url: "https://", events: [], enabled: true };

function StateBadge({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (!endpoint.enabled)
    return (
      <Badge color="gray" variant="light" title={endpoint.disabledReason ?? undefined}>
        Disabled
      </Badge>
    );
  return endpoint.failingSince ? (
    <Badge color="orange" variant="light">
      Failing
    </Badge>
  ) : (
    <Badge color="green" variant="light">
      Enabled
    </Badge>
  );
}

function EndpointForm(props: {
  draft: Draft;
  events: string[];
  onClose(): void;
  onSaved(secret?: string): void;
}) {
  const [draft, setDraft] = useState(props.draft);
  const save = useMutation({
    mutationFn: () => {
      const body = { name: draft.name, url: draft.url, events: draft.events, enabled: draft.enabled };
      return draft.id
        ? send<WebhookEndpoint>("PUT", `/api/admin/webhooks/${draft.id}`, body)
        : send<WebhookEndpoint & { secret: string }>("POST", "/api/admin/webhooks", body);
    },
    onSuccess: (saved) => props.onSaved("secret" in saved ? (saved.secret as string) : undefined),
  });
  return (
    <Modal
      opened
      onClose={props.onClose}
      title={draft.id ? "Edit webhook endpoint" : "Add webhook endpoint"}
      size="lg"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          />
          <TextInput
            label="URL"
            description="HTTPS, reachable from this server; private addresses only with WEBHOOK_ALLOW_PRIVATE"
            required
            value={draft.url}
            onChange={(e) => setDraft({ ...draft, url: e.currentTarget.value })}
          />
          <Checkbox.Group
            label="Events"
            value={draft.events}
            onChange={(events) => setDraft({ ...draft, events })}
          >
            <SimpleGrid cols={2} mt="xs" spacing={6}>
              {props.events.map((event) => (
                <Checkbox key={event} value={event} label={event} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <EnabledSwitch value={draft.enabled} onChange={(enabled) => setDraft({ ...draft, enabled })} />
          {save.isError ? (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function SecretNotice({ secret, onClose }: { secret: string; onClose(): void }) {
  return (
    <Modal opened onClose={onClose} title="Signing secret" size="lg">
      <Stack>
        <Text fz="sm">
          Copy it now: it is not shown again. Verify each request's <Code>webhook-signature</Code> with it
          (Standard Webhooks).
        </Text>
        <Code block data-testid="webhook-secret">
          {secret}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={secret}>
            {({ copied, copy }) => <Button onClick={copy}>{copied ? "Copied" : "Copy"}</Button>}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

interface EndpointHandlers {
  selected: string | null;
  setSelected(id: string): void;
  setEditing(draft: Draft): void;
  setSecret(secret: string): void;
  act: ReturnType<typeof useEndpointAction>;
}

function useEndpointAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ path, method }: { path: string; method: "POST" | "DELETE" }) =>
      send(method, path, method === "POST" ? {} : undefined),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin"] }),
    onError: notifyError("The webhook endpoint could not be changed"),
  });
}

function EndpointActions({ endpoint, handlers }: { endpoint: WebhookEndpoint; handlers: EndpointHandlers }) {
  const { selected, setSelected, setEditing, setSecret, act } = handlers;
  return (
    <Group gap={6} wrap="nowrap">
      <Button
        size="compact-sm"
        variant={selected === endpoint.id ? "filled" : "default"}
        onClick={() => setSelected(endpoint.id)}
      >
        Log
      </Button>
      <Button size="compact-sm" variant="default" onClick={() => setEditing({ ...endpoint })}>
        Edit
      </Button>
      <Button
        size="compact-sm"
        variant="default"
        onClick={() => {
          setSelected(endpoint.id);
          act.mutate(
            { method: "POST", path: `/api/admin/webhooks/${endpoint.id}/test` },
            { onSuccess: () => notifications.show({ message: "Test ping queued." }) },
          );
        }}
      >
        Send test
      </Button>
      <Button
        size="compact-sm"
        variant="default"
        onClick={async () => {
          try {
            const rotated = await send<{ secret: string }>(
              "POST",
              `/api/admin/webhooks/${endpoint.id}/rotate-secret`,
              {},
            );
            setSecret(rotated.secret);
          } catch (error) {
            notifyError("The secret could not be rotated")(error);
          }
        }}
      >
        New secret
      </Button>
      <Button
        size="compact-sm"
        color="red"
        variant="subtle"
        onClick={() => {
          if (window.confirm(`Delete ${endpoint.url} and its delivery log?`))
            act.mutate({ method: "DELETE", path: `/api/admin/webhooks/${endpoint.id}` });
        }}
      >
        Delete
      </Button>
    </Group>
  );
}

function EndpointsTable(props: {
  endpoints: WebhookEndpoint[];
  pending: boolean;
  handlers: EndpointHandlers;
}) {
  const { endpoints, handlers } = props;
  return (
    <Paper withBorder radius="md">
      <DataTable<WebhookEndpoint>
        items={endpoints}
        pending={props.pending}
        skeleton={120}
        label="Webhook endpoints"
        minWidth={900}
        rowKey={(endpoint) => endpoint.id}
        rowProps={() => ({ "data-testid": "webhook-endpoint" })}
        empty={<Text c="dimmed">No endpoint yet.</Text>}
        columns={[
          {
            header: "URL",
            rowHeader: true,
            cell: (endpoint) => (
              <Stack gap={0}>
                <Text fw={500}>{endpoint.name || endpoint.url}</Text>
                {endpoint.name ? (
                  <Text fz="xs" c="dimmed">
                    {endpoint.url}
                  </Text>
                ) : null}
              </Stack>
            ),
          },
          {
            header: "Events",
            cell: (endpoint) => (
              <Group gap={4}>
                {endpoint.events.map((event) => (
                  <Badge key={event} variant="outline" size="sm" tt="none">
                    {event}
                  </Badge>
                ))}
              </Group>
            ),
          },
          {
            header: "State",
            cellProps: () => ({ miw: 110 }),
            cell: (endpoint) => <StateBadge endpoint={endpoint} />,
          },
          {
            header: "Failing since",
            cell: (endpoint) => (endpoint.failingSince ? formatDateTimeWithZone(endpoint.failingSince) : "—"),
          },
          {
            header: "Actions",
            hiddenHeader: true,
            cell: (endpoint) => <EndpointActions endpoint={endpoint} handlers={handlers} />,
          },
        ]}
      />
    </Paper>
  );
}

export function WebhooksAdmin() {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: KEY,
    queryFn: () => send<{ items: WebhookEndpoint[]; events: string[] }>("GET", "/api/admin/webhooks"),
    refetchInterval: 10_000,
  });
  const [editing, setEditing] = useState<Draft | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const act = useEndpointAction();
  const endpoints = list.data?.items ?? [];
  const current = endpoints.find((endpoint) => endpoint.id === selected) ?? null;
  const handlers: EndpointHandlers = { selected, setSelected, setEditing, setSecret, act };
  return (
    <Stack gap="md">
      <SectionHeader
        title="Webhooks"
        description="Events sent to your systems as signed JSON (Standard Webhooks), retried for about a day. An endpoint failing for 24 hours is disabled and its creator mailed. Times are in your time zone."
        action={
          <Button style={{ flexShrink: 0 }} onClick={() => setEditing(EMPTY)}>
            Add endpoint
          </Button>
        }
      />
      <EndpointsTable endpoints={endpoints} pending={list.isPending} handlers={handlers} />
      {current ? <WebhookLog endpointId={current.id} title={current.name || current.url} /> : null}
      {editing ? (
        <EndpointForm
          draft={editing}
          events={list.data?.events ?? []}
          onClose={() => setEditing(null)}
          onSaved={(newSecret) => {
            setEditing(null);
            if (newSecret) setSecret(newSecret);
            void client.invalidateQueries({ queryKey: KEY });
          }}
        />
      ) : null}
      {secret ? <SecretNotice secret={secret} onClose={() => setSecret(null)} /> : null}
    </Stack>
  );
}
