/**
 * Custom fields edited in place, each by its type: a select, a multi-select, a date, a number, a
 * checkbox or text. A choice saves at once; typed values when the field is left (or on Enter).
 * Required fields carry an asterisk; the API's refusal shows under the field it names.
 */
import { Checkbox, Group, MultiSelect, NumberInput, Select, TextInput } from "@mantine/core";
import { useEffect, useState } from "react";
import { errorMessage } from "../api/client.ts";
import type { CustomField, FieldValue } from "../api/custom-fields.ts";

interface FieldInputsProps {
  fields: CustomField[];
  values: Record<string, unknown>;
  /** The case's queue: fields required there are marked. */
  queueId?: string | null;
  save(values: Record<string, FieldValue>): Promise<unknown>;
  disabled?: boolean;
  /** Width of each input. */
  width?: number;
}

const isRequired = (field: CustomField, queueId: string | null | undefined) =>
  field.required || (!!queueId && field.requiredQueueIds.includes(queueId));

export function CustomFieldInputs({
  fields,
  values,
  queueId,
  save,
  disabled,
  width = 170,
}: FieldInputsProps) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  if (!fields.length) return null;
  const saveField = (field: CustomField, value: FieldValue) => {
    setErrors(({ [field.key]: _gone, ...rest }) => rest);
    save({ [field.key]: value }).catch((error: unknown) =>
      setErrors((current) => ({ ...current, [field.key]: errorMessage(error) })),
    );
  };
  return (
    <Group gap="xs" align="flex-start" wrap="wrap" data-testid="custom-fields">
      {fields.map((field) => (
        <FieldInput
          key={field.key}
          field={field}
          value={values[field.key] ?? null}
          required={isRequired(field, queueId)}
          error={errors[field.key]}
          disabled={disabled}
          width={width}
          onSave={(value) => saveField(field, value)}
        />
      ))}
    </Group>
  );
}

interface FieldInputProps {
  field: CustomField;
  value: unknown;
  required: boolean;
  error: string | undefined;
  disabled: boolean | undefined;
  width: number;
  onSave(value: FieldValue): void;
}

function FieldInput({ field, value, required, error, disabled, width, onSave }: FieldInputProps) {
  const common = {
    size: "xs" as const,
    label: field.label,
    withAsterisk: required,
    error,
    disabled,
    w: width,
    "data-field": field.key,
  };
  switch (field.type) {
    case "choice":
      return (
        <Select
          {...common}
          placeholder="—"
          data={field.options}
          value={typeof value === "string" ? value : null}
          clearable={!required}
          onChange={(next) => next !== value && onSave(next)}
        />
      );
    case "multi_choice":
      return (
        <MultiSelect
          {...common}
          data={field.options}
          value={Array.isArray(value) ? (value as string[]) : []}
          onChange={(next) => onSave(next.length ? next : null)}
        />
      );
    case "checkbox":
      return (
        <CheckboxField
          label={required ? `${field.label} *` : field.label}
          fieldKey={field.key}
          error={error}
          disabled={disabled}
          value={value === true}
          onSave={onSave}
        />
      );
    case "number":
      return <NumberField {...common} value={typeof value === "number" ? value : null} onSave={onSave} />;
    default:
      return (
        <TextField
          {...common}
          type={field.type === "date" ? "date" : "text"}
          value={typeof value === "string" ? value : ""}
          onSave={onSave}
        />
      );
  }
}

type Common = Omit<FieldInputProps, "field" | "value" | "required" | "width" | "onSave"> & {
  size: "xs";
  label: string;
  withAsterisk: boolean;
  w: number;
};

/** Text or a date: kept locally while typed, saved when left or on Enter if it changed. */
function TextField({
  value,
  onSave,
  type,
  ...common
}: Common & { value: string; type: "text" | "date"; onSave(value: FieldValue): void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => draft.trim() !== value && onSave(draft.trim() === "" ? null : draft);
  return (
    <TextInput
      {...common}
      type={type}
      value={draft}
      onChange={(event) => setDraft(event.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(event) => event.key === "Enter" && commit()}
    />
  );
}

function NumberField({
  value,
  onSave,
  ...common
}: Common & { value: number | null; onSave(value: FieldValue): void }) {
  const [draft, setDraft] = useState<string | number>(value ?? "");
  useEffect(() => setDraft(value ?? ""), [value]);
  const commit = () => {
    const next = draft === "" ? null : Number(draft);
    if (next !== value) onSave(next);
  };
  return (
    <NumberInput
      {...common}
      value={draft}
      onChange={setDraft}
      onBlur={commit}
      onKeyDown={(event) => event.key === "Enter" && commit()}
    />
  );
}

/** Shows the tick at once; the saved value replaces it when it comes back (or the refusal shows). */
function CheckboxField({
  label,
  fieldKey,
  error,
  disabled,
  value,
  onSave,
}: {
  label: string;
  fieldKey: string;
  error: string | undefined;
  disabled: boolean | undefined;
  value: boolean;
  onSave(value: FieldValue): void;
}) {
  const [checked, setChecked] = useState(value);
  useEffect(() => setChecked(value), [value]);
  // A refused save (an error) puts the stored value back.
  useEffect(() => {
    if (error) setChecked(value);
  }, [error, value]);
  return (
    <Checkbox
      size="xs"
      mt={22}
      label={label}
      error={error}
      disabled={disabled}
      data-field={fieldKey}
      checked={checked}
      onChange={(event) => {
        setChecked(event.currentTarget.checked);
        onSave(event.currentTarget.checked);
      }}
    />
  );
}
