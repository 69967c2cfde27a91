/** One row per queue: what waits and how long (pushed every second), and today's service figures. */
import { Badge, Group, Text, Tooltip } from "@mantine/core";
import { type Column, DataTable } from "../admin/data-table.tsx";
import { useMe } from "../api/queries.ts";
import { CsatFigureText } from "./csat-figure.tsx";
import { formatPercent, formatSeconds, serviceLevelColor } from "./format.ts";
import { WallPanel } from "./panel.tsx";
import { useLiveMetrics, useQueueStats } from "./queries.ts";
import type { LiveMetrics, QueueStats } from "./types.ts";

type Row = QueueStats & {
  live: LiveMetrics["queues"][number] | undefined;
  goal: { percent: number; seconds: number };
};

const AGENT_BADGES = [
  { state: "available", title: "Available", color: "green", suffix: "avail." },
  { state: "busy", title: "Busy", color: "blue", suffix: "busy" },
  { state: "away", title: "Away", color: "orange", suffix: "away" },
  { state: "offline", title: "Offline", color: "gray", suffix: "off" },
] as const;

const COLUMNS: Column<Row>[] = [
  { header: "Queue", rowHeader: true, cellProps: () => ({ fw: 600 }), cell: (queue) => queue.name },
  {
    header: "Waiting",
    align: "right",
    cellProps: () => ({ "data-testid": "queue-waiting", fw: 700 }),
    cell: (queue) => queue.waiting,
  },
  {
    header: "Longest wait",
    align: "right",
    cellProps: (queue) => ({ c: queue.longestWaitSeconds > queue.goal.seconds ? "red.7" : undefined }),
    cell: (queue) => (queue.waiting + queue.pendingOffers ? formatSeconds(queue.longestWaitSeconds) : "–"),
  },
  { header: "Offered now", align: "right", cell: (queue) => queue.pendingOffers },
  { header: "In progress", align: "right", cell: (queue) => queue.assigned },
  {
    header: "Service level",
    align: "right",
    cell: ({ live, goal }) => (
      <Tooltip label={`Goal: ${goal.percent} % answered within ${goal.seconds} s`}>
        <Badge variant="light" color={serviceLevelColor(live?.today.serviceLevel, goal.percent)} tabIndex={0}>
          {formatPercent(live?.today.serviceLevel)}
        </Badge>
      </Tooltip>
    ),
  },
  { header: "ASA", align: "right", cell: ({ live }) => formatSeconds(live?.today.asa) },
  {
    header: "Abandoned",
    align: "right",
    cell: ({ live }) => (
      <>
        {formatPercent(live?.today.abandonment)}
        {live ? (
          <Text span c="dimmed" fz="xs">
            {" "}
            ({live.today.abandoned})
          </Text>
        ) : null}
      </>
    ),
  },
  {
    header: "CSAT",
    align: "right",
    cell: ({ live }) => <CsatFigureText figure={live?.csat.today} testId="queue-csat" />,
  },
  {
    header: "Agents with the skills",
    cell: (queue) => (
      <Group gap={4} wrap="nowrap">
        {AGENT_BADGES.map(({ state, title, color, suffix }) => (
          <Badge key={state} size="sm" color={color} variant="light" title={title}>
            {queue.agents[state]} {suffix}
          </Badge>
        ))}
      </Group>
    ),
  },
];

export function QueueTable() {
  const me = useMe().data;
  const limited = me?.role === "supervisor" && me.queueScope.limited;
  const stats = useQueueStats();
  const metrics = useLiveMetrics();
  const figures = new Map((metrics.data?.queues ?? []).map((queue) => [queue.queueId, queue]));
  const rows: Row[] = [...(stats.data ?? [])]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((queue) => {
      const live = figures.get(queue.queueId);
      return { ...queue, live, goal: live?.goal ?? { percent: 80, seconds: 20 } };
    });

  return (
    <WallPanel
      title="Queues"
      headingId="queues-heading"
      aside="Waiting and longest wait update every second · service level, ASA, abandonment and CSAT today"
    >
      <DataTable
        items={rows}
        pending={stats.isPending}
        skeleton={120}
        minWidth={900}
        highlightOnHover
        labelledBy="queues-heading"
        columns={COLUMNS}
        rowKey={(queue) => queue.queueId}
        rowProps={(queue) => ({ "data-testid": "queue-row", "data-queue": queue.name })}
        empty={
          limited
            ? "None of the queues you may see. An admin chooses them under Admin → Agents."
            : "No queues yet. An admin creates them under Admin → Queues."
        }
      />
    </WallPanel>
  );
}
