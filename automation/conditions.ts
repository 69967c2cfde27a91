/**
 * The condition evaluator: plain facts about a case (its fields, its contact, the message that
 * triggered the rule, whether its queue is open) in, whether every condition holds out — with a
 * sentence per condition saying why, for audit rows and dry-runs. Pure.
 */
import type { Condition } from "./rule-schema.ts";
import { MAX_MATCHED_TEXT } from "./safe-regex.ts";

export interface CaseFacts {
  channel: string;
  queueId: string | null;
  priority: string;
  state: string;
  tags: readonly string[];
  assigneeId: string | null;
  subject: string;
  customFields: Readonly<Record<string, unknown>>;
  contact: Readonly<Record<string, unknown>>;
  /** The text of the message the rule looks at (the triggering one, else the latest inbound); null when none. */
  message: string | null;
  /** Whether the case's queue is within its business hours now; null when the queue has no hours. */
  businessHours: boolean | null;
}

export interface ConditionResult {
  condition: Condition;
  holds: boolean;
  why: string;
}

export interface Evaluation {
  matched: boolean;
  results: ConditionResult[];
}

/** The fact a condition's field names. */
export function factOf(facts: CaseFacts, field: string): unknown {
  if (field.startsWith("customFields.")) return facts.customFields[field.slice("customFields.".length)];
  if (field.startsWith("contact.")) return facts.contact[field.slice("contact.".length)];
  switch (field) {
    case "queue":
      return facts.queueId;
    case "assignee":
      return facts.assigneeId;
    case "businessHours":
      // A queue without hours is always open.
      return facts.businessHours ?? true;
    default:
      return (facts as unknown as Record<string, unknown>)[field];
  }
}

const same = (a: unknown, b: unknown) =>
  typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b;

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value == null ? [] : [value]);

const show = (value: unknown) => (typeof value === "string" ? `'${value}'` : JSON.stringify(value ?? null));

function holds(condition: Condition, fact: unknown): boolean {
  const { op, value } = condition;
  switch (op) {
    case "exists":
      return fact !== undefined && fact !== null && fact !== "" && !(Array.isArray(fact) && !fact.length);
    case "eq":
      return Array.isArray(fact) ? fact.some((item) => same(item, value)) : same(fact, value);
    case "neq":
      return !holds({ ...condition, op: "eq" }, fact);
    case "in":
      return listOf(value).some((candidate) => listOf(fact).some((item) => same(item, candidate)));
    case "not_in":
      return !holds({ ...condition, op: "in" }, fact);
    case "includes":
      return listOf(fact).some((item) => same(item, value));
    case "not_includes":
      return !holds({ ...condition, op: "includes" }, fact);
    case "contains":
      return typeof fact === "string" && fact.toLowerCase().includes(String(value).toLowerCase());
    case "matches":
      return (
        typeof fact === "string" && new RegExp(String(value), "iu").test(fact.slice(0, MAX_MATCHED_TEXT))
      );
    case "gt":
      return typeof fact === "number" && fact > Number(value);
    case "lt":
      return typeof fact === "number" && fact < Number(value);
  }
}

/** Evaluates one condition, with a sentence saying what was compared. */
export function evaluateCondition(condition: Condition, facts: CaseFacts): ConditionResult {
  const fact = factOf(facts, condition.field);
  const ok = holds(condition, fact);
  const shown =
    condition.field === "message" && typeof fact === "string" ? show(fact.slice(0, 80)) : show(fact);
  const wanted = condition.op === "exists" ? "" : ` ${show(condition.value)}`;
  return {
    condition,
    holds: ok,
    why: `${condition.field} ${condition.op}${wanted}: ${ok ? "yes" : "no"} (is ${shown})`,
  };
}

/** Whether every condition holds (an empty list always does), with each one's sentence. */
export function evaluateConditions(conditions: readonly Condition[], facts: CaseFacts): Evaluation {
  const results = conditions.map((condition) => evaluateCondition(condition, facts));
  return { matched: results.every((result) => result.holds), results };
}
