/** The conditions assignment rules and SLA policies share: as the API holds them, as a form edits them. */
import type { Channel, Priority } from "../api/types.ts";

export interface Conditions {
  channels?: Channel[];
  priorities?: Priority[];
  addresses?: string[];
  keywords?: string[];
  queueIds?: string[];
  tags?: string[];
  contactAttributes?: Record<string, string | number | boolean>;
  /** Case custom fields that must hold these values. */
  customFields?: Record<string, string | number | boolean>;
  /** Contact custom fields that must hold these values. */
  contactFields?: Record<string, string | number | boolean>;
}

/** Every condition as a list of strings; contact attributes as `key=value` pairs. */
export interface ConditionForm {
  channels: string[];
  priorities: string[];
  addresses: string[];
  keywords: string[];
  queueIds: string[];
  tags: string[];
  attributes: string[];
  /** Case custom fields as `key=value` pairs. */
  caseFields: string[];
  /** Contact custom fields as `key=value` pairs. */
  contactFields: string[];
}

/** A custom field's type by key: a value is a number only for a number field, true/false only for a checkbox. */
export type FieldTypes = Record<string, string>;

/** `plan=gold` pairs of custom fields, each value typed as its field stores it. */
export function parseFieldPairs(
  pairs: string[],
  types: FieldTypes,
): Record<string, string | number | boolean> {
  const values: Record<string, string | number | boolean> = {};
  for (const [key, raw] of Object.entries(parseAttributes(pairs))) {
    const text = String(raw);
    values[key] =
      types[key] === "number" && text !== "" && !Number.isNaN(Number(text))
        ? Number(text)
        : types[key] === "checkbox" && (text === "true" || text === "false")
          ? text === "true"
          : text;
  }
  return values;
}

/** `plan=gold` pairs as attributes; numbers and booleans typed as such. */
export function parseAttributes(pairs: string[]): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    const raw = pair.slice(at + 1).trim();
    attributes[key] =
      raw === "true"
        ? true
        : raw === "false"
          ? false
          : raw !== "" && !Number.isNaN(Number(raw))
            ? Number(raw)
            : raw;
  }
  return attributes;
}

export const attributePairs = (attributes: Record<string, unknown> | undefined) =>
  Object.entries(attributes ?? {}).map(([key, value]) => `${key}=${String(value)}`);

export function toConditionForm(conditions: Conditions | undefined): ConditionForm {
  return {
    channels: conditions?.channels ?? [],
    priorities: conditions?.priorities ?? [],
    addresses: conditions?.addresses ?? [],
    keywords: conditions?.keywords ?? [],
    queueIds: conditions?.queueIds ?? [],
    tags: conditions?.tags ?? [],
    attributes: attributePairs(conditions?.contactAttributes),
    caseFields: attributePairs(conditions?.customFields),
    contactFields: attributePairs(conditions?.contactFields),
  };
}

/** The conditions a form gives; an empty list is no condition and is left out. */
export function fromConditionForm(form: ConditionForm, fieldTypes: FieldTypes = {}): Conditions {
  return {
    ...(form.channels.length ? { channels: form.channels as Channel[] } : {}),
    ...(form.priorities.length ? { priorities: form.priorities as Priority[] } : {}),
    ...(form.addresses.length ? { addresses: form.addresses } : {}),
    ...(form.keywords.length ? { keywords: form.keywords } : {}),
    ...(form.queueIds.length ? { queueIds: form.queueIds } : {}),
    ...(form.tags.length ? { tags: form.tags } : {}),
    ...(form.attributes.length ? { contactAttributes: parseAttributes(form.attributes) } : {}),
    ...(form.caseFields.length ? { customFields: parseFieldPairs(form.caseFields, fieldTypes) } : {}),
    ...(form.contactFields.length ? { contactFields: parseFieldPairs(form.contactFields, fieldTypes) } : {}),
  };
}

export function conditionSummary(conditions: Conditions, queueName?: (id: string) => string): string {
  const parts: string[] = [];
  if (conditions.channels?.length) parts.push(`channel ${conditions.channels.join("/")}`);
  if (conditions.addresses?.length) parts.push(`to ${conditions.addresses.join(", ")}`);
  if (conditions.keywords?.length)
    parts.push(`mentions ${conditions.keywords.map((k) => `"${k}"`).join(" or ")}`);
  if (conditions.priorities?.length) parts.push(`priority ${conditions.priorities.join("/")}`);
  if (conditions.queueIds?.length && queueName)
    parts.push(`queue ${conditions.queueIds.map(queueName).join("/")}`);
  if (conditions.tags?.length) parts.push(`tagged ${conditions.tags.join(", ")}`);
  const attributes = attributePairs(conditions.contactAttributes);
  if (attributes.length) parts.push(`contact ${attributes.join(", ")}`);
  const caseFields = attributePairs(conditions.customFields);
  if (caseFields.length) parts.push(`fields ${caseFields.join(", ")}`);
  const contactFields = attributePairs(conditions.contactFields);
  if (contactFields.length) parts.push(`contact fields ${contactFields.join(", ")}`);
  return parts.length ? parts.join(" · ") : "every case";
}
