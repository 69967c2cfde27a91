/** Admin → Dispositions: the codes agents give a case (why the customer got in touch, how it ended). */
import { Badge, Checkbox, NumberInput, Text, Textarea, TextInput } from "@mantine/core";
import { type Editor, FormShell, useEditorForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { resources } from "./queries.ts";
import type { Disposition } from "./types.ts";

interface DispositionForm {
  label: string;
  description: string;
  position: number;
  active: boolean;
}

const toForm = (code: Disposition | null): DispositionForm => ({
  label: code?.label ?? "",
  description: code?.description ?? "",
  position: code?.position ?? 0,
  active: code?.active ?? true,
});

function DispositionModal({ editor }: { editor: Editor<Disposition> }) {
  const code = editor.item;
  const { form, set, text, checked, shell, submit } = useEditorForm(editor, resources.dispositions, toForm);
  return (
    <FormShell
      {...shell}
      title={code ? `Edit ${code.label}` : "New disposition"}
      submitLabel={code ? "Save disposition" : "Add disposition"}
      onSubmit={() => submit(form)}
    >
      <TextInput
        label="Label"
        description="What agents pick, e.g. Billing – refund issued"
        required
        maxLength={80}
        {...text("label")}
        data-autofocus
      />
      <Textarea label="Description" autosize minRows={2} maxLength={500} {...text("description")} />
      <NumberInput
        label="Order"
        description="Lower comes first in the agent's list"
        min={0}
        max={10_000}
        value={form.position}
        onChange={(value) => set("position", Number(value) || 0)}
      />
      <Checkbox
        label="Offered to agents"
        description="Retire a code instead of deleting it: cases keep the code they were given"
        {...checked("active")}
      />
    </FormShell>
  );
}

export function DispositionsAdmin() {
  return (
    <CrudSection
      title="Dispositions"
      description="The codes agents give a case; a queue can require one before its cases are resolved."
      newLabel="New disposition"
      resource={resources.dispositions}
      skeleton={120}
      minWidth={640}
      rowTestId="disposition-row"
      empty="No disposition yet."
      name={(code) => code.label}
      columns={[
        { header: "Label", rowHeader: true, cell: (code) => code.label },
        {
          header: "Description",
          cell: (code) => (
            <Text fz="sm" c="dimmed" lineClamp={2} maw={360}>
              {code.description}
            </Text>
          ),
        },
        { header: "Order", cell: (code) => code.position },
        {
          header: "Status",
          cell: (code) =>
            code.active ? (
              <Badge size="sm" variant="light" color="teal">
                Offered
              </Badge>
            ) : (
              <Badge size="sm" variant="light" color="gray">
                Retired
              </Badge>
            ),
        },
      ]}
      form={DispositionModal}
    />
  );
}
