/**
 * What can be done to the selected cases at once: assign (supervisors), transfer to a queue, set
 * the priority, add or remove tags, resolve. The server checks each case as it would one by one and
 * answers per case; the report says how many were done and why each refused case was refused.
 */
import {
  Alert,
  Button,
  Group,
  List,
  Menu,
  Paper,
  Popover,
  Select,
  Stack,
  TagsInput,
  Text,
} from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { type BulkAction, type BulkAnswer, useBulkAction } from "../../api/inbox-queries.ts";
import { useAgentDirectory, useDispositions, useMe, useQueues } from "../../api/queries.ts";

const PRIORITIES = ["urgent", "high", "normal", "low"] as const;

interface BulkBarProps {
  selectedIds: string[];
  onDone(answer: BulkAnswer): void;
  onClear(): void;
}

function TagsButton({ run, busy }: { run(action: BulkAction): void; busy: boolean }) {
  const [open, setOpen] = useState(false);
  const [add, setAdd] = useState<string[]>([]);
  const [remove, setRemove] = useState<string[]>([]);
  return (
    <Popover opened={open} onChange={setOpen} width={280} position="bottom-start" withArrow trapFocus>
      <Popover.Target>
        <Button size="xs" variant="default" onClick={() => setOpen((value) => !value)}>
          Tags
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <TagsInput size="xs" label="Add tags" value={add} onChange={setAdd} splitChars={[",", " "]} />
          <TagsInput
            size="xs"
            label="Remove tags"
            value={remove}
            onChange={setRemove}
            splitChars={[",", " "]}
          />
          <Button
            size="xs"
            disabled={!add.length && !remove.length}
            loading={busy}
            onClick={() => {
              run({ type: "tags", add, remove });
              setOpen(false);
              setAdd([]);
              setRemove([]);
            }}
          >
            Apply tags
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

function ResolveButton({
  run,
  busy,
  count,
}: {
  run(action: BulkAction): void;
  busy: boolean;
  count: number;
}) {
  const [open, setOpen] = useState(false);
  const [dispositionId, setDispositionId] = useState<string | null>(null);
  const codes = (useDispositions().data ?? []).filter((code) => code.active);
  return (
    <Popover opened={open} onChange={setOpen} width={260} position="bottom-start" withArrow trapFocus>
      <Popover.Target>
        <Button size="xs" variant="default" color="green" onClick={() => setOpen((value) => !value)}>
          Resolve
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          {codes.length > 0 && (
            <Select
              size="xs"
              label="Disposition (optional)"
              placeholder="None"
              clearable
              data={codes.map((code) => ({ value: code.id, label: code.label }))}
              value={dispositionId}
              onChange={setDispositionId}
              comboboxProps={{ withinPortal: false }}
            />
          )}
          <Button
            size="xs"
            color="green"
            loading={busy}
            onClick={() => {
              run({ type: "resolve", ...(dispositionId ? { dispositionId } : {}) });
              setOpen(false);
            }}
          >
            Resolve {count} {count === 1 ? "case" : "cases"}
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

export function BulkBar({ selectedIds, onDone, onClear }: BulkBarProps) {
  const bulk = useBulkAction();
  const role = useMe().data?.role;
  const queues = useQueues().data ?? [];
  const colleagues = useAgentDirectory(role !== "agent").data ?? [];
  const [error, setError] = useState<string | null>(null);
  const run = (action: BulkAction) => {
    setError(null);
    bulk.mutate(
      { caseIds: selectedIds, action },
      { onSuccess: onDone, onError: (e) => setError(errorMessage(e)) },
    );
  };
  const busy = bulk.isPending;
  return (
    <Paper withBorder p="xs" radius="md" bg="indigo.0" data-testid="bulk-bar">
      <Group gap="xs" wrap="wrap">
        <Text fz="sm" fw={600} aria-live="polite">
          {selectedIds.length} selected
        </Text>
        {role && role !== "agent" && (
          <Select
            size="xs"
            w={170}
            aria-label="Assign to"
            placeholder="Assign to…"
            searchable
            disabled={busy}
            data={colleagues.map((colleague) => ({ value: colleague.id, label: colleague.name }))}
            value={null}
            onChange={(agentId) => agentId && run({ type: "assign", agentId })}
          />
        )}
        <Select
          size="xs"
          w={170}
          aria-label="Transfer to"
          placeholder="Transfer to…"
          searchable
          disabled={busy}
          data={queues.map((queue) => ({ value: queue.id, label: queue.name }))}
          value={null}
          onChange={(queueId) => queueId && run({ type: "transfer", queueId })}
        />
        <Menu position="bottom-start">
          <Menu.Target>
            <Button size="xs" variant="default" disabled={busy}>
              Priority
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {PRIORITIES.map((priority) => (
              <Menu.Item key={priority} onClick={() => run({ type: "priority", priority })}>
                {priority[0]!.toUpperCase() + priority.slice(1)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        <TagsButton run={run} busy={busy} />
        <ResolveButton run={run} busy={busy} count={selectedIds.length} />
        <Button size="xs" variant="subtle" color="gray" onClick={onClear} disabled={busy}>
          Clear selection
        </Button>
      </Group>
      {error && (
        <Text fz="sm" c="red.8" mt={4} role="alert">
          Nothing was changed: {error}
        </Text>
      )}
    </Paper>
  );
}

/** "N done, M refused", and for each refused case its number and the reason. */
export function BulkReport({
  answer,
  numbers,
  onClose,
}: {
  answer: BulkAnswer;
  numbers: Map<string, number>;
  onClose(): void;
}) {
  const refused = answer.results.filter((result) => !result.ok);
  return (
    <Alert
      color={refused.length ? "orange" : "green"}
      variant="light"
      withCloseButton
      closeButtonLabel="Dismiss the report"
      onClose={onClose}
      title={`${answer.done} done, ${answer.refused} refused`}
      data-testid="bulk-report"
    >
      {refused.length > 0 && (
        <List size="sm" spacing={2}>
          {refused.map((result) => {
            const number = result.caseNumber ?? numbers.get(result.caseId);
            return (
              <List.Item key={result.caseId} data-testid="bulk-refused">
                <Text span fw={600} fz="sm">
                  {number ? `#${number}` : "A case"}
                </Text>
                {": "}
                {result.ok ? "" : result.message}
              </List.Item>
            );
          })}
        </List>
      )}
    </Alert>
  );
}
