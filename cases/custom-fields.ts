/**
 * Custom fields: the admin's typed fields on cases and contacts. Values live in the entity's
 * `custom_fields` jsonb by key, so adding a field rewrites no row. This file holds the pure parts —
 * the validator (also used by automation), the required check, routing's condition test and the
 * export helper — and a short cache of the definitions.
 */
import { asc, isNull } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { type CustomFieldEntity, customFields } from "../db/schema/integrations.ts";
import { AppError } from "./errors.ts";

export type CustomFieldRow = typeof customFields.$inferSelect;
export type CustomFieldDefinition = Pick<
  CustomFieldRow,
  "key" | "label" | "type" | "options" | "required" | "requiredQueueIds" | "position" | "archivedAt"
> &
  Partial<Pick<CustomFieldRow, "entity">>;

/** A stored value: what the validator lets through. */
export type CustomFieldValue = string | number | boolean | string[];
export type CustomFieldValues = Record<string, unknown>;

export const MAX_TEXT_LENGTH = 2000;
export const FIELD_KEY = /^[a-z][a-z0-9_]{0,49}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const entityPlural = (entity: CustomFieldEntity) => (entity === "case" ? "cases" : "contacts");

const invalid = (field: CustomFieldDefinition, reason: string) =>
  new AppError("VALIDATION", `Custom field '${field.key}' (${field.label}) ${reason}.`, {
    field: field.key,
    reason,
  });

function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** One value checked against its field; returns it as stored, or null when it clears the field. */
function checkValue(field: CustomFieldDefinition, value: unknown): CustomFieldValue | null {
  switch (field.type) {
    case "text":
      if (typeof value !== "string") throw invalid(field, "must be text");
      if (value.length > MAX_TEXT_LENGTH)
        throw invalid(field, `can be at most ${MAX_TEXT_LENGTH} characters`);
      return value.trim() === "" ? null : value;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(field, "must be a number");
      return value;
    case "date":
      if (typeof value !== "string" || !isIsoDate(value))
        throw invalid(field, "must be a date written YYYY-MM-DD");
      return value;
    case "choice":
      if (typeof value !== "string" || !field.options.includes(value))
        throw invalid(field, `must be one of ${field.options.map((o) => `'${o}'`).join(", ")}`);
      return value;
    case "multi_choice": {
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
        throw invalid(field, "must be a list of choices");
      const unknown = value.find((v) => !field.options.includes(v));
      if (unknown !== undefined)
        throw invalid(
          field,
          `has '${unknown}', which is not one of ${field.options.map((o) => `'${o}'`).join(", ")}`,
        );
      // Kept in the options' order, each once, so equal selections store equal values.
      const chosen = field.options.filter((option) => value.includes(option));
      return chosen.length ? chosen : null;
    }
    case "checkbox":
      if (typeof value !== "boolean") throw invalid(field, "must be true or false");
      return value;
  }
}

/** Whether a field must hold a value on a case of this queue (contacts: only `required`). */
export function isRequired(field: CustomFieldDefinition, queueId: string | null | undefined): boolean {
  return field.required || (!!queueId && field.requiredQueueIds.includes(queueId));
}

/** Whether a value counts as filled in: a required checkbox must be ticked, as in Zendesk. */
export function isFilled(field: CustomFieldDefinition, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (field.type === "checkbox") return value === true;
  if (Array.isArray(value)) return value.length > 0;
  return value !== "";
}

/**
 * Checks values about to be written to a case or contact, by key. Unknown or archived keys,
 * values of the wrong type and clearing a required field are a 400 naming the field and why.
 * Returns the values as they are stored, `null` for a field being cleared. Pure.
 */
export function validateCustomFieldValues(
  definitions: readonly CustomFieldDefinition[],
  entity: CustomFieldEntity,
  values: CustomFieldValues,
  context: { queueId?: string | null } = {},
): Record<string, CustomFieldValue | null> {
  const active = new Map(
    definitions
      .filter((field) => !field.archivedAt && (field.entity ?? entity) === entity)
      .map((field) => [field.key, field]),
  );
  const checked: Record<string, CustomFieldValue | null> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = active.get(key);
    if (!field)
      throw new AppError("VALIDATION", `No custom field '${key}' on ${entityPlural(entity)}.`, {
        field: key,
        reason: "unknown",
      });
    const stored = value === null ? null : checkValue(field, value);
    if (stored === null && isRequired(field, context.queueId))
      throw invalid(field, "is required and cannot be cleared");
    if (
      stored !== null &&
      field.type === "checkbox" &&
      stored === false &&
      isRequired(field, context.queueId)
    )
      throw invalid(field, "is required and must be ticked");
    checked[key] = stored;
  }
  return checked;
}

/** `current` with `changes` applied (null removes a key); keys whose value did not change are left out of `changed`. */
export function applyCustomFieldChanges(
  current: CustomFieldValues,
  changes: Record<string, CustomFieldValue | null>,
): { next: CustomFieldValues; changed: { key: string; from: unknown; to: unknown }[] } {
  const next: CustomFieldValues = { ...current };
  const changed: { key: string; from: unknown; to: unknown }[] = [];
  for (const [key, value] of Object.entries(changes)) {
    const from = current[key] ?? null;
    if (JSON.stringify(from) === JSON.stringify(value)) continue;
    if (value === null) delete next[key];
    else next[key] = value;
    changed.push({ key, from, to: value });
  }
  return { next, changed };
}

/** The required fields of a case of `queueId` that are empty: what stops it being resolved. Pure. */
export function missingRequiredFields(
  definitions: readonly CustomFieldDefinition[],
  values: CustomFieldValues,
  queueId: string | null,
): CustomFieldDefinition[] {
  return definitions.filter(
    (field) =>
      !field.archivedAt &&
      (field.entity ?? "case") === "case" &&
      isRequired(field, queueId) &&
      !isFilled(field, values[field.key]),
  );
}

/**
 * A routing or SLA condition on custom fields: every key holds the value (a multiple-choice value
 * holds it when the value is one of its choices). Pure.
 */
export function fieldConditionsHold(
  conditions: Record<string, string | number | boolean> | undefined,
  values: CustomFieldValues | undefined,
): boolean {
  for (const [key, expected] of Object.entries(conditions ?? {})) {
    const actual = values?.[key];
    if (Array.isArray(actual) ? !actual.includes(expected) : actual !== expected) return false;
  }
  return true;
}

/** A value as a person reads it in a CSV cell. */
export function customFieldText(field: Pick<CustomFieldDefinition, "type">, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (field.type === "checkbox") return value === true ? "Yes" : value === false ? "No" : "";
  if (Array.isArray(value)) return value.join("; ");
  return String(value);
}

/**
 * A row's custom fields as `[label, value as text]` pairs, in the admin's order, archived fields
 * left out: the columns an export writes after its own. Every active field is there, empty or not,
 * so each row of one export has the same columns.
 */
export function customFieldColumns(
  definitions: readonly CustomFieldDefinition[],
  entity: CustomFieldEntity,
  values: CustomFieldValues | null | undefined,
): [string, string][] {
  return activeFields(definitions, entity).map((field) => [
    field.label,
    customFieldText(field, values?.[field.key]),
  ]);
}

/** The active fields of one entity, in the admin's order. */
export function activeFields<D extends CustomFieldDefinition>(
  definitions: readonly D[],
  entity: CustomFieldEntity,
): D[] {
  return definitions
    .filter((field) => !field.archivedAt && (field.entity ?? entity) === entity)
    .sort((a, b) => a.position - b.position || a.label.localeCompare(b.label));
}

/** Only the values of active fields: what answers show (an archived field's values stay in the row). */
export function visibleValues(
  definitions: readonly CustomFieldDefinition[],
  entity: CustomFieldEntity,
  values: CustomFieldValues | null | undefined,
): CustomFieldValues {
  const keys = new Set(activeFields(definitions, entity).map((field) => field.key));
  return Object.fromEntries(Object.entries(values ?? {}).filter(([key]) => keys.has(key)));
}

export interface CustomFieldCache {
  /** Every active definition, both entities, in position order. */
  get(executor: Executor): Promise<CustomFieldRow[]>;
  invalidate(): void;
}

/** Definitions change rarely and every resolve and field write reads them: kept a moment, cleared by changes made here. */
export function createCustomFieldCache(ttlMs = 2000): CustomFieldCache {
  let cached: { rows: CustomFieldRow[]; at: number } | undefined;
  let generation = 0;
  return {
    async get(executor) {
      if (cached && Date.now() - cached.at < ttlMs) return cached.rows;
      const started = generation;
      const rows = await executor
        .select()
        .from(customFields)
        .where(isNull(customFields.archivedAt))
        .orderBy(asc(customFields.position), asc(customFields.label));
      if (started === generation) cached = { rows, at: Date.now() };
      return rows;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
    },
  };
}
