/** The team at a glance: what waits, today's service level, ASA and abandonment, and agents by state. */
import { Badge, Group, Paper, SimpleGrid, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { CsatFigureText, formatCsat, ratingsLabel } from "./csat-figure.tsx";
import { AGENT_STATE_COLOR, AGENT_STATE_LABEL, formatPercent, formatSeconds } from "./format.ts";
import { useAgentBoard, useLiveMetrics, useQueueStats } from "./queries.ts";
import type { AgentBoardRow } from "./types.ts";

function Figure({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: string;
  testId?: string;
}) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={26} fw={700} lh={1.3} data-testid={testId}>
        {value}
      </Text>
      {hint ? (
        <Text fz="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Paper>
  );
}

const STATES: AgentBoardRow["state"][] = ["available", "busy", "wrap_up", "away", "offline"];

export function TeamFigures() {
  const stats = useQueueStats().data ?? [];
  const team = useLiveMetrics().data?.team;
  const agents = useAgentBoard().data ?? [];
  const waiting = stats.reduce((sum, queue) => sum + queue.waiting, 0);
  const longest = stats.reduce((max, queue) => Math.max(max, queue.longestWaitSeconds), 0);
  const byState = new Map<AgentBoardRow["state"], number>();
  for (const agent of agents) byState.set(agent.state, (byState.get(agent.state) ?? 0) + 1);

  return (
    <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} spacing="sm">
      <Figure
        label="Waiting"
        value={waiting}
        hint={waiting ? `longest ${formatSeconds(longest)}` : "nobody waits"}
        testId="team-waiting"
      />
      <Figure
        label="Service level"
        value={formatPercent(team?.today.serviceLevel)}
        hint={`last hour ${formatPercent(team?.last60m.serviceLevel)}`}
      />
      <Figure
        label="ASA"
        value={formatSeconds(team?.today.asa)}
        hint={`last hour ${formatSeconds(team?.last60m.asa)}`}
      />
      <Figure
        label="Abandoned"
        value={formatPercent(team?.today.abandonment)}
        hint={`${team?.today.abandoned ?? 0} of ${(team?.today.answered ?? 0) + (team?.today.abandoned ?? 0)} today`}
      />
      <Figure
        label="Occupancy"
        value={formatPercent(team?.today.occupancy)}
        hint={`SLA met ${formatPercent(team?.today.slaMet)}`}
      />
      <Figure
        label="CSAT"
        value={<CsatFigureText figure={team?.csat.today} testId="team-csat" />}
        hint={`${ratingsLabel(team?.csat.today.count ?? 0)} today · last hour ${formatCsat(team?.csat.last60m)}`}
      />
      <Paper withBorder p="sm" radius="md">
        <Text fz="xs" c="dimmed" tt="uppercase" fw={600} id="agents-by-state">
          Agents by state
        </Text>
        <Group gap={4} mt={6} role="list" aria-labelledby="agents-by-state">
          {STATES.map((state) => (
            <Badge key={state} role="listitem" color={AGENT_STATE_COLOR[state]} variant="light" size="md">
              {byState.get(state) ?? 0} {AGENT_STATE_LABEL[state]}
            </Badge>
          ))}
        </Group>
      </Paper>
    </SimpleGrid>
  );
}
