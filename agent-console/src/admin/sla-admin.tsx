/** Admin → SLA: policies in the order they are tried (targets per priority, calendar) and escalation rules. */
import { Checkbox, Group, MultiSelect, NumberInput, Select, Table, TagsInput, Text } from "@mantine/core";
import type { Priority } from "../api/types.ts";
import { HoursChoiceField, hoursBody, hoursLabel } from "./calendar-choice.tsx";
import { type ConditionForm, conditionSummary, fromConditionForm, toConditionForm } from "./conditions.ts";
import { type Editor, FormShell, useEditorForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { TitleCell } from "./data-table.tsx";
import { CHANNEL_OPTIONS, EnabledSwitch, NameInput } from "./editors.tsx";
import { FieldConditionInputs, useFieldTypes } from "./field-conditions.tsx";
import { resources, useCalendars, useQueueOptions } from "./queries.ts";
import {
  type Calendar,
  ESCALATION_ACTIONS,
  type EscalationRule,
  PRIORITIES,
  SLA_METRICS,
  type SlaMetric,
  type SlaPolicy,
  type SlaTargets,
} from "./types.ts";

const METRIC_LABEL: Record<SlaMetric, string> = {
  first_response: "First response",
  next_response: "Next response",
  periodic_update: "Periodic update",
  resolution: "Resolution",
  answer: "Answer (chat, voice)",
};
const ACTION_LABEL: Record<EscalationRule["action"], string> = {
  notify_supervisor: "Notify supervisors",
  raise_priority: "Raise priority one step",
  move_to_queue: "Move to a queue",
};

function TargetsGrid({ value, onChange }: { value: SlaTargets; onChange: (next: SlaTargets) => void }) {
  const setTarget = (
    priority: Priority,
    metric: SlaMetric,
    target: { minutes: number; business: boolean } | null,
  ) => {
    const row = { ...(value[priority] ?? {}) };
    if (target) row[metric] = target;
    else delete row[metric];
    onChange({ ...value, [priority]: row });
  };
  return (
    <Table withTableBorder verticalSpacing={4} aria-label="Targets in minutes per priority">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Target</Table.Th>
          {PRIORITIES.map((priority) => (
            <Table.Th key={priority} scope="col">
              {priority}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {SLA_METRICS.map((metric) => (
          <Table.Tr key={metric}>
            <Table.Th scope="row" fz="sm">
              {METRIC_LABEL[metric]}
            </Table.Th>
            {PRIORITIES.map((priority) => {
              const target = value[priority]?.[metric];
              return (
                <Table.Td key={priority}>
                  <NumberInput
                    aria-label={`${METRIC_LABEL[metric]} for ${priority} priority, minutes`}
                    size="xs"
                    w={90}
                    min={1}
                    placeholder="none"
                    value={target?.minutes ?? ""}
                    onChange={(minutes) =>
                      setTarget(
                        priority,
                        metric,
                        minutes === ""
                          ? null
                          : { minutes: Number(minutes), business: target?.business ?? true },
                      )
                    }
                  />
                  {target ? (
                    <Checkbox
                      size="xs"
                      mt={2}
                      label="business"
                      aria-label={`${METRIC_LABEL[metric]} for ${priority} priority counts business hours only`}
                      checked={target.business}
                      onChange={(event) =>
                        setTarget(priority, metric, { ...target, business: event.currentTarget.checked })
                      }
                    />
                  ) : null}
                </Table.Td>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

interface PolicyForm extends ConditionForm {
  name: string;
  enabled: boolean;
  targets: SlaTargets;
  atRiskPercent: number;
  calendar: Calendar | null;
  calendarId: string | null;
}

const toPolicyForm = (policy: SlaPolicy | null): PolicyForm => ({
  name: policy?.name ?? "",
  enabled: policy?.enabled ?? true,
  ...toConditionForm(policy?.conditions),
  targets: policy?.targets ?? { normal: { first_response: { minutes: 240, business: true } } },
  atRiskPercent: policy?.atRiskPercent ?? 25,
  calendar: policy?.calendar ?? null,
  calendarId: policy?.calendarId ?? null,
});

function PolicyDrawer({ editor }: { editor: Editor<SlaPolicy> }) {
  const policy = editor.item;
  const queues = useQueueOptions();
  const { form, set, field, shell, submit } = useEditorForm(editor, resources.policies, toPolicyForm);
  const fieldTypes = useFieldTypes();
  const hours = hoursBody({ calendarId: form.calendarId, hours: form.calendar });
  // Priorities without any target are left out: the API refuses empty objects nowhere, but they say nothing.
  const targets = Object.fromEntries(
    Object.entries(form.targets).filter(([, row]) => row && Object.keys(row).length),
  );

  return (
    <FormShell
      drawer
      size="xl"
      {...shell}
      title={policy ? `Edit ${policy.name}` : "New SLA policy"}
      submitLabel={policy ? "Save policy" : "Add policy"}
      onSubmit={() =>
        submit({
          name: form.name,
          enabled: form.enabled,
          conditions: fromConditionForm(form, fieldTypes),
          targets,
          atRiskPercent: form.atRiskPercent,
          calendarId: hours.calendarId,
          ...("hours" in hours ? { calendar: hours.hours } : {}),
        })
      }
    >
      <NameInput {...field("name")} />
      <EnabledSwitch {...field("enabled")} />
      <Text fz="sm" fw={500}>
        Applies when every condition given holds
      </Text>
      <Group grow align="flex-start">
        <MultiSelect label="Priorities" data={PRIORITIES} clearable {...field("priorities")} />
        <MultiSelect label="Channels" data={CHANNEL_OPTIONS} clearable {...field("channels")} />
      </Group>
      <Group grow align="flex-start">
        <MultiSelect label="Queues" data={queues.data} clearable {...field("queueIds")} />
        <TagsInput label="Tags" {...field("tags")} />
      </Group>
      <TagsInput
        label="Contact attributes"
        description="key=value; Enter after each"
        {...field("attributes")}
      />
      <FieldConditionInputs caseFields={field("caseFields")} contactFields={field("contactFields")} />
      <Text fz="sm" fw={500}>
        Targets (minutes)
      </Text>
      <TargetsGrid {...field("targets")} />
      <NumberInput
        label="At risk when this much of a target remains (%)"
        w={320}
        min={1}
        max={99}
        value={form.atRiskPercent}
        onChange={(v) => field("atRiskPercent").onChange(Number(v) || 25)}
      />
      <HoursChoiceField
        label="Business hours for business-time targets"
        noneLabel="The case's queue's hours (around the clock without)"
        value={{ calendarId: form.calendarId, hours: form.calendar }}
        onChange={({ calendarId, hours: calendar }) => {
          set("calendarId", calendarId);
          set("calendar", calendar);
        }}
      />
    </FormShell>
  );
}

type EscalationForm = Omit<EscalationRule, "id" | "createdAt">;

const toEscalationForm = (rule: EscalationRule | null): EscalationForm =>
  rule
    ? { ...rule }
    : {
        name: "",
        enabled: true,
        trigger: "breached",
        metric: null,
        queueId: null,
        action: "notify_supervisor",
        targetQueueId: null,
      };

function EscalationModal({ editor }: { editor: Editor<EscalationRule> }) {
  const rule = editor.item;
  const queues = useQueueOptions();
  const { form, set, field, shell, submit } = useEditorForm(editor, resources.escalations, toEscalationForm);

  return (
    <FormShell
      size="md"
      {...shell}
      title={rule ? `Edit ${rule.name}` : "New escalation rule"}
      submitLabel={rule ? "Save rule" : "Add rule"}
      onSubmit={() =>
        submit({
          name: form.name,
          enabled: form.enabled,
          trigger: form.trigger,
          metric: form.metric,
          queueId: form.queueId,
          action: form.action,
          targetQueueId: form.action === "move_to_queue" ? form.targetQueueId : null,
        })
      }
    >
      <NameInput {...field("name")} />
      <EnabledSwitch {...field("enabled")} />
      <Select
        label="When a target"
        allowDeselect={false}
        data={[
          { value: "at_risk", label: "becomes at risk" },
          { value: "breached", label: "is breached" },
        ]}
        value={form.trigger}
        onChange={(v) => v && set("trigger", v as EscalationRule["trigger"])}
      />
      <Select
        label="Target"
        placeholder="Any target"
        clearable
        data={SLA_METRICS.map((metric) => ({ value: metric, label: METRIC_LABEL[metric] }))}
        value={form.metric}
        onChange={(v) => set("metric", v as SlaMetric | null)}
      />
      <Select label="In queue" placeholder="Any queue" clearable data={queues.data} {...field("queueId")} />
      <Select
        label="Then"
        allowDeselect={false}
        data={ESCALATION_ACTIONS.map((action) => ({ value: action, label: ACTION_LABEL[action] }))}
        value={form.action}
        onChange={(v) => v && set("action", v as EscalationRule["action"])}
      />
      {form.action === "move_to_queue" ? (
        <Select label="Move to" required data={queues.data} {...field("targetQueueId")} />
      ) : null}
    </FormShell>
  );
}

function targetSummary(targets: SlaTargets): string {
  const normal = targets.normal ?? targets.high ?? targets.low ?? targets.urgent;
  if (!normal) return "–";
  return Object.entries(normal)
    .map(([metric, target]) => `${METRIC_LABEL[metric as SlaMetric]} ${target?.minutes} min`)
    .join(", ");
}

export function SlaAdmin() {
  const queues = useQueueOptions();
  const calendars = useCalendars().data;
  const queueName = (id: string | null) => queues.name(id, "any queue");

  return (
    <>
      <CrudSection
        title="SLA policies"
        description="Tried top to bottom for each case; the first enabled policy whose conditions hold sets its targets. A new policy goes above the catch-all; one that can never apply says so."
        newLabel="New policy"
        resource={resources.policies}
        skeleton={120}
        mb="xl"
        ordered
        rowTestId="policy-row"
        remove={{ question: (policy) => `Delete the policy ${policy.name}?`, failure: "Policy not deleted" }}
        columns={[
          {
            header: "Policy",
            rowHeader: true,
            cell: (policy) => (
              <>
                <TitleCell title={policy.name} off={!policy.enabled} />
                {policy.neverApplies && (
                  <Text fz="xs" c="red.8" maw={360} data-testid="policy-never-applies">
                    {policy.neverApplies}
                  </Text>
                )}
              </>
            ),
          },
          { header: "Applies to", cell: (policy) => conditionSummary(policy.conditions, queueName) },
          {
            header: "Targets (normal priority)",
            cell: (policy) => <Text fz="xs">{targetSummary(policy.targets)}</Text>,
          },
          {
            header: "Hours",
            cell: (policy) =>
              hoursLabel(calendars, { calendarId: policy.calendarId, hours: policy.calendar }, "the queue's"),
          },
        ]}
        form={PolicyDrawer}
      />
      <CrudSection
        level={2}
        title="Escalation rules"
        description="What happens when a target becomes at risk or is breached."
        newLabel="New escalation rule"
        resource={resources.escalations}
        skeleton={80}
        empty="No escalation rule."
        remove={{ question: (rule) => `Delete the rule ${rule.name}?`, failure: "Rule not deleted" }}
        columns={[
          {
            header: "Rule",
            rowHeader: true,
            cell: (rule) => <TitleCell title={rule.name} off={!rule.enabled} />,
          },
          {
            header: "When",
            cell: (rule) =>
              `${rule.metric ? METRIC_LABEL[rule.metric] : "Any target"} ${
                rule.trigger === "at_risk" ? "at risk" : "breached"
              } in ${queueName(rule.queueId)}`,
          },
          {
            header: "Then",
            cell: (rule) =>
              `${ACTION_LABEL[rule.action]}${
                rule.action === "move_to_queue" ? `: ${queueName(rule.targetQueueId)}` : ""
              }`,
          },
        ]}
        form={EscalationModal}
      />
    </>
  );
}
