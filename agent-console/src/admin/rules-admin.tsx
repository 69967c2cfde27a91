/** Admin → Assignment rules: the first enabled rule whose conditions all hold places a new case. */
import { MultiSelect, Select, TagsInput, Text } from "@mantine/core";
import { type ConditionForm, conditionSummary, fromConditionForm, toConditionForm } from "./conditions.ts";
import { type Editor, FormShell, useEditorForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { TitleCell } from "./data-table.tsx";
import { CHANNEL_OPTIONS, EnabledSwitch, NameInput } from "./editors.tsx";
import { FieldConditionInputs, useFieldTypes } from "./field-conditions.tsx";
import { resources, useQueueOptions } from "./queries.ts";
import { type AssignmentRule, PRIORITIES } from "./types.ts";

interface RuleForm extends ConditionForm {
  name: string;
  enabled: boolean;
  queueId: string | null;
  setPriority: string | null;
}

const toForm = (rule: AssignmentRule | null): RuleForm => ({
  name: rule?.name ?? "",
  enabled: rule?.enabled ?? true,
  ...toConditionForm(rule?.conditions),
  queueId: rule?.queueId ?? null,
  setPriority: rule?.setPriority ?? null,
});

function RuleModal({ editor }: { editor: Editor<AssignmentRule> }) {
  const rule = editor.item;
  const queues = useQueueOptions();
  const { form, field, shell, submit } = useEditorForm(editor, resources.rules, toForm);
  const fieldTypes = useFieldTypes();

  return (
    <FormShell
      {...shell}
      title={rule ? `Edit rule ${rule.name}` : "New assignment rule"}
      submitLabel={rule ? "Save rule" : "Add rule"}
      onSubmit={() => {
        const { name, enabled, queueId, setPriority } = form;
        if (queueId)
          submit({ name, enabled, conditions: fromConditionForm(form, fieldTypes), queueId, setPriority });
      }}
    >
      <NameInput {...field("name")} />
      <EnabledSwitch {...field("enabled")} />
      <Text fz="sm" fw={500}>
        When every condition given holds
      </Text>
      <MultiSelect label="Channels" data={CHANNEL_OPTIONS} clearable {...field("channels")} />
      <TagsInput
        label="Written to (addresses)"
        description="Mailbox or phone number; Enter after each"
        {...field("addresses")}
      />
      <TagsInput
        label="Keywords"
        description="In the subject or first message; Enter after each"
        {...field("keywords")}
      />
      <MultiSelect label="Priorities" data={PRIORITIES} clearable {...field("priorities")} />
      <TagsInput
        label="Contact attributes"
        description="key=value, e.g. plan=gold; Enter after each"
        {...field("attributes")}
      />
      <FieldConditionInputs caseFields={field("caseFields")} contactFields={field("contactFields")} />
      <Select label="Send to queue" required data={queues.data} {...field("queueId")} />
      <Select
        label="Set priority"
        placeholder="Keep the case's priority"
        clearable
        data={PRIORITIES}
        {...field("setPriority")}
      />
    </FormShell>
  );
}

export function RulesAdmin() {
  const queues = useQueueOptions();
  return (
    <CrudSection
      title="Assignment rules"
      description="Tried top to bottom when a case is created; the first match wins, else the default queue."
      newLabel="New rule"
      resource={resources.rules}
      skeleton={120}
      ordered
      empty="No rule: every new case goes to the default queue."
      rowTestId="rule-row"
      remove={{ question: (rule) => `Delete the rule ${rule.name}?`, failure: "Rule not deleted" }}
      columns={[
        {
          header: "Rule",
          rowHeader: true,
          cell: (rule) => <TitleCell title={rule.name} off={!rule.enabled} />,
        },
        { header: "When", cell: (rule) => conditionSummary(rule.conditions) },
        { header: "Queue", cell: (rule) => queues.name(rule.queueId) },
        { header: "Priority", cell: (rule) => rule.setPriority ?? "–" },
      ]}
      form={RuleModal}
    />
  );
}
