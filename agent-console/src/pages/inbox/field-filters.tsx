/**
 * The inbox's filters on case custom fields: a select for choice, multiple-choice and checkbox
 * fields, a small input for the others (applied on Enter or when left). Kept in the URL as
 * `cf.<key>=value`, so saved views keep them too.
 */
import { Select, TextInput } from "@mantine/core";
import { useEffect, useState } from "react";
import { type CustomField, useCustomFields } from "../../api/custom-fields.ts";
import type { InboxFilters } from "../../api/query-keys.ts";

export function FieldFilters({
  filters,
  onChange,
}: {
  filters: InboxFilters;
  onChange(patch: Partial<InboxFilters>): void;
}) {
  const fields = useCustomFields("case").data ?? [];
  const set = (key: string, value: string | null) => {
    const { [key]: _old, ...rest } = filters.fields;
    onChange({ fields: value ? { ...rest, [key]: value } : rest });
  };
  return (
    <>
      {fields.map((field) => (
        <FieldFilter key={field.key} field={field} value={filters.fields[field.key] ?? ""} set={set} />
      ))}
    </>
  );
}

function FieldFilter({
  field,
  value,
  set,
}: {
  field: CustomField;
  value: string;
  set(key: string, value: string | null): void;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const common = { size: "xs" as const, w: 140, "aria-label": field.label, "data-filter": field.key };
  if (field.type === "choice" || field.type === "multi_choice" || field.type === "checkbox")
    return (
      <Select
        {...common}
        placeholder={`Any ${field.label.toLowerCase()}`}
        clearable
        data={
          field.type === "checkbox"
            ? [
                { value: "true", label: `${field.label}: yes` },
                { value: "false", label: `${field.label}: no` },
              ]
            : field.options
        }
        value={value || null}
        onChange={(next) => set(field.key, next)}
      />
    );
  const commit = () => draft.trim() !== value && set(field.key, draft.trim() || null);
  return (
    <TextInput
      {...common}
      type={field.type === "date" ? "date" : field.type === "number" ? "number" : "text"}
      placeholder={field.label}
      value={draft}
      onChange={(event) => setDraft(event.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(event) => event.key === "Enter" && commit()}
    />
  );
}
