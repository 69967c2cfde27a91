/**
 * Admin → Security log: sign-ins, failed and refused sign-ins, sign-outs, accounts created, roles
 * changed, accounts deactivated — newest first, in the viewer's time zone, filtered by what happened
 * and by person, fifty at a time with "Show older".
 */

import { Badge, Button, Code, Group, Paper, Select, Stack, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { formatDateTimeWithZone } from "../lib/format.ts";
import { DataTable } from "./data-table.tsx";
import { SectionHeader } from "./editors.tsx";
import { send } from "./http.ts";
import { resources, useList } from "./queries.ts";
import type { AdminAgent, SecurityEvent } from "./types.ts";

const KIND_LABEL: Record<SecurityEvent["kind"], { label: string; color: string }> = {
  sign_in: { label: "Signed in", color: "green" },
  sign_in_failed: { label: "Sign-in failed", color: "orange" },
  sign_in_refused: { label: "Sign-in refused (too many failures)", color: "red" },
  sign_out: { label: "Signed out", color: "gray" },
  agent_created: { label: "Account created", color: "blue" },
  role_changed: { label: "Role changed", color: "violet" },
  agent_deactivated: { label: "Account deactivated", color: "red" },
  agent_reactivated: { label: "Account reactivated", color: "teal" },
  queue_scope_changed: { label: "Queues they may see changed", color: "violet" },
  two_factor_enabled: { label: "Two-factor sign-in on", color: "teal" },
  two_factor_disabled: { label: "Two-factor sign-in off", color: "orange" },
  invitation_created: { label: "Invitation sent", color: "blue" },
  invitation_accepted: { label: "Invitation accepted", color: "teal" },
  password_reset_requested: { label: "Password reset asked for", color: "yellow" },
  password_reset: { label: "Password reset", color: "orange" },
  sso_settings_changed: { label: "Single sign-on changed", color: "violet" },
  sessions_revoked: { label: "Other sessions signed out", color: "orange" },
  api_key_created: { label: "API key created", color: "blue" },
  api_key_revoked: { label: "API key revoked", color: "orange" },
};

const when = (iso: string) => formatDateTimeWithZone(iso, { seconds: true });

function useSecurityLog(kind: string | null, agentId: string | null) {
  return useInfiniteQuery({
    queryKey: ["admin", "security-log", kind, agentId],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: "50" });
      if (kind) query.set("kind", kind);
      if (agentId) query.set("agentId", agentId);
      if (pageParam) query.set("cursor", pageParam);
      return send<{ items: SecurityEvent[]; nextCursor: string | null }>(
        "GET",
        `/api/admin/security-log?${query}`,
      );
    },
    getNextPageParam: (page) => page.nextCursor,
  });
}

/** What the row says, and the API key it was done through, if any. */
function describe(event: SecurityEvent, names: Map<string, AdminAgent>): string {
  const via = (event.details as { via?: string }).via;
  const what = describeKind(event, names);
  return via ? `${what} (through ${via})`.trim() : what;
}

function describeKind(event: SecurityEvent, names: Map<string, AdminAgent>): string {
  const details = event.details as {
    from?: string;
    to?: string;
    role?: string;
    retryAfterSeconds?: number;
    name?: string;
  };
  if (event.kind === "api_key_created" || event.kind === "api_key_revoked")
    return `'${details.name}' by ${names.get(event.actorId ?? "")?.name ?? "an admin"}`;
  if (event.kind === "role_changed") return `${details.from} → ${details.to}`;
  if (event.kind === "agent_created" && details.role) return `as ${details.role}`;
  if (event.kind === "sign_in_refused" && details.retryAfterSeconds)
    return `locked for ${Math.ceil(details.retryAfterSeconds / 60)} min`;
  if (event.actorId && event.actorId !== event.agentId)
    return `by ${names.get(event.actorId)?.name ?? "an admin"}`;
  return "";
}

interface Filters {
  kind: string | null;
  setKind(kind: string | null): void;
  agentId: string | null;
  setAgentId(agentId: string | null): void;
  agents: AdminAgent[];
}

function SecurityLogFilters({ kind, setKind, agentId, setAgentId, agents }: Filters) {
  return (
    <Group>
      <Select
        label="What happened"
        placeholder="Everything"
        clearable
        data={Object.entries(KIND_LABEL).map(([value, { label }]) => ({ value, label }))}
        value={kind}
        onChange={setKind}
        w={280}
      />
      <Select
        label="Person"
        placeholder="Everyone"
        clearable
        searchable
        data={agents.map((agent) => ({ value: agent.id, label: `${agent.name} (${agent.email})` }))}
        value={agentId}
        onChange={setAgentId}
        w={320}
      />
    </Group>
  );
}

function SecurityLogTable(props: {
  events: SecurityEvent[];
  pending: boolean;
  names: Map<string, AdminAgent>;
}) {
  const { events, pending, names } = props;
  return (
    <Paper withBorder radius="md">
      <DataTable<SecurityEvent>
        items={events}
        pending={pending}
        skeleton={200}
        label="Security log"
        minWidth={860}
        rowKey={(event) => event.id}
        rowProps={(event) => ({ "data-testid": "security-event", "data-kind": event.kind })}
        empty={<Text c="dimmed">Nothing recorded for this filter.</Text>}
        columns={[
          {
            header: "When",
            rowHeader: true,
            cell: (event) => <span title={event.at}>{when(event.at)}</span>,
          },
          {
            header: "What",
            cell: (event) => (
              <Badge variant="light" color={KIND_LABEL[event.kind].color}>
                {KIND_LABEL[event.kind].label}
              </Badge>
            ),
          },
          {
            header: "Account",
            cell: (event) =>
              (event.agentId && names.get(event.agentId)?.name) ?? event.email ?? <Text c="dimmed">—</Text>,
          },
          { header: "Address", cell: (event) => (event.ip ? <Code>{event.ip}</Code> : "—") },
          { header: "Details", cell: (event) => describe(event, names) },
        ]}
      />
    </Paper>
  );
}

export function SecurityLogAdmin() {
  const [kind, setKind] = useState<string | null>(null);
  const [agentId, setAgentId] = useState<string | null>(null);
  const agents = useList(resources.agents);
  const names = new Map((agents.data ?? []).map((agent) => [agent.id, agent]));
  const log = useSecurityLog(kind, agentId);
  const events = log.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack gap="md">
      <SectionHeader
        title="Security log"
        description="Who signed in or failed to, from which address, and who changed which account. Times are in your time zone; entries are kept for the retention period the server is set to (SECURITY_LOG_RETENTION_DAYS)."
      />
      <SecurityLogFilters
        kind={kind}
        setKind={setKind}
        agentId={agentId}
        setAgentId={setAgentId}
        agents={agents.data ?? []}
      />
      {log.isError ? (
        <Text c="red" role="alert">
          The security log could not be read: {errorMessage(log.error)}. Reload the page to try again.
        </Text>
      ) : null}
      <SecurityLogTable events={events} pending={log.isPending} names={names} />
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
