/**
 * Admin → Jobs: each job queue (one per kind: realtime, delivery, periodic, bulk) with its backlog,
 * the age of its oldest waiting job and its failures, refreshed every few seconds; a failed job can
 * be run again. The same figures are in /metrics for alerting.
 */
import { Badge, Button, Code, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatAgo, formatDuration } from "../lib/format.ts";
import { DataTable } from "./data-table.tsx";
import { SectionHeader } from "./editors.tsx";
import { send } from "./http.ts";
import { notifyError } from "./notify.ts";
import type { FailedJob, JobQueueStats } from "./types.ts";

const JOBS_KEY = ["admin", "jobs"] as const;
const REFRESH_MS = 3000;

const KIND_HELP: Record<JobQueueStats["kind"], string> = {
  realtime: "Offer expiry, wrap-up ends, disconnects, callers on hold",
  delivery: "Outbound messages and customer updates",
  periodic: "Sweep, SLA monitor, live figures, dialer",
  bulk: "Call list imports",
};

/** A queue whose oldest ready job waited this long is falling behind. */
const BEHIND_SECONDS = 5;

function useJobQueues() {
  return useQuery({
    queryKey: JOBS_KEY,
    queryFn: () => send<{ driver: string; queues: JobQueueStats[] }>("GET", "/api/admin/jobs"),
    refetchInterval: REFRESH_MS,
  });
}

function useRetry() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ queue, id }: { queue: string; id: string }) =>
      send("POST", `/api/admin/jobs/${encodeURIComponent(queue)}/failed/${encodeURIComponent(id)}/retry`),
    onSuccess: (_result, { id }) => {
      notifications.show({ color: "green", title: "Job queued again", message: id });
      return client.invalidateQueries({ queryKey: JOBS_KEY });
    },
    onError: notifyError("Could not retry the job"),
  });
}

function FailedJobs({ queue }: { queue: JobQueueStats }) {
  const retry = useRetry();
  const now = Date.now();
  const titleId = `failed-${queue.queue}`;
  return (
    <Paper withBorder radius="md" p="sm" data-testid="failed-jobs" data-queue={queue.queue}>
      <Title order={3} fz="h5" id={titleId} mb="xs">
        Failed in {queue.queue} ({queue.failed})
      </Title>
      <DataTable<FailedJob>
        items={queue.recentFailed}
        pending={false}
        skeleton={80}
        labelledBy={titleId}
        minWidth={720}
        rowKey={(job) => job.id}
        rowProps={(job) => ({ "data-testid": "failed-job", "data-job-id": job.id })}
        columns={[
          { header: "Job", rowHeader: true, cell: (job) => <Code>{job.name}</Code> },
          {
            header: "Error",
            cell: (job) => (
              <Text fz="sm" c="red.8" lineClamp={2} maw={380}>
                {job.error}
              </Text>
            ),
          },
          { header: "Tries", align: "right", cell: (job) => job.attempts },
          {
            header: "Failed",
            cell: (job) => <span title={job.failedAt}>{formatAgo(job.failedAt, now)}</span>,
          },
          {
            header: "Actions",
            hiddenHeader: true,
            align: "right",
            cell: (job) => (
              <Button
                size="xs"
                variant="light"
                aria-label={`Retry ${job.name} ${job.id}`}
                loading={retry.isPending && retry.variables?.id === job.id}
                onClick={() => retry.mutate({ queue: queue.queue, id: job.id })}
              >
                Retry
              </Button>
            ),
          },
        ]}
      />
    </Paper>
  );
}

/** Every queue's concurrency, counts and oldest waiting job. */
function QueuesTable({ queues, pending }: { queues: JobQueueStats[]; pending: boolean }) {
  return (
    <Paper withBorder radius="md">
      <DataTable<JobQueueStats>
        items={queues}
        pending={pending}
        skeleton={180}
        label="Job queues"
        minWidth={760}
        rowKey={(queue) => queue.queue}
        rowProps={(queue) => ({ "data-testid": "job-queue", "data-queue": queue.queue })}
        columns={[
          {
            header: "Queue",
            rowHeader: true,
            cell: (queue) => (
              <div>
                <Text fz="sm" fw={600}>
                  {queue.queue}
                </Text>
                <Text fz="xs" c="dimmed">
                  {KIND_HELP[queue.kind]}
                </Text>
              </div>
            ),
          },
          { header: "Concurrency", align: "right", cell: (queue) => queue.concurrency },
          { header: "Running", align: "right", cell: (queue) => queue.active },
          { header: "Waiting", align: "right", cell: (queue) => queue.waiting },
          { header: "Scheduled", align: "right", cell: (queue) => queue.delayed },
          {
            header: "Oldest waiting",
            align: "right",
            cell: (queue) =>
              queue.oldestWaitingSeconds === null ? (
                <Text fz="sm" c="dimmed">
                  —
                </Text>
              ) : (
                <Badge
                  color={queue.oldestWaitingSeconds >= BEHIND_SECONDS ? "orange" : "gray"}
                  variant="light"
                >
                  {formatDuration(queue.oldestWaitingSeconds * 1000)}
                </Badge>
              ),
          },
          {
            header: "Failed",
            align: "right",
            cell: (queue) => (
              <Badge color={queue.failed ? "red" : "gray"} variant={queue.failed ? "filled" : "light"}>
                {queue.failed}
              </Badge>
            ),
          },
        ]}
      />
    </Paper>
  );
}

export function JobsAdmin() {
  const query = useJobQueues();
  const queues = query.data?.queues ?? [];
  return (
    <Stack gap="md">
      <SectionHeader
        title="Jobs"
        description={`Background work, one queue per kind, each with its own concurrency so a long import never delays an offer's expiry. ${
          query.data
            ? `Running ${query.data.driver === "bullmq" ? "on BullMQ (Redis), across every process" : "in this server process"}.`
            : ""
        } Refreshed every ${REFRESH_MS / 1000} s.`}
      />
      <QueuesTable queues={queues} pending={query.isPending} />
      {queues.filter((queue) => queue.recentFailed.length).length ? (
        queues
          .filter((queue) => queue.recentFailed.length)
          .map((queue) => <FailedJobs key={queue.queue} queue={queue} />)
      ) : query.data ? (
        <Group>
          <Text c="dimmed" fz="sm" data-testid="no-failed-jobs">
            No failed job.
          </Text>
        </Group>
      ) : null}
    </Stack>
  );
}
