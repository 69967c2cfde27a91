/** One rule set's rules in the order they run: each with Up/Down, Edit, Dry-run, on/off and Delete. */
import { Button, Group, Switch, Table, Text } from "@mantine/core";
import {
  AUTOMATION_BASE,
  moved,
  type Rule,
  type RuleSet,
  triggerSummary,
  useAutomationWrite,
} from "./automation-api.ts";
import { actionSummary } from "./automation-rows.ts";
import { notifyError } from "./notify.ts";
import { useQueueOptions } from "./queries.ts";

interface RuleLineProps {
  rule: Rule;
  first: boolean;
  last: boolean;
  onMove(by: number): void;
  onEdit(): void;
  onDryRun(): void;
}

function RuleLine({ rule, first, last, onMove, onEdit, onDryRun }: RuleLineProps) {
  const write = useAutomationWrite();
  const queues = useQueueOptions();
  const remove = () => {
    if (!window.confirm(`Delete the rule “${rule.name}”? It stops running at once.`)) return;
    write.mutate(
      { method: "DELETE", path: `${AUTOMATION_BASE}/rules/${rule.id}` },
      { onError: notifyError("Rule not deleted") },
    );
  };
  return (
    <Table.Tr data-testid="automation-rule" data-rule={rule.name}>
      <Table.Td fw={500}>{rule.name}</Table.Td>
      <Table.Td fz="xs">
        {triggerSummary(rule)}
        {rule.conditions.length
          ? ` · ${rule.conditions.length} condition${rule.conditions.length > 1 ? "s" : ""}`
          : ""}
      </Table.Td>
      <Table.Td fz="xs">
        {rule.actions.map((action) => actionSummary(action, { queue: (id) => queues.name(id) })).join("; ")}
      </Table.Td>
      <Table.Td>
        <Switch
          aria-label={`${rule.name} enabled`}
          checked={rule.enabled}
          onChange={(event) =>
            write.mutate(
              {
                method: "PUT",
                path: `${AUTOMATION_BASE}/rules/${rule.id}`,
                body: { enabled: event.currentTarget.checked },
              },
              { onError: notifyError("Rule not changed") },
            )
          }
        />
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-xs"
            variant="default"
            disabled={first}
            onClick={() => onMove(-1)}
            aria-label={`Move ${rule.name} up`}
          >
            Up
          </Button>
          <Button
            size="compact-xs"
            variant="default"
            disabled={last}
            onClick={() => onMove(1)}
            aria-label={`Move ${rule.name} down`}
          >
            Down
          </Button>
          <Button size="compact-xs" variant="light" onClick={onEdit}>
            Edit
          </Button>
          <Button size="compact-xs" variant="light" onClick={onDryRun}>
            Dry-run
          </Button>
          <Button size="compact-xs" variant="subtle" color="red" onClick={remove}>
            Delete
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

export function RuleTable({
  set,
  onEdit,
  onDryRun,
}: {
  set: RuleSet;
  onEdit(rule: Rule): void;
  onDryRun(rule: Rule): void;
}) {
  const write = useAutomationWrite();
  const move = (index: number, by: number) =>
    write.mutate(
      {
        method: "POST",
        path: `${AUTOMATION_BASE}/rules/reorder`,
        body: {
          ruleSetId: set.id,
          ids: moved(
            set.rules.map((rule) => rule.id),
            index,
            by,
          ),
        },
      },
      { onError: notifyError("Order not saved") },
    );
  if (!set.rules.length)
    return (
      <Text fz="sm" c="dimmed">
        No rules yet.
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Rule</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Does</Table.Th>
            <Table.Th>On</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {set.rules.map((rule, index) => (
            <RuleLine
              key={rule.id}
              rule={rule}
              first={index === 0}
              last={index === set.rules.length - 1}
              onMove={(by) => move(index, by)}
              onEdit={() => onEdit(rule)}
              onDryRun={() => onDryRun(rule)}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
