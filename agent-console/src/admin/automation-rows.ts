/**
 * The rows the rule and macro editors show, and the conversions between them and the API's
 * conditions and actions (automation/rule-schema.ts): a stored rule or macro opens as rows, and rows
 * are saved back as the same JSON. Lists are typed comma-separated; the server checks everything and
 * names the row it refuses. Pure, so the round trip is unit-tested.
 */
import type { ConditionOp } from "../../../automation/rule-schema.ts";

export interface ConditionRow {
  field: string;
  op: string;
  value: string;
}

export interface ActionRow {
  type: string;
  param: string;
  /**
   * The stored action this row was opened from. Fields the row does not edit (a notify's agentIds,
   * a reply's canned response) are saved back as they were while the type stays the same.
   */
  stored?: Record<string, unknown>;
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
/** The server's condition operators (automation/rule-schema.ts), in the order the editor offers them. */
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
] as const satisfies readonly ConditionOp[];
// Fails to compile when the server gains an operator this list lacks.
const everyOp: readonly (typeof OPS)[number][] = [] as ConditionOp[];
void everyOp;

export const PRIORITIES = ["low", "normal", "high", "urgent"];
/** The states an action may put a case in (rule-schema's `set_state`). */
export const ACTION_STATES = ["resolved", "waiting_on_customer"];

/** Each action type, the label it is offered under, and what its parameter is ("" when it has none). */
export const ACTION_TYPES: Record<string, { label: string; param: string }> = {
  reply: { label: "Reply", param: "Reply text" },
  note: { label: "Internal note", param: "Note text" },
  add_tags: { label: "Add tags", param: "Tags (comma-separated)" },
  remove_tags: { label: "Remove tags", param: "Tags (comma-separated)" },
  set_state: { label: "Set state", param: "State" },
  set_priority: { label: "Set priority", param: "Priority" },
  set_queue: { label: "Move to queue", param: "Queue" },
  set_custom_field: { label: "Set custom field", param: "key=value" },
  assign: { label: "Assign to", param: "Agent" },
  unassign: { label: "Unassign", param: "" },
  notify: { label: "Notify supervisors", param: "Message to the queue's supervisors" },
  call_webhook: { label: "Call webhook", param: "Webhook endpoint id" },
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

/** A stored condition as a row: lists comma-separated, everything else as typed. */
export const fromConditions = (
  conditions: { field: string; op: string; value?: unknown }[],
): ConditionRow[] =>
  conditions.map(({ field, op, value }) => ({
    field,
    op,
    value:
      value === undefined || value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value),
  }));

function toAction({ type, param }: ActionRow): Record<string, unknown> {
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
}

export function toActions(rows: ActionRow[]): Record<string, unknown>[] {
  return rows.map((row) => {
    const action = toAction(row);
    if (row.stored?.type !== row.type) return action;
    // A reply from a canned response stays one until text is typed into it.
    if (row.type === "reply" && row.stored.cannedResponseId)
      return row.param.trim() ? action : { type: "reply", cannedResponseId: row.stored.cannedResponseId };
    // A notify keeps whom it told (agents, supervisors or both); the row edits its message.
    if (row.type === "notify") return { ...row.stored, message: row.param };
    return { ...row.stored, ...action };
  });
}

/** The one parameter a stored action's row edits. */
function paramOf(action: Record<string, unknown>): string {
  switch (action.type) {
    case "add_tags":
    case "remove_tags":
      return Array.isArray(action.tags) ? action.tags.join(", ") : "";
    case "set_priority":
      return String(action.priority ?? "");
    case "set_queue":
      return String(action.queueId ?? "");
    case "set_custom_field":
      return `${String(action.key ?? "")}=${action.value === null ? "" : String(action.value ?? "")}`;
    case "assign":
      return String(action.agentId ?? "");
    case "reply":
    case "note":
      return String(action.text ?? "");
    case "notify":
      return String(action.message ?? "");
    case "set_state":
      return String(action.state ?? "");
    case "call_webhook":
      return String(action.endpointId ?? "");
    default:
      return "";
  }
}

export const fromActions = (actions: Record<string, unknown>[]): ActionRow[] =>
  actions.map((action) => ({ type: String(action.type), param: paramOf(action), stored: action }));

const clip = (text: string, at = 60) => (text.length > at ? `${text.slice(0, at - 1)}…` : text);

/** Names for the ids actions hold (queues, agents), where the screen knows them. */
export interface ActionNames {
  queue?(id: string): string | undefined;
  agent?(id: string): string | undefined;
}

/** One short sentence per action, for the rule and macro lists. */
export function actionSummary(action: Record<string, unknown>, names: ActionNames = {}): string {
  const type = String(action.type);
  const label = type.replaceAll("_", " ");
  const param = paramOf(action);
  switch (type) {
    case "reply":
      return action.cannedResponseId ? "reply: a canned response" : `reply: “${clip(param)}”`;
    case "note":
      return `note: “${clip(param)}”`;
    case "notify":
      return `notify supervisors: “${clip(param)}”`;
    case "set_queue":
      return `${label}: ${names.queue?.(param) ?? param}`;
    case "assign":
      return `${label}: ${names.agent?.(param) ?? param}`;
    case "set_state":
      return `${label}: ${param.replaceAll("_", " ")}`;
    default:
      return param ? `${label}: ${param}` : label;
  }
}

/**
 * A refusal from the server with its paths in the rows' words: `body.conditions.1.value: …` is
 * "Condition 2: …", `actions[0].text: …` is "Action 1 (text): …", as the dialog numbers its rows.
 */
export function readableRefusal(message: string): string {
  const parts = message
    .replaceAll("body.name:", "Name:")
    .replace(
      /(?:body\.)?(conditions|actions)(?:\.(\d+)|\[(\d+)\])(?:\.([a-zA-Z]+))?/g,
      (_whole, list: string, dotted?: string, bracketed?: string, field?: string) => {
        const row = `${list === "conditions" ? "Condition" : "Action"} ${Number(dotted ?? bracketed) + 1}`;
        return field && field !== "value" ? `${row} (${field})` : row;
      },
    )
    .split("; ");
  // An empty reply breaks two of its rules; the second ("give exactly one of text or
  // cannedResponseId") only repeats the first in the API's words.
  return parts
    .filter((part) => {
      const row = /^(Action \d+): give exactly one of text or cannedResponseId/.exec(part)?.[1];
      return !row || !parts.some((other) => other.startsWith(`${row} (text):`));
    })
    .join("; ");
}
