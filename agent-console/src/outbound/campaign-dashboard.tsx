/** A campaign's figures: dialled, connected, rates, attempts per record, records left, per-agent results and the projected completion. */
import { Group, Progress, SimpleGrid, Stack, Text, Tooltip } from "@mantine/core";
import { useDashboard } from "./api.ts";
import type { Dashboard } from "./types.ts";
import { ErrorAlert, Figure, formatDateTime, Panel, percent, SimpleTable } from "./ui.tsx";

const money = (cents: number) => (cents / 100).toLocaleString(undefined, { maximumFractionDigits: 2 });

function RecordsBar({ records }: { records: Dashboard["records"] }) {
  const parts = [
    { key: "done", label: "Done", value: records.done, color: "green" },
    { key: "inProgress", label: "In progress", value: records.inProgress, color: "blue" },
    { key: "callback", label: "Callback", value: records.callback, color: "grape" },
    { key: "pending", label: "Pending", value: records.pending, color: "gray" },
  ];
  return (
    <Stack gap={4}>
      <Progress.Root size="lg" aria-label="Records by state">
        {parts.map((part) => (
          <Tooltip key={part.key} label={`${part.label}: ${part.value}`}>
            <Progress.Section
              value={records.total ? (part.value / records.total) * 100 : 0}
              color={part.color}
            />
          </Tooltip>
        ))}
      </Progress.Root>
      <Group gap="md">
        {parts.map((part) => (
          <Text key={part.key} fz="xs" c="dimmed">
            {part.label}: {part.value}
          </Text>
        ))}
        <Text fz="xs" c="dimmed">
          Total: {records.total}
        </Text>
      </Group>
    </Stack>
  );
}

export function CampaignDashboard({ campaignId, name }: { campaignId: string; name: string }) {
  const dashboard = useDashboard(campaignId);
  const data = dashboard.data;
  return (
    <Panel title={`Dashboard: ${name}`} testId="campaign-dashboard">
      <ErrorAlert error={dashboard.error} title="The dashboard is not available" />
      {data && (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 2, sm: 4, lg: 8 }}>
            <Figure label="Dialled" value={data.dialed} testId="dash-dialed" />
            <Figure label="Connected" value={data.connected} testId="dash-connected" />
            <Figure label="Contact rate" value={percent(data.contactRate)} />
            <Figure label="Conversion" value={percent(data.conversion)} />
            <Figure label="Sales / interested" value={`${data.sales} / ${data.interested}`} />
            <Figure label="Lead value" value={money(data.leadsValueCents)} />
            <Figure
              label="Abandonment (30 days)"
              value={`${percent(data.abandonmentRate)} of ${data.abandonLimitPercent} %`}
            />
            <Figure label="Attempts per record" value={data.attemptsPerRecord.toFixed(2)} />
          </SimpleGrid>
          <Text fz="sm" data-testid="dash-projection">
            Projected completion:{" "}
            <b>
              {data.projectedCompletionAt
                ? formatDateTime(data.projectedCompletionAt)
                : "not yet known (no record finished in the last 24 hours)"}
            </b>{" "}
            · skipped {data.skipped} · abandoned {data.abandoned}
          </Text>
          <RecordsBar records={data.records} />
          <SimpleTable
            caption="Results per agent"
            testId="dash-agents"
            rows={data.perAgent}
            rowKey={(row) => row.agentId}
            empty="No agent has called yet."
            columns={[
              { header: "Agent", cell: (row) => row.name },
              { header: "Calls", cell: (row) => row.calls },
              { header: "Connected", cell: (row) => row.connected },
              { header: "Sales", cell: (row) => row.sales },
              { header: "Interested", cell: (row) => row.interested },
              { header: "Callbacks", cell: (row) => row.callbacks },
              { header: "Conversion", cell: (row) => percent(row.conversion) },
            ]}
          />
        </Stack>
      )}
    </Panel>
  );
}
