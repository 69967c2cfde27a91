/** Every active agent: state and time in it, load per channel against capacity, current cases. */
import { Anchor, Badge, Button, Group, Select, Stack, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { DataTable, TitleCell } from "../admin/data-table.tsx";
import { notifyError } from "../admin/notify.ts";
import { type CapacityChannel, PRESENCE, type Presence } from "../api/types.ts";
import { CHANNEL_LABEL, formatDuration } from "../lib/format.ts";
import { navigate } from "../lib/router.ts";
import { useNow } from "../lib/use-now.ts";
import { CsatFigureText } from "./csat-figure.tsx";
import { AGENT_STATE_COLOR, AGENT_STATE_LABEL } from "./format.ts";
import { WallPanel } from "./panel.tsx";
import { useAgentBoard, useSetAgentPresence } from "./queries.ts";
import { ReassignDialog, type ReassignTarget } from "./reassign-dialog.tsx";
import type { AgentBoardRow } from "./types.ts";

const CHANNELS: CapacityChannel[] = ["chat", "email", "sms", "voice"];
const PRESENCE_LABEL: Record<Presence, string> = { available: "Available", away: "Away", offline: "Offline" };

function LoadCells({ agent }: { agent: AgentBoardRow }) {
  return (
    <Group gap={4} wrap="nowrap">
      {CHANNELS.map((channel) => {
        const used = agent.load[channel];
        const capacity = agent.capacity[channel];
        const full = capacity > 0 && used >= capacity;
        return (
          <Badge
            key={channel}
            size="sm"
            variant={used ? "light" : "outline"}
            color={full ? "red" : used ? "indigo" : "gray"}
            aria-label={`${CHANNEL_LABEL[channel]}: ${used} of ${capacity}`}
            data-testid={`load-${channel}`}
          >
            {CHANNEL_LABEL[channel]} {used}/{capacity}
          </Badge>
        );
      })}
    </Group>
  );
}

function PresenceSelect({ agent }: { agent: AgentBoardRow }) {
  const setPresence = useSetAgentPresence();
  return (
    <Select
      size="xs"
      w={130}
      aria-label={`Presence of ${agent.name}`}
      data={PRESENCE.map((value) => ({ value, label: PRESENCE_LABEL[value] }))}
      value={setPresence.isPending ? (setPresence.variables?.status ?? agent.presence) : agent.presence}
      allowDeselect={false}
      disabled={setPresence.isPending}
      onChange={(value) => {
        if (!value || value === agent.presence) return;
        setPresence.mutate(
          { agentId: agent.id, status: value as Presence },
          {
            onSuccess: () =>
              notifications.show({
                color: "green",
                title: "Presence changed",
                message: `${agent.name} is now ${PRESENCE_LABEL[value as Presence].toLowerCase()}.`,
              }),
            onError: notifyError("Presence not changed"),
          },
        );
      }}
    />
  );
}

function CurrentCases({
  agent,
  onReassign,
}: {
  agent: AgentBoardRow;
  onReassign: (target: ReassignTarget) => void;
}) {
  return (
    <Stack gap={2}>
      {agent.cases.map((item) => (
        <Group key={item.id} gap={6} wrap="nowrap">
          <Anchor
            fz="sm"
            href={`/cases/${item.id}`}
            onClick={(event) => {
              event.preventDefault();
              navigate({ name: "case", caseId: item.id });
            }}
            truncate
            maw={220}
          >
            #{item.number} {item.subject || "(no subject)"}
          </Anchor>
          <Button
            size="compact-xs"
            variant="subtle"
            aria-label={`Reassign case #${item.number}`}
            onClick={() =>
              onReassign({
                caseId: item.id,
                number: item.number,
                subject: item.subject,
                fromAgentId: agent.id,
              })
            }
          >
            Reassign
          </Button>
        </Group>
      ))}
      {agent.cases.length === 0 ? (
        <Text fz="xs" c="dimmed">
          none
        </Text>
      ) : null}
    </Stack>
  );
}

export function AgentGrid() {
  const board = useAgentBoard();
  const now = useNow();
  const [reassign, setReassign] = useState<ReassignTarget | null>(null);
  const agents = board.data ?? [];

  return (
    <WallPanel
      title="Agents"
      headingId="agents-heading"
      aside={`${agents.length} active · load counts held cases and pending offers`}
    >
      <DataTable
        items={agents}
        pending={board.isPending}
        skeleton={160}
        minWidth={1000}
        labelledBy="agents-heading"
        rowKey={(agent) => agent.id}
        rowProps={(agent) => ({ "data-testid": "agent-row", "data-agent": agent.name })}
        columns={[
          {
            header: "Agent",
            rowHeader: true,
            cell: (agent) => <TitleCell title={agent.name} detail={agent.role} />,
          },
          {
            header: "State",
            cell: (agent) => (
              <>
                <Tooltip label={agent.presenceReason ?? "No reason given"}>
                  <Badge
                    color={AGENT_STATE_COLOR[agent.state]}
                    variant="light"
                    tabIndex={0}
                    data-testid="agent-state"
                  >
                    {AGENT_STATE_LABEL[agent.state]}
                  </Badge>
                </Tooltip>
                {agent.presenceReason ? (
                  <Text fz="xs" c="dimmed" truncate maw={160}>
                    {agent.presenceReason}
                  </Text>
                ) : null}
              </>
            ),
          },
          { header: "In state", cell: (agent) => formatDuration(now - Date.parse(agent.presenceChangedAt)) },
          { header: "Load per channel", cell: (agent) => <LoadCells agent={agent} /> },
          {
            header: "CSAT today",
            align: "right",
            cell: (agent) => <CsatFigureText figure={agent.csat} testId="agent-csat" />,
          },
          {
            header: "Current cases",
            cell: (agent) => <CurrentCases agent={agent} onReassign={setReassign} />,
          },
          { header: "Presence", cell: (agent) => <PresenceSelect agent={agent} /> },
        ]}
      />
      <ReassignDialog target={reassign} agents={agents} onClose={() => setReassign(null)} />
    </WallPanel>
  );
}
