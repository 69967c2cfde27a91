/**
 * The rule editor's rows: conditions (field, operator, value) and actions (type and its one
 * parameter). Lists are typed comma-separated; the server checks everything and names the row.
 */
import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { useQueueOptions } from "./queries.ts";

export interface ConditionRow {
  field: string;
  op: string;
  value: string;
}

export interface ActionRow {
  type: string;
  param: string;
}

export const FIELDS = [
  "channel",
  "queue",
  "priority",
  "state",
  "tags",
  "assignee",
  "subject",
  "message",
  "businessHours",
  "customFields.plan",
  "contact.tier",
];
export const OPS = [
  "eq",
  "neq",
  "in",
  "not_in",
  "includes",
  "not_includes",
  "contains",
  "matches",
  "gt",
  "lt",
  "exists",
];

/** Each action type and what its parameter is. */
export const ACTION_TYPES: Record<string, string> = {
  add_tags: "Tags (comma-separated)",
  remove_tags: "Tags (comma-separated)",
  set_priority: "low, normal, high or urgent",
  set_queue: "Queue",
  set_custom_field: "key=value",
  assign: "Agent id",
  unassign: "",
  reply: "Reply text ({{contact.first_name}}, {{case.number}} …)",
  note: "Note text",
  notify: "Message to the queue's supervisors",
  set_state: "resolved or waiting_on_customer",
  call_webhook: "Webhook endpoint id",
};

const list = (text: string) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

/** A typed value: true/false and numbers as such, lists for the list operators. */
function conditionValue(row: ConditionRow): unknown {
  if (row.op === "exists") return undefined;
  if (row.op === "in" || row.op === "not_in") return list(row.value);
  if (row.value === "true" || row.value === "false") return row.value === "true";
  if ((row.op === "gt" || row.op === "lt") && row.value.trim() !== "") return Number(row.value);
  return row.value;
}

export const toConditions = (rows: ConditionRow[]) =>
  rows.map((row) => {
    const value = conditionValue(row);
    return value === undefined ? { field: row.field, op: row.op } : { field: row.field, op: row.op, value };
  });

export function toActions(rows: ActionRow[]) {
  return rows.map(({ type, param }) => {
    switch (type) {
      case "add_tags":
      case "remove_tags":
        return { type, tags: list(param) };
      case "set_priority":
        return { type, priority: param.trim() };
      case "set_queue":
        return { type, queueId: param };
      case "set_custom_field": {
        const [key = "", ...rest] = param.split("=");
        return { type, key: key.trim(), value: rest.join("=").trim() };
      }
      case "assign":
        return { type, agentId: param.trim() };
      case "reply":
      case "note":
        return { type, text: param };
      case "notify":
        return { type, supervisors: true, message: param };
      case "set_state":
        return { type, state: param.trim() };
      case "call_webhook":
        return { type, endpointId: param.trim() };
      default:
        return { type };
    }
  });
}

/** One sentence per action, for the rule list. */
export function actionSummary(action: Record<string, unknown>): string {
  const rest = Object.entries(action)
    .filter(([key]) => key !== "type")
    .map(([, value]) => (Array.isArray(value) ? value.join(", ") : String(value)))
    .join(" ");
  return `${String(action.type).replaceAll("_", " ")}${rest ? `: ${rest}` : ""}`;
}

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
          <Select
            aria-label="Field"
            data={FIELDS}
            searchable
            value={row.field}
            onChange={(field) => set(index, { field: field ?? "channel" })}
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

export function ActionRows({ rows, onChange }: { rows: ActionRow[]; onChange(rows: ActionRow[]): void }) {
  const queues = useQueueOptions();
  const set = (index: number, patch: Partial<ActionRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={6}>
      <Text fz="sm" fw={500}>
        Actions
      </Text>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own.
        <Group key={index} gap={6} wrap="nowrap" data-testid="action-row">
          <Select
            aria-label="Action"
            data={Object.keys(ACTION_TYPES)}
            value={row.type}
            onChange={(type) => set(index, { type: type ?? "add_tags", param: "" })}
            w={170}
          />
          {row.type === "set_queue" ? (
            <Select
              aria-label="Queue"
              data={queues.data}
              value={row.param || null}
              onChange={(id) => set(index, { param: id ?? "" })}
              style={{ flex: 1 }}
            />
          ) : (
            ACTION_TYPES[row.type] !== "" && (
              <TextInput
                aria-label="Parameter"
                placeholder={ACTION_TYPES[row.type]}
                value={row.param}
                onChange={(event) => set(index, { param: event.currentTarget.value })}
                style={{ flex: 1 }}
              />
            )
          )}
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label="Remove action"
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Button
        size="xs"
        variant="default"
        onClick={() => onChange([...rows, { type: "add_tags", param: "" }])}
      >
        Add action
      </Button>
    </Stack>
  );
}
