/**
 * Reports for supervisors and admins: a period (today, 7 or 30 days, custom dates) and a queue, the
 * figures of GET /api/reports with charts and tables, and CSV exports of the same period. Hours and
 * days are cut in the viewer's zone, which the report is asked for.
 */
import { Alert, Group, Paper, Select, SimpleGrid, Skeleton, Stack, Text } from "@mantine/core";
import { type ReactNode, useMemo, useState } from "react";
import { errorMessage } from "../api/client.ts";
import { effectiveTimeZone } from "../lib/viewer-zone.ts";
import { CsatFigureText } from "../supervisor/csat-figure.tsx";
import { formatPercent, formatSeconds } from "../supervisor/format.ts";
import { useQueueNames } from "../supervisor/queries.ts";
import { ExportList, ExportMenu } from "./export-panel.tsx";
import { PeriodPicker, type Preset, periodOf } from "./period-picker.tsx";
import { useReport } from "./queries.ts";
import { ReportCharts } from "./report-charts.tsx";
import { AgentReportTable, QueueReportTable, SlaAndDispositionTables } from "./report-tables.tsx";
import type { Report, ReportPeriod } from "./types.ts";

function Figure({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Paper withBorder p="xs" radius="md">
      <Text fz="xs" c="dimmed">
        {label}
      </Text>
      <Text fz="lg" fw={700} data-testid={`report-${label.toLowerCase().replaceAll(" ", "-")}`}>
        {value}
      </Text>
    </Paper>
  );
}

function Headline({ report }: { report: Report }) {
  const { totals } = report;
  return (
    <SimpleGrid cols={{ base: 2, sm: 4, lg: 8 }} spacing="xs">
      <Figure label="Cases" value={report.volume.total} />
      <Figure label="Service level" value={formatPercent(totals.serviceLevel)} />
      <Figure label="ASA" value={formatSeconds(totals.asa)} />
      <Figure label="AHT" value={formatSeconds(totals.aht)} />
      <Figure label="Abandonment" value={formatPercent(totals.abandonment)} />
      <Figure label="FCR" value={formatPercent(totals.fcr)} />
      <Figure label="SLA met" value={formatPercent(totals.slaMet)} />
      <Figure label="CSAT" value={<CsatFigureText figure={totals.csat} />} />
    </SimpleGrid>
  );
}

export default function ReportsView() {
  const [preset, setPreset] = useState<Preset>("7d");
  const [custom, setCustom] = useState({ from: "", to: "" });
  const [queueId, setQueueId] = useState<string | null>(null);
  const queues = useQueueNames().data ?? [];
  const period: ReportPeriod | null = useMemo(() => {
    const range = periodOf(preset, custom);
    return range
      ? { from: range.from.toISOString(), to: range.to.toISOString(), timeZone: effectiveTimeZone(), queueId }
      : null;
  }, [preset, custom, queueId]);
  const report = useReport(period);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="end" wrap="wrap">
        <Group gap="sm" align="end">
          <PeriodPicker preset={preset} custom={custom} onPreset={setPreset} onCustom={setCustom} />
          <Select
            size="xs"
            label="Queue"
            placeholder="All queues"
            clearable
            data={queues.map((queue) => ({ value: queue.id, label: queue.name }))}
            value={queueId}
            onChange={setQueueId}
          />
        </Group>
        <ExportMenu period={period} />
      </Group>
      <Text fz="xs" c="dimmed">
        Hours and days in {effectiveTimeZone()}.
      </Text>
      {!period ? (
        <Text c="dimmed">Choose the first and last day of the period.</Text>
      ) : report.error ? (
        <Alert color="red" role="alert">
          {errorMessage(report.error)}
        </Alert>
      ) : !report.data ? (
        <Skeleton h={400} />
      ) : (
        <>
          <Headline report={report.data} />
          <ReportCharts report={report.data} />
          <QueueReportTable report={report.data} />
          <AgentReportTable report={report.data} />
          <SlaAndDispositionTables report={report.data} />
        </>
      )}
      <ExportList />
    </Stack>
  );
}
