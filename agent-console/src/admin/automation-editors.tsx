/**
 * The rule and macro editors' rows: conditions (field, operator, value) and actions (type and its
 * one parameter, picked from a list where the values are known). What the rows hold and how they
 * become the API's JSON is in automation-rows.ts.
 */
import {
  ActionIcon,
  Autocomplete,
  Button,
  Group,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useAgentDirectory } from "../api/queries.ts";
import {
  ACTION_STATES,
  ACTION_TYPES,
  type ActionRow,
  type ConditionRow,
  FIELDS,
  OPS,
  PRIORITIES,
} from "./automation-rows.ts";
import { PlaceholderHint } from "./editors.tsx";
import { useQueueOptions } from "./queries.ts";
import { CANNED_PLACEHOLDERS } from "./types.ts";

/** A reply action fills the same placeholders a canned response does (automation/action-steps.ts). */
export const REPLY_PLACEHOLDERS = CANNED_PLACEHOLDERS;

const ACTION_OPTIONS = Object.entries(ACTION_TYPES).map(([value, { label }]) => ({ value, label }));

export function ConditionRows({
  rows,
  onChange,
}: {
  rows: ConditionRow[];
  onChange(rows: ConditionRow[]): void;
}) {
  const set = (index: number, patch: Partial<ConditionRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={6}>
      <Text fz="sm" fw={500}>
        Conditions (all must hold)
      </Text>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own.
        <Group key={index} gap={6} wrap="nowrap" data-testid="condition-row">
          {/* Typed, with suggestions: any customFields.<key> or contact.<attribute> is a field too. */}
          <Autocomplete
            aria-label="Field"
            data={FIELDS}
            value={row.field}
            onChange={(field) => set(index, { field })}
            w={170}
          />
          <Select
            aria-label="Operator"
            data={OPS}
            value={row.op}
            onChange={(op) => set(index, { op: op ?? "eq" })}
            w={120}
          />
          <TextInput
            aria-label="Value"
            value={row.value}
            onChange={(event) => set(index, { value: event.currentTarget.value })}
            style={{ flex: 1 }}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label="Remove condition"
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Button
        size="xs"
        variant="default"
        onClick={() => onChange([...rows, { field: "message", op: "contains", value: "" }])}
      >
        Add condition
      </Button>
    </Stack>
  );
}

/** The input for one action's parameter: a list where its values are known, a text box for words. */
function ActionParam({ row, onChange }: { row: ActionRow; onChange(param: string): void }) {
  const queues = useQueueOptions();
  const agents = useAgentDirectory(row.type === "assign");
  const label = ACTION_TYPES[row.type]?.param ?? "Parameter";
  const choose = (data: { value: string; label: string }[] | string[]) => (
    <Select
      aria-label={label}
      placeholder={label}
      data={data}
      searchable
      value={row.param || null}
      onChange={(value) => onChange(value ?? "")}
      style={{ flex: 1 }}
    />
  );
  switch (row.type) {
    case "unassign":
      return <div style={{ flex: 1 }} />;
    case "set_queue":
      return choose(queues.data);
    case "assign":
      return choose((agents.data ?? []).map((agent) => ({ value: agent.id, label: agent.name })));
    case "set_priority":
      return choose(PRIORITIES);
    case "set_state":
      return choose(ACTION_STATES.map((state) => ({ value: state, label: state.replaceAll("_", " ") })));
    case "reply":
    case "note":
      return (
        <Textarea
          aria-label={label}
          placeholder={row.stored?.cannedResponseId ? "Sends a canned response; type to replace it" : label}
          description={
            row.type === "reply" ? <PlaceholderHint placeholders={REPLY_PLACEHOLDERS} /> : undefined
          }
          inputWrapperOrder={["label", "input", "description", "error"]}
          autosize
          minRows={2}
          maxRows={8}
          maxLength={5000}
          value={row.param}
          onChange={(event) => onChange(event.currentTarget.value)}
          style={{ flex: 1 }}
        />
      );
    default:
      return (
        <TextInput
          aria-label={label}
          placeholder={label}
          value={row.param}
          onChange={(event) => onChange(event.currentTarget.value)}
          style={{ flex: 1 }}
        />
      );
  }
}

export function ActionRows({
  rows,
  onChange,
  newRow = { type: "add_tags", param: "" },
}: {
  rows: ActionRow[];
  onChange(rows: ActionRow[]): void;
  /** What "Add action" adds. */
  newRow?: ActionRow;
}) {
  const set = (index: number, patch: Partial<ActionRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={6}>
      <Text fz="sm" fw={500}>
        Actions
      </Text>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own.
        <Group key={index} gap={6} wrap="nowrap" align="flex-start" data-testid="action-row">
          <Select
            aria-label="Action"
            data={ACTION_OPTIONS}
            value={row.type}
            onChange={(type) => set(index, { type: type ?? "add_tags", param: "" })}
            allowDeselect={false}
            w={180}
          />
          <ActionParam row={row} onChange={(param) => set(index, { param })} />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label="Remove action"
            mt={6}
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Button size="xs" variant="default" onClick={() => onChange([...rows, newRow])}>
        Add action
      </Button>
    </Stack>
  );
}
