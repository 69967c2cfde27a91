/**
 * The supervisor wall: queues and team figures with charts of the last hours, the SLA board with its
 * remedies, and the agent grid. Loaded on demand (lazy), for supervisors and admins.
 */
import { Skeleton, Stack, Tabs, Text } from "@mantine/core";
import { lazy, Suspense } from "react";
import { AreaShell, useAreaRole } from "../components/area-shell.tsx";
import { navigate } from "../lib/router.ts";
import { AgentGrid } from "./agent-grid.tsx";
import { DispositionMix } from "./disposition-mix.tsx";
import { useSlaBoard } from "./queries.ts";
import { QueueTable } from "./queue-table.tsx";
import { ScopeNotice } from "./scope-notice.tsx";
import { SlaBoard } from "./sla-board.tsx";
import { TeamFigures } from "./team-figures.tsx";
import { useWallLive } from "./use-wall-live.ts";

// recharts is most of the wall's weight: the charts arrive after the live figures.
const IntervalCharts = lazy(async () => ({
  default: (await import("./interval-charts.tsx")).IntervalCharts,
}));

// Reports (and their charts) are a chunk of their own, fetched when the tab is first opened.
const ReportsView = lazy(() => import("../reports/reports-page.tsx"));

const VIEWS = ["overview", "sla", "agents", "reports"] as const;
type View = (typeof VIEWS)[number];

function Wall({ view }: { view: View }) {
  useWallLive();
  const board = useSlaBoard().data;
  const flagged = (board?.cases.length ?? 0) + (board?.queues.length ?? 0);

  return (
    <Stack gap="sm">
      <ScopeNotice />
      <Tabs
        value={view}
        onChange={(next) => next && navigate({ name: "supervisor", section: next })}
        keepMounted={false}
        variant="outline"
      >
        <Tabs.List aria-label="Supervisor views">
          <Tabs.Tab value="overview">Queues</Tabs.Tab>
          <Tabs.Tab value="sla">SLA board{flagged ? ` (${flagged})` : ""}</Tabs.Tab>
          <Tabs.Tab value="agents">Agents</Tabs.Tab>
          <Tabs.Tab value="reports">Reports</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Stack gap="md">
            <TeamFigures />
            <QueueTable />
            <DispositionMix />
            <Suspense fallback={<Skeleton h={260} />}>
              <IntervalCharts />
            </Suspense>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="sla" pt="md">
          <SlaBoard />
        </Tabs.Panel>
        <Tabs.Panel value="agents" pt="md">
          <AgentGrid />
        </Tabs.Panel>
        <Tabs.Panel value="reports" pt="md">
          <Suspense fallback={<Skeleton h={400} />}>
            <ReportsView />
          </Suspense>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

export default function SupervisorPage({ section }: { section: string }) {
  const role = useAreaRole("Supervisor · Switchboard");
  const view: View = (VIEWS as readonly string[]).includes(section) ? (section as View) : "overview";
  return (
    <AreaShell>
      {role === "agent" ? (
        <Text c="dimmed" ta="center" py="xl" role="alert">
          The supervisor wall is for supervisors and admins.
        </Text>
      ) : role ? (
        <Wall view={view} />
      ) : null}
    </AreaShell>
  );
}
