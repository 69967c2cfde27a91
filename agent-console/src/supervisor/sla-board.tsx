/**
 * The SLA board: cases at risk or breached and queues short of agents for their goal, each with the
 * remedies the server ranks; below, the remedies applied and whether they worked.
 */
import { Badge, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { DataTable } from "../admin/data-table.tsx";
import { contactName, formatDuration, formatTime } from "../lib/format.ts";
import { useNow } from "../lib/use-now.ts";
import { formatPercent, OUTCOME_COLOR, OUTCOME_LABEL, REMEDY_LABEL } from "./format.ts";
import { WallPanel } from "./panel.tsx";
import { useAgentBoard, useAppliedRemedies, useQueueNames, useSlaBoard } from "./queries.ts";
import { ReassignDialog, type ReassignTarget } from "./reassign-dialog.tsx";
import { RemedyList } from "./remedy-list.tsx";
import type { AppliedRemedy, SlaBoard as Board, Remedy } from "./types.ts";

function DueBadge({ status, dueAt, now }: { status: string | null; dueAt: string | null; now: number }) {
  const breached = status === "breached";
  // The case's due time is its next open target; a breached case's late target may be another one.
  const left = dueAt && !breached ? Date.parse(dueAt) - now : null;
  const when =
    left === null ? "" : left >= 0 ? ` · due in ${formatDuration(left)}` : ` · ${formatDuration(-left)} late`;
  return (
    <Badge
      color={breached ? "red" : "orange"}
      variant={breached ? "filled" : "light"}
      data-testid="sla-status"
    >
      {breached ? "Breached" : "At risk"}
      {when}
    </Badge>
  );
}

/** One flagged case or queue: what is wrong, a status on the right, and the remedies below. */
function BoardItem({
  label,
  testId,
  caseId,
  summary,
  status,
  remedies,
}: {
  label: string;
  testId: string;
  caseId?: string;
  summary: ReactNode;
  status: ReactNode;
  remedies: Remedy[];
}) {
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      component="article"
      aria-label={label}
      data-testid={testId}
      data-case-id={caseId}
    >
      <Group justify="space-between" wrap="nowrap" mb={6}>
        <div style={{ minWidth: 0 }}>{summary}</div>
        {status}
      </Group>
      <RemedyList remedies={remedies} />
    </Paper>
  );
}

function CaseItem({
  item,
  queueName,
  now,
  onAssign,
}: {
  item: Board["cases"][number];
  queueName: string;
  now: number;
  onAssign: (target: ReassignTarget) => void;
}) {
  const c = item.case;
  return (
    <BoardItem
      label={`Case #${c.number}`}
      testId="sla-case"
      caseId={c.id}
      remedies={item.remedies}
      summary={
        <>
          <Text fw={700} fz="sm" truncate>
            #{c.number} · {c.subject || "(no subject)"}
          </Text>
          <Text fz="xs" c="dimmed">
            {contactName(c.contact)} · {c.channel} · {queueName} · {c.priority} priority ·{" "}
            {c.assigneeId ? "assigned" : c.state}
          </Text>
        </>
      }
      status={
        <Group gap={6} wrap="nowrap">
          <DueBadge status={c.slaStatus} dueAt={c.slaDueAt} now={now} />
          <Button
            size="compact-xs"
            variant="default"
            aria-label={`${c.assigneeId ? "Reassign" : "Assign"} case #${c.number}`}
            onClick={() =>
              onAssign({ caseId: c.id, number: c.number, subject: c.subject, fromAgentId: c.assigneeId })
            }
          >
            {c.assigneeId ? "Reassign" : "Assign"}
          </Button>
        </Group>
      }
    />
  );
}

function QueueItem({ item }: { item: Board["queues"][number] }) {
  const s = item.staffing;
  return (
    <BoardItem
      label={`Queue ${s.name}`}
      testId="sla-queue"
      remedies={item.remedies}
      summary={
        <>
          <Text fw={700} fz="sm">
            {s.name}
          </Text>
          <Text fz="xs" c="dimmed">
            Goal {s.goal.percent} % within {s.goal.seconds} s · {s.load.waiting} waiting ·{" "}
            {Math.round(s.load.arrivalsPerHour)} contacts/h
          </Text>
        </>
      }
      status={
        <Badge color="red" variant="light">
          {s.staffed} of {s.needed} agents · {formatPercent(s.serviceLevel)} predicted
        </Badge>
      }
    />
  );
}

function AppliedTable({
  applied,
  pending,
  queueNames,
  caseNumbers,
}: {
  applied: AppliedRemedy[];
  pending: boolean;
  queueNames: Map<string, string>;
  caseNumbers: Map<string, number>;
}) {
  const target = (remedy: AppliedRemedy) =>
    remedy.queueId
      ? (queueNames.get(remedy.queueId) ?? "a queue")
      : remedy.caseId
        ? `case #${remedy.caseNumber ?? caseNumbers.get(remedy.caseId) ?? "?"}`
        : "–";
  return (
    <DataTable
      items={applied}
      pending={pending}
      skeleton={80}
      minWidth={700}
      striped={false}
      labelledBy="applied-heading"
      rowKey={(remedy) => remedy.id}
      rowProps={(remedy) => ({ "data-testid": "applied-remedy", "data-outcome": remedy.outcome })}
      empty="No remedy applied yet."
      columns={[
        { header: "Applied", cell: (remedy) => formatTime(remedy.appliedAt) },
        { header: "Remedy", cell: (remedy) => REMEDY_LABEL[remedy.kind] ?? remedy.kind },
        { header: "For", cell: target },
        {
          header: "Expected",
          cell: (remedy) => (
            <Text fz="xs" lineClamp={2}>
              {typeof remedy.predicted.text === "string" ? remedy.predicted.text : "–"}
            </Text>
          ),
        },
        {
          header: "Outcome",
          cell: (remedy) => (
            <Badge color={OUTCOME_COLOR[remedy.outcome]} variant="light" data-testid="remedy-outcome">
              {OUTCOME_LABEL[remedy.outcome]}
            </Badge>
          ),
        },
      ]}
    />
  );
}

type BoardCase = Board["cases"][number];

/** One column of the board: the breached cases, or those at risk. */
function CaseColumn({
  title,
  items,
  color,
  now,
  queueNames,
  onAssign,
}: {
  title: "Breached" | "At risk";
  items: BoardCase[];
  color: "red" | "orange";
  now: number;
  queueNames: Map<string, string>;
  onAssign: (target: ReassignTarget) => void;
}) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={`${title} cases`}>
      <Group gap="xs" mb="sm">
        <Title order={2} fz="md">
          {title}
        </Title>
        <Badge
          color={color}
          variant="light"
          data-testid={`count-${color === "red" ? "breached" : "at-risk"}`}
        >
          {items.length}
        </Badge>
      </Group>
      <Stack gap="sm">
        {items.map((item) => (
          <CaseItem
            key={item.case.id}
            item={item}
            now={now}
            onAssign={onAssign}
            queueName={item.case.queueId ? (queueNames.get(item.case.queueId) ?? "queue") : "no queue"}
          />
        ))}
        {items.length === 0 ? (
          <Text c="dimmed" fz="sm">
            None. {title === "Breached" ? "Every open target is on time." : "Nothing is close to its target."}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}

export function SlaBoard() {
  const board = useSlaBoard();
  const applied = useAppliedRemedies();
  const queueNames = new Map((useQueueNames().data ?? []).map((queue) => [queue.id, queue.name]));
  const now = useNow();
  const agents = useAgentBoard().data ?? [];
  const [assign, setAssign] = useState<ReassignTarget | null>(null);
  const cases = board.data?.cases ?? [];
  const queues = board.data?.queues ?? [];
  const caseNumbers = new Map(cases.map((item) => [item.case.id, item.case.number]));
  const breached = cases.filter((item) => item.case.slaStatus === "breached");
  const atRisk = cases.filter((item) => item.case.slaStatus !== "breached");
  const column = { now, queueNames, onAssign: setAssign };

  return (
    <Stack gap="md">
      {board.isPending ? (
        <Skeleton h={200} />
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          <CaseColumn title="Breached" items={breached} color="red" {...column} />
          <CaseColumn title="At risk" items={atRisk} color="orange" {...column} />
        </SimpleGrid>
      )}
      {queues.length ? (
        <WallPanel title="Queues short of their goal" label="Queues short of their goal">
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
            {queues.map((item) => (
              <QueueItem key={item.staffing.queueId} item={item} />
            ))}
          </SimpleGrid>
        </WallPanel>
      ) : null}
      <WallPanel title="Remedies applied" headingId="applied-heading">
        <AppliedTable
          applied={applied.data ?? []}
          pending={applied.isPending}
          queueNames={queueNames}
          caseNumbers={caseNumbers}
        />
      </WallPanel>
      <ReassignDialog target={assign} agents={agents} onClose={() => setAssign(null)} />
    </Stack>
  );
}
