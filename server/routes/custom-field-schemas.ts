/** Schemas custom fields share: definitions as the API shows them, values, and conditions on them. */
import { z } from "zod";
import { MAX_TEXT_LENGTH } from "../../cases/custom-fields.ts";
import { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES } from "../../db/schema/integrations.ts";
import { isoDate } from "../http/schemas.ts";

const fieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, "must be a custom field key (a-z, 0-9, _)");

/** `key: value` pairs a rule or policy asks of custom fields (a multiple-choice field: has the choice). */
export const fieldConditions = z.record(fieldKey, z.union([z.string().max(200), z.number(), z.boolean()]));

export const customFieldSchema = z.object({
  id: z.uuid(),
  entity: z.enum(CUSTOM_FIELD_ENTITIES),
  key: z.string().describe("Where values are stored; fixed once created"),
  label: z.string(),
  type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.string()).describe("The choices of a choice or multiple-choice field"),
  required: z.boolean().describe("Required on every case (or contact)"),
  requiredQueueIds: z.array(z.uuid()).describe("Case fields: required only on cases of these queues"),
  position: z.number().int(),
  archivedAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const option = z.string().trim().min(1, "cannot be empty").max(100, "can be at most 100 characters");
export const customFieldChangeFields = {
  label: z.string().trim().min(1, "cannot be empty").max(100, "can be at most 100 characters"),
  options: z.array(option).max(200),
  required: z.boolean(),
  requiredQueueIds: z.array(z.uuid()).max(100),
  position: z.number().int().min(0).max(100_000),
};

/** A value as written: checked against the field's type by the domain (cases/custom-fields.ts). */
const fieldValue = z
  .union([
    z.string().max(MAX_TEXT_LENGTH + 1),
    z.number(),
    z.boolean(),
    z.array(z.string().max(200)).max(200),
    z.null(),
  ])
  .describe("Text, number, date `YYYY-MM-DD`, a choice, a list of choices, true/false; null clears");

export const fieldValuesBody = z.object({
  values: z
    .record(z.string().min(1).max(60), fieldValue)
    .refine((values) => Object.keys(values).length > 0, "give at least one field")
    .refine((values) => Object.keys(values).length <= 100, "at most 100 fields at once"),
});
