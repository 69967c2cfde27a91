/** Admin → Queues: skills required and preferred, selection policy, overflow steps, service-level goal. */
import { Badge, Checkbox, NumberInput, Select, SimpleGrid, Switch, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type HoursChoice, HoursChoiceField, hoursBody, hoursLabel } from "./calendar-choice.tsx";
import { type Editor, FormShell, useEditorForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { TitleCell } from "./data-table.tsx";
import { EntryQueueSelect, ListEditor, NameInput, type Options, SkillLevelsEditor } from "./editors.tsx";
import { resources, useCalendars, useQueueOptions, useSkills } from "./queries.ts";
import { type OverflowStep, type Queue, type QueueInput, SELECTION_POLICIES } from "./types.ts";

export const POLICY_LABEL: Record<Queue["policy"], string> = {
  longest_idle: "Longest idle",
  most_available: "Most available",
  least_active: "Least active",
  best_skill: "Best skill",
};

const STEP_LABEL: Record<OverflowStep["action"], string> = {
  drop_preferred: "Drop preferred skills",
  lower_required: "Lower required levels",
  add_queue: "Let another queue's agents take it",
};

const EMPTY: QueueInput = {
  name: "",
  description: "",
  isDefault: false,
  requiredSkills: [],
  preferredSkills: [],
  policy: "longest_idle",
  overflowSteps: [],
  agingSteps: [],
  stickySeconds: 0,
  wrapUpSeconds: 0,
  offerTimeoutSeconds: null,
  businessHours: null,
  calendarId: null,
  serviceLevelPercent: 80,
  serviceLevelSeconds: 20,
  dispositionRequired: false,
};

function OverflowStepsEditor({
  value,
  onChange,
  queues,
}: {
  value: OverflowStep[];
  onChange: (next: OverflowStep[]) => void;
  queues: Options;
}) {
  return (
    <ListEditor
      label="Overflow steps"
      value={value}
      onChange={onChange}
      wrap="wrap"
      rowTestId="overflow-step"
      removeLabel={(index) => `Remove overflow step ${index + 1}`}
      addLabel="Add overflow step"
      newEntry={(): OverflowStep => ({
        action: "drop_preferred",
        afterSeconds: (value.at(-1)?.afterSeconds ?? 0) + 60,
      })}
      renderRow={(step, update) => (
        <>
          <NumberInput
            label="After (s)"
            size="xs"
            w={90}
            min={0}
            value={step.afterSeconds}
            onChange={(after) => update({ ...step, afterSeconds: Number(after) || 0 })}
          />
          <Select
            label="Then"
            size="xs"
            w={230}
            allowDeselect={false}
            data={Object.entries(STEP_LABEL).map(([action, label]) => ({ value: action, label }))}
            value={step.action}
            onChange={(action) => {
              const base = { afterSeconds: step.afterSeconds, skipIfNoAgents: step.skipIfNoAgents };
              if (action === "lower_required") update({ ...base, action, by: 1 });
              else if (action === "add_queue") update({ ...base, action, queueId: queues[0]?.value ?? "" });
              else update({ ...base, action: "drop_preferred" });
            }}
          />
          {step.action === "lower_required" ? (
            <NumberInput
              label="By levels"
              size="xs"
              w={90}
              min={1}
              max={9}
              value={step.by}
              onChange={(by) => update({ ...step, by: Number(by) || 1 })}
            />
          ) : null}
          {step.action === "add_queue" ? (
            <EntryQueueSelect
              queues={queues}
              value={step.queueId}
              onChange={(queueId) => update({ ...step, queueId })}
            />
          ) : null}
          <Checkbox
            size="xs"
            mb={6}
            label="At once if nobody is available"
            checked={!!step.skipIfNoAgents}
            onChange={(event) => update({ ...step, skipIfNoAgents: event.currentTarget.checked })}
          />
        </>
      )}
    />
  );
}

const toForm = (queue: Queue | null): QueueInput => {
  if (!queue) return EMPTY;
  const { id: _id, ...fields } = queue;
  return fields;
};

/** The whole-second settings, each with its bounds and the value an empty input falls back to. */
const SECONDS_FIELDS = [
  { key: "serviceLevelPercent", label: "Service-level goal (%)", min: 1, max: 100, fallback: 80 },
  { key: "serviceLevelSeconds", label: "Answered within (s)", min: 1, max: 3600, fallback: 20 },
  { key: "wrapUpSeconds", label: "Wrap-up after chats and calls (s)", min: 0, max: 3600, fallback: 0 },
  { key: "stickySeconds", label: "Sticky agent wait (s)", min: 0, max: 3600, fallback: 0 },
] as const;

/** What is saved: every field but the aging steps, which this form does not edit. */
function queueBody(form: QueueInput) {
  const hours = hoursBody({ calendarId: form.calendarId, hours: form.businessHours });
  return {
    name: form.name,
    description: form.description,
    isDefault: form.isDefault,
    requiredSkills: form.requiredSkills,
    preferredSkills: form.preferredSkills,
    policy: form.policy,
    overflowSteps: form.overflowSteps,
    stickySeconds: form.stickySeconds,
    wrapUpSeconds: form.wrapUpSeconds,
    offerTimeoutSeconds: form.offerTimeoutSeconds,
    calendarId: hours.calendarId,
    ...("hours" in hours ? { businessHours: hours.hours } : {}),
    serviceLevelPercent: form.serviceLevelPercent,
    serviceLevelSeconds: form.serviceLevelSeconds,
    dispositionRequired: form.dispositionRequired,
  };
}

type QueueForm = ReturnType<typeof useEditorForm<Queue, QueueInput>>;

/** The service-level goal, wrap-up, sticky wait and offer timeout, two to a row. */
function QueueTimingFields({ form, set }: Pick<QueueForm, "form" | "set">) {
  return (
    <SimpleGrid cols={2} spacing="xs">
      {SECONDS_FIELDS.map(({ key, label, min, max, fallback }) => (
        <NumberInput
          key={key}
          label={label}
          min={min}
          max={max}
          value={form[key]}
          onChange={(v) => set(key, Number(v) || fallback)}
        />
      ))}
      <NumberInput
        label="Offer timeout (s)"
        description="Empty: the server's default"
        min={5}
        max={600}
        value={form.offerTimeoutSeconds ?? ""}
        onChange={(v) => set("offerTimeoutSeconds", v === "" ? null : Number(v))}
      />
    </SimpleGrid>
  );
}

function QueueDrawer({ editor }: { editor: Editor<Queue> }) {
  const queue = editor.item;
  const skills = useSkills().data ?? [];
  const queues = useQueueOptions();
  const { form, set, field, text, checked, shell, submit } = useEditorForm(editor, resources.queues, toForm);
  const setHours = ({ calendarId, hours }: HoursChoice) => {
    set("calendarId", calendarId);
    set("businessHours", hours);
  };

  return (
    <FormShell
      drawer
      size="xl"
      {...shell}
      title={queue ? `Edit ${queue.name}` : "New queue"}
      submitLabel={queue ? "Save queue" : "Create queue"}
      onSubmit={() =>
        submit(queueBody(form), () => {
          notifications.show({
            color: "green",
            title: queue ? "Queue saved" : "Queue created",
            message: form.name,
          });
          editor.close();
        })
      }
    >
      <NameInput {...field("name")} />
      <Textarea label="Description" autosize {...text("description")} />
      <Switch
        label="Default queue"
        description="Cases no assignment rule claims go here"
        {...checked("isDefault")}
      />
      <Switch
        label="Require a disposition"
        description="Agents give a disposition code before resolving or closing this queue's cases"
        {...checked("dispositionRequired")}
      />
      <SkillLevelsEditor label="Required skills" skills={skills} {...field("requiredSkills")} />
      <SkillLevelsEditor label="Preferred skills" skills={skills} {...field("preferredSkills")} />
      <Select
        label="Selection policy"
        description="Which eligible agent gets the next case"
        allowDeselect={false}
        data={SELECTION_POLICIES.map((policy) => ({ value: policy, label: POLICY_LABEL[policy] }))}
        value={form.policy}
        onChange={(value) => value && set("policy", value as Queue["policy"])}
      />
      <OverflowStepsEditor
        {...field("overflowSteps")}
        queues={queues.data.filter((option) => option.value !== queue?.id)}
      />
      <QueueTimingFields form={form} set={set} />
      <HoursChoiceField
        label="Business hours"
        noneLabel="No business hours / around the clock"
        value={{ calendarId: form.calendarId, hours: form.businessHours }}
        onChange={setHours}
      />
    </FormShell>
  );
}

export function QueuesAdmin() {
  const skills = useSkills().data ?? [];
  const calendars = useCalendars().data;
  const skillName = (id: string) => skills.find((skill) => skill.id === id)?.name ?? "?";
  const levels = (list: Queue["requiredSkills"]) =>
    list.map((s) => `${skillName(s.skillId)} ≥ ${s.level}`).join(", ") || "–";

  return (
    <CrudSection
      title="Queues"
      description="Where cases wait, who may take them, how the agent is chosen and how reach widens with the wait."
      newLabel="New queue"
      resource={resources.queues}
      skeleton={160}
      minWidth={900}
      empty="No queue yet."
      rowTestId="admin-queue-row"
      rowProps={(queue) => ({ "data-queue": queue.name })}
      remove={{
        question: (queue) => `Delete the queue ${queue.name}? Only an empty queue can be deleted.`,
        failure: "Queue not deleted",
      }}
      columns={[
        {
          header: "Queue",
          rowHeader: true,
          cell: (queue) => (
            <TitleCell
              title={queue.name}
              detail={queue.description}
              badge={
                queue.isDefault ? (
                  <Badge size="xs" variant="light">
                    default
                  </Badge>
                ) : null
              }
            />
          ),
        },
        { header: "Required skills", cell: (queue) => levels(queue.requiredSkills) },
        { header: "Preferred", cell: (queue) => levels(queue.preferredSkills) },
        { header: "Policy", cell: (queue) => POLICY_LABEL[queue.policy] },
        {
          header: "Overflow",
          cell: (queue) =>
            queue.overflowSteps
              .map((step) => `${step.afterSeconds}s: ${STEP_LABEL[step.action]}`)
              .join("; ") || "–",
        },
        {
          header: "Hours",
          cell: (queue) =>
            hoursLabel(
              calendars,
              { calendarId: queue.calendarId, hours: queue.businessHours },
              "around the clock",
            ),
        },
        {
          header: "Goal",
          cell: (queue) => `${queue.serviceLevelPercent} % in ${queue.serviceLevelSeconds} s`,
        },
      ]}
      form={QueueDrawer}
    />
  );
}
