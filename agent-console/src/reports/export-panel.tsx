/**
 * "Export CSV": starts an export job of the period on screen, then lists my exports with their
 * progress and a download link once written. Times shown in the viewer's zone.
 */
import { Anchor, Button, Group, Menu, Progress, Stack, Text } from "@mantine/core";
import { errorMessage } from "../api/client.ts";
import { formatDateTime } from "../lib/format.ts";
import { WallPanel } from "../supervisor/panel.tsx";
import { useExports, useStartExport } from "./queries.ts";
import { EXPORT_KINDS, EXPORT_LABEL, type ExportJob, type ReportPeriod } from "./types.ts";

export function ExportMenu({ period }: { period: ReportPeriod | null }) {
  const start = useStartExport();
  return (
    <Stack gap={2} align="end">
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="light" disabled={!period} loading={start.isPending}>
            Export CSV
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Export this period</Menu.Label>
          {EXPORT_KINDS.map((kind) => (
            <Menu.Item key={kind} onClick={() => period && start.mutate({ kind, period })}>
              {EXPORT_LABEL[kind]}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      {start.error ? (
        <Text c="red" fz="xs" role="alert">
          {errorMessage(start.error)}
        </Text>
      ) : null}
    </Stack>
  );
}

function progressOf(job: ExportJob): number {
  if (job.status === "done") return 100;
  if (!job.rowsTotal) return job.status === "running" ? 5 : 0;
  return Math.min(100, Math.round((job.rowsWritten / job.rowsTotal) * 100));
}

function ExportRow({ job }: { job: ExportJob }) {
  const label = `${EXPORT_LABEL[job.kind]}, ${formatDateTime(job.params.from)} – ${formatDateTime(job.params.to)}`;
  return (
    <Stack gap={4} data-testid="export-row" aria-label={label}>
      <Group justify="space-between" wrap="nowrap">
        <Text fz="sm" truncate>
          {label}
        </Text>
        {job.status === "done" && job.downloadUrl ? (
          <Anchor href={job.downloadUrl} download fz="sm">
            Download ({job.rowsWritten.toLocaleString()} rows)
          </Anchor>
        ) : job.status === "failed" ? (
          <Text c="red" fz="sm">
            Failed: {job.error}
          </Text>
        ) : (
          <Text c="dimmed" fz="sm">
            {job.status === "queued"
              ? "Waiting…"
              : `${job.rowsWritten.toLocaleString()} of ${job.rowsTotal?.toLocaleString() ?? "…"} rows`}
          </Text>
        )}
      </Group>
      <Progress
        value={progressOf(job)}
        size="sm"
        color={job.status === "failed" ? "red" : job.status === "done" ? "green" : "indigo"}
        aria-label={`${EXPORT_LABEL[job.kind]} export progress`}
      />
      <Text c="dimmed" fz="xs">
        Started {formatDateTime(job.createdAt)}
        {job.finishedAt ? `, finished ${formatDateTime(job.finishedAt)}` : ""}
      </Text>
    </Stack>
  );
}

export function ExportList() {
  const exports = useExports();
  const items = exports.data ?? [];
  if (items.length === 0) return null;
  return (
    <WallPanel title="My exports" aside="Files stay downloadable from here">
      <Stack gap="sm">
        {items.slice(0, 8).map((job) => (
          <ExportRow key={job.id} job={job} />
        ))}
      </Stack>
    </WallPanel>
  );
}
