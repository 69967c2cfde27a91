/**
 * Admin → Custom fields: typed fields on cases and contacts. The key and type are fixed once created;
 * archiving hides a field and keeps its values in the rows. Order is the order the case header shows.
 */
import {
  Badge,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client.ts";
import type { CustomField, CustomFieldEntity } from "../api/custom-fields.ts";
import { type Editor, FormShell, RowActions, useEditor, useForm } from "./crud.tsx";
import { type Column, DataTable } from "./data-table.tsx";
import { MoveButtons, reorder, SectionHeader } from "./editors.tsx";
import { notifyError } from "./notify.ts";
import { useAdminWrite, useQueueOptions, type Write } from "./queries.ts";

const TYPE_LABEL: Record<CustomField["type"], string> = {
  text: "Text",
  number: "Number",
  date: "Date",
  choice: "Choice",
  multi_choice: "Multiple choice",
  checkbox: "Checkbox",
};
const PATH = "/api/admin/custom-fields";
const listKey = ["admin", "custom-fields"] as const;
/** Everything that shows fields re-reads after a change. */
const CHANGES = [listKey, ["custom-fields"]] as const;

interface FieldForm {
  key: string;
  label: string;
  type: CustomField["type"];
  options: string[];
  required: boolean;
  requiredQueueIds: string[];
}

const toForm = (field: CustomField | null): FieldForm => ({
  key: field?.key ?? "",
  label: field?.label ?? "",
  type: field?.type ?? "text",
  options: field?.options ?? [],
  required: field?.required ?? false,
  requiredQueueIds: field?.requiredQueueIds ?? [],
});

const keyOf = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 50);

/** The form's inputs: the key follows the label until it is edited; key and type only for a new field. */
function FieldInputs({
  form,
  set,
  editing,
  entity,
}: {
  form: FieldForm;
  set: <K extends keyof FieldForm>(key: K, value: FieldForm[K]) => void;
  editing: boolean;
  entity: CustomFieldEntity;
}) {
  const queues = useQueueOptions();
  const choices = form.type === "choice" || form.type === "multi_choice";
  return (
    <>
      <TextInput
        label="Label"
        required
        maxLength={100}
        value={form.label}
        onChange={(event) => {
          const label = event.currentTarget.value;
          set("label", label);
          if (!editing && (form.key === "" || form.key === keyOf(form.label))) set("key", keyOf(label));
        }}
        data-autofocus
      />
      <Group grow align="flex-start">
        <TextInput
          label="Key"
          description="Stored under it; fixed once created"
          required
          disabled={editing}
          value={form.key}
          onChange={(event) => set("key", event.currentTarget.value)}
        />
        <Select
          label="Type"
          description="Fixed once created"
          disabled={editing}
          allowDeselect={false}
          data={Object.entries(TYPE_LABEL).map(([value, label]) => ({ value, label }))}
          value={form.type}
          onChange={(type) => type && set("type", type as FieldForm["type"])}
        />
      </Group>
      {choices && (
        <TagsInput
          label="Options"
          description="Enter after each; removing one cases still hold keeps their value"
          value={form.options}
          onChange={(options) => set("options", options)}
        />
      )}
      <Checkbox
        label={`Required on every ${entity}`}
        description={entity === "case" ? "A case cannot be resolved while it is empty" : undefined}
        checked={form.required}
        onChange={(event) => set("required", event.currentTarget.checked)}
      />
      {entity === "case" && !form.required && (
        <MultiSelect
          label="Required on cases of these queues"
          data={queues.data}
          clearable
          value={form.requiredQueueIds}
          onChange={(ids) => set("requiredQueueIds", ids)}
        />
      )}
    </>
  );
}

function FieldModal({ editor, entity }: { editor: Editor<CustomField>; entity: CustomFieldEntity }) {
  const field = editor.item;
  const write = useAdminWrite(CHANGES);
  const { form, set } = useForm(editor.opened, field, toForm, write.reset);
  const choices = form.type === "choice" || form.type === "multi_choice";
  const submit = () => {
    const common = {
      label: form.label,
      required: form.required,
      ...(choices ? { options: form.options } : {}),
      ...(entity === "case" ? { requiredQueueIds: form.requiredQueueIds } : {}),
    };
    const writes: Write[] = field
      ? [{ method: "PUT", path: `${PATH}/${field.id}`, body: common }]
      : [{ method: "POST", path: PATH, body: { ...common, entity, key: form.key, type: form.type } }];
    write.mutate(writes, {
      onSuccess: (answer) => {
        for (const warning of (answer as { warnings?: string[] } | null)?.warnings ?? [])
          notifications.show({ color: "yellow", title: "Field saved", message: warning });
        editor.close();
      },
    });
  };
  return (
    <FormShell
      editor={editor}
      mutation={write}
      title={field ? `Edit ${field.label}` : `New ${entity} field`}
      submitLabel={field ? "Save field" : "Add field"}
      onSubmit={submit}
    >
      <FieldInputs form={form} set={set} editing={!!field} entity={entity} />
    </FormShell>
  );
}

function requiredText(field: CustomField, queueName: (id: string) => string) {
  if (field.required) return "Always";
  if (field.requiredQueueIds.length) return field.requiredQueueIds.map((id) => queueName(id)).join(", ");
  return "—";
}

/** The table's columns: order (up / down), what the field is, and Edit / Archive. */
function fieldColumns(
  items: CustomField[],
  actions: {
    move(from: number, to: number): void;
    archive(field: CustomField): void;
    edit(field: CustomField): void;
    busy: boolean;
    queueName(id: string): string;
  },
): Column<CustomField>[] {
  const { move, archive, edit, busy, queueName } = actions;
  return [
    {
      header: "Order",
      cell: (field, index) => (
        <MoveButtons name={field.label} index={index} count={items.length} disabled={busy} onMove={move} />
      ),
    },
    { header: "Label", rowHeader: true, cell: (field) => field.label },
    {
      header: "Key",
      cell: (field) => (
        <Text ff="monospace" fz="sm">
          {field.key}
        </Text>
      ),
    },
    { header: "Type", cell: (field) => <Badge variant="light">{TYPE_LABEL[field.type]}</Badge> },
    { header: "Options", cell: (field) => field.options.join(", ") || "—" },
    { header: "Required", cell: (field) => requiredText(field, queueName) },
    {
      header: "Actions",
      hiddenHeader: true,
      cell: (field) => (
        <RowActions
          name={field.label}
          onEdit={() => edit(field)}
          onRemove={() => archive(field)}
          removeLabel="Archive"
        />
      ),
    },
  ];
}

export function CustomFieldsAdmin() {
  const [entity, setEntity] = useState<CustomFieldEntity>("case");
  const editor = useEditor<CustomField>();
  const write = useAdminWrite(CHANGES);
  const queues = useQueueOptions();
  const list = useQuery({
    queryKey: [...listKey, entity],
    queryFn: async () =>
      (await api.get<{ items: CustomField[] }>(`/api/custom-fields?entity=${entity}`)).items,
  });
  const items = list.data ?? [];
  const move = (from: number, to: number) =>
    write.mutate(
      reorder(items, from, to).map((field, position) => ({
        method: "PUT" as const,
        path: `${PATH}/${field.id}`,
        body: { position },
      })),
      { onError: notifyError("Order not saved") },
    );
  const archive = (field: CustomField) => {
    if (!window.confirm(`Archive ${field.label}? It is hidden everywhere; values already given stay stored.`))
      return;
    write.mutate([{ method: "DELETE", path: `${PATH}/${field.id}` }], {
      onError: notifyError("Not archived"),
    });
  };
  return (
    <Stack gap="md">
      <SectionHeader
        title="Custom fields"
        description="Typed fields agents fill in on cases and contacts; rules, SLA policies and the inbox filter by them."
        action={<Button onClick={editor.create}>New field</Button>}
      />
      <SegmentedControl
        w={260}
        value={entity}
        onChange={(value) => setEntity(value as CustomFieldEntity)}
        data={[
          { value: "case", label: "Case fields" },
          { value: "contact", label: "Contact fields" },
        ]}
      />
      <Paper withBorder>
        <DataTable
          items={items}
          pending={list.isPending}
          skeleton={160}
          minWidth={720}
          label={`${entity} custom fields`}
          rowKey={(field) => field.id}
          rowProps={(field) => ({ "data-testid": "custom-field-row", "data-key": field.key })}
          empty={<Text c="dimmed">No {entity} field yet.</Text>}
          columns={fieldColumns(items, {
            move,
            archive,
            edit: editor.edit,
            busy: write.isPending,
            queueName: (id) => queues.name(id),
          })}
        />
      </Paper>
      <FieldModal editor={editor} entity={entity} />
    </Stack>
  );
}
