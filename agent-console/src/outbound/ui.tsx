/** Small pieces the outbound screens share: error alerts, plain tables, figures and file reading. */
import { Alert, Paper, Table, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { ApiError, errorMessage } from "../api/client.ts";
import type { Disposition } from "./types.ts";

export const DISPOSITION_LABEL: Record<Disposition, string> = {
  sale: "Sale",
  interested: "Interested",
  not_interested: "Not interested",
  wrong_number: "Wrong number",
  dnc_request: "Do-not-call request",
  callback: "Callback",
  no_answer: "No answer",
  busy: "Busy",
  answering_machine: "Answering machine",
};

export const STATUS_COLOR: Record<string, string> = {
  draft: "gray",
  running: "green",
  paused: "yellow",
  completed: "blue",
  queued: "gray",
  done: "green",
  failed: "red",
};

export const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

export { formatDateTime } from "../lib/format.ts";

/** A failed request as an alert carrying the server's message (and its status, which tells a refusal from a fault). */
export function ErrorAlert({ error, title }: { error: unknown; title: string }) {
  if (!error) return null;
  const status = error instanceof ApiError && error.status ? ` (${error.status})` : "";
  return (
    <Alert color="red" title={`${title}${status}`} role="alert" data-testid="outbound-error">
      {errorMessage(error)}
    </Alert>
  );
}

export function Panel({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title} data-testid={testId}>
      <Title order={2} fz="lg" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/** A plain table with a caption for screen readers, or a line saying it is empty. */
export function SimpleTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty,
  testId,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string;
  empty: string;
  testId?: string;
}) {
  if (rows.length === 0)
    return (
      <Text c="dimmed" fz="sm">
        {empty}
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={400}>
      <Table striped highlightOnHover data-testid={testId} captionSide="top">
        <Table.Caption style={{ position: "absolute", left: -10_000 }}>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.header}>{column.header}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, index) => (
            <Table.Tr key={rowKey(row, index)}>
              {columns.map((column) => (
                <Table.Td key={column.header}>{column.cell(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Label and value, the unit of the dashboard and the record card. */
export function Figure({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div>
      <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz="lg" fw={700} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

export const readFileText = (file: File | null): Promise<string> =>
  file ? file.text() : Promise.resolve("");

/** A warning while calls cannot be placed: a campaign can be set up and started, but nobody can call. */
export function CallsNotReady({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <Alert color="yellow" title="Calls are not set up" role="status" data-testid="calls-not-ready">
      {message}
    </Alert>
  );
}
