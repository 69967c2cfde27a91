/**
 * Keeping custom field definitions: add, change (label, options, required, queues, position — the key
 * and type are fixed once values are stored under them), archive (the values stay in the rows, hidden).
 */
import { and, asc, eq, inArray, isNull, max, type SQL, sql } from "drizzle-orm";
import type { Db, Executor } from "../db/connect.ts";
import { cases } from "../db/schema/cases.ts";
import { contacts } from "../db/schema/contacts.ts";
import { type CustomFieldEntity, type CustomFieldType, customFields } from "../db/schema/integrations.ts";
import { queues } from "../db/schema/routing.ts";
import { type CustomFieldRow, entityPlural, FIELD_KEY } from "./custom-fields.ts";
import { AppError, notFound } from "./errors.ts";

export interface CustomFieldInput {
  entity: CustomFieldEntity;
  key: string;
  label: string;
  type: CustomFieldType;
  options?: string[];
  required?: boolean;
  requiredQueueIds?: string[];
  position?: number;
}

export type CustomFieldChange = Partial<
  Pick<CustomFieldInput, "label" | "options" | "required" | "requiredQueueIds" | "position">
>;

const hasOptions = (type: CustomFieldType) => type === "choice" || type === "multi_choice";

export async function listCustomFields(
  db: Executor,
  filter: { entity?: CustomFieldEntity; archived?: boolean },
): Promise<CustomFieldRow[]> {
  const conditions: SQL[] = [];
  if (filter.entity) conditions.push(eq(customFields.entity, filter.entity));
  if (!filter.archived) conditions.push(isNull(customFields.archivedAt));
  return db
    .select()
    .from(customFields)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(customFields.entity), asc(customFields.position), asc(customFields.label));
}

/** Options trimmed, each once; a choice field needs at least one, other types none. */
function checkOptions(type: CustomFieldType, options: string[] | undefined): string[] {
  const cleaned = [...new Set((options ?? []).map((o) => o.trim()).filter(Boolean))];
  if (hasOptions(type) && cleaned.length === 0)
    throw new AppError("VALIDATION", "A choice field needs at least one option.", { options: "empty" });
  if (!hasOptions(type) && cleaned.length > 0)
    throw new AppError("VALIDATION", `A ${type} field has no options; leave options out.`, {
      options: "not allowed",
    });
  return cleaned;
}

async function checkQueues(db: Executor, entity: CustomFieldEntity, queueIds: string[] | undefined) {
  const ids = [...new Set(queueIds ?? [])];
  if (!ids.length) return ids;
  if (entity !== "case")
    throw new AppError("VALIDATION", "Only case fields can be required per queue.", {
      requiredQueueIds: "cases only",
    });
  const found = await db.select({ id: queues.id }).from(queues).where(inArray(queues.id, ids));
  const missing = ids.filter((id) => !found.some((row) => row.id === id));
  if (missing.length)
    throw new AppError("VALIDATION", `Queue '${missing[0]}' does not exist.`, { requiredQueueIds: missing });
  return ids;
}

export async function createCustomField(db: Db, input: CustomFieldInput, at: Date): Promise<CustomFieldRow> {
  if (!FIELD_KEY.test(input.key))
    throw new AppError(
      "VALIDATION",
      `The key '${input.key}' must start with a letter and hold only a-z, 0-9 and _ (at most 50).`,
      { key: "format" },
    );
  const options = checkOptions(input.type, input.options);
  const requiredQueueIds = await checkQueues(db, input.entity, input.requiredQueueIds);
  const [taken] = await db
    .select({ archivedAt: customFields.archivedAt })
    .from(customFields)
    .where(and(eq(customFields.entity, input.entity), eq(customFields.key, input.key)));
  if (taken)
    throw new AppError(
      "CONFLICT",
      `There is already a ${input.entity} field with the key '${input.key}'${taken.archivedAt ? " (archived: its values are still kept)" : ""}; pick another key.`,
      { key: "taken" },
    );
  const [last] = await db
    .select({ position: max(customFields.position) })
    .from(customFields)
    .where(eq(customFields.entity, input.entity));
  const [row] = await db
    .insert(customFields)
    .values({
      entity: input.entity,
      key: input.key,
      label: input.label,
      type: input.type,
      options,
      required: input.required ?? false,
      requiredQueueIds,
      position: input.position ?? (last?.position ?? -1) + 1,
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  return row!;
}

async function fieldById(db: Executor, id: string): Promise<CustomFieldRow> {
  const [row] = await db.select().from(customFields).where(eq(customFields.id, id));
  if (!row) throw notFound("Custom field", id);
  return row;
}

/** How many cases or contacts still hold an option (uses the GIN index on cases). */
async function rowsHolding(db: Executor, field: CustomFieldRow, option: string): Promise<number> {
  const table = field.entity === "case" ? cases : contacts;
  const value = field.type === "multi_choice" ? [option] : option;
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(table)
    .where(sql`${table.customFields} @> ${JSON.stringify({ [field.key]: value })}::jsonb`);
  return row?.count ?? 0;
}

/**
 * Changes a field. Removing an option still held by rows is allowed — their value stays until
 * someone changes it — and is said in `warnings`.
 */
export async function updateCustomField(
  db: Db,
  id: string,
  change: CustomFieldChange,
  at: Date,
): Promise<{ field: CustomFieldRow; warnings: string[] }> {
  const current = await fieldById(db, id);
  if (current.archivedAt)
    throw new AppError("CONFLICT", `The field '${current.key}' is archived; it cannot be changed.`);
  const options = change.options !== undefined ? checkOptions(current.type, change.options) : undefined;
  const requiredQueueIds =
    change.requiredQueueIds !== undefined
      ? await checkQueues(db, current.entity, change.requiredQueueIds)
      : undefined;
  const warnings: string[] = [];
  for (const removed of options ? current.options.filter((o) => !options.includes(o)) : []) {
    const count = await rowsHolding(db, current, removed);
    if (count > 0)
      warnings.push(
        `Option '${removed}' was removed; ${count} ${count === 1 ? current.entity : entityPlural(current.entity)} still hold it until changed.`,
      );
  }
  const [field] = await db
    .update(customFields)
    .set({
      ...(change.label !== undefined ? { label: change.label } : {}),
      ...(options ? { options } : {}),
      ...(change.required !== undefined ? { required: change.required } : {}),
      ...(requiredQueueIds ? { requiredQueueIds } : {}),
      ...(change.position !== undefined ? { position: change.position } : {}),
      updatedAt: at,
    })
    .where(eq(customFields.id, id))
    .returning();
  return { field: field!, warnings };
}

/** Archives a field: hidden everywhere, its values left in the rows (nothing is rewritten). */
export async function archiveCustomField(db: Db, id: string, at: Date): Promise<void> {
  const current = await fieldById(db, id);
  if (current.archivedAt) return;
  await db.update(customFields).set({ archivedAt: at, updatedAt: at }).where(eq(customFields.id, id));
}
