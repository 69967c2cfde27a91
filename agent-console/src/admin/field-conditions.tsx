/**
 * The condition editor's custom field rows, shared by assignment rules and SLA policies: `key=value`
 * pairs, with every choice (and yes/no) of the admin's fields offered as a suggestion.
 */
import { TagsInput } from "@mantine/core";
import { type CustomField, type CustomFieldEntity, useCustomFields } from "../api/custom-fields.ts";
import type { FieldTypes } from "./conditions.ts";

const suggestions = (fields: CustomField[]) =>
  fields.flatMap((field) =>
    field.type === "checkbox"
      ? [`${field.key}=true`, `${field.key}=false`]
      : field.options.length
        ? field.options.map((option) => `${field.key}=${option}`)
        : [`${field.key}=`],
  );

/** Both entities' field types by key, for typing the values the form gives. */
export function useFieldTypes(): FieldTypes {
  const all = [...(useCustomFields("case").data ?? []), ...(useCustomFields("contact").data ?? [])];
  return Object.fromEntries(all.map((field) => [field.key, field.type]));
}

interface PairsProps {
  value: string[];
  onChange(value: string[]): void;
}

function FieldPairs({ entity, label, ...props }: PairsProps & { entity: CustomFieldEntity; label: string }) {
  const fields = useCustomFields(entity).data ?? [];
  return (
    <TagsInput
      label={label}
      description="key=value of a custom field, e.g. plan=gold (a multiple-choice field: has that choice); Enter after each"
      data={suggestions(fields)}
      {...props}
    />
  );
}

export function FieldConditionInputs({
  caseFields,
  contactFields,
}: {
  caseFields: PairsProps;
  contactFields: PairsProps;
}) {
  return (
    <>
      <FieldPairs entity="case" label="Case custom fields" {...caseFields} />
      <FieldPairs entity="contact" label="Contact custom fields" {...contactFields} />
    </>
  );
}
