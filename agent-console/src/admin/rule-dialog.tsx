/**
 * The rule editor, for a new rule or an existing one opened with everything it holds: name,
 * trigger (events, or a clock and minutes), conditions, actions and whether it is on. A refusal
 * from the server (a bad condition or action, named) stays in the dialog.
 */
import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { ANCHORS, AUTOMATION_BASE, EVENTS, type Rule, useAutomationWrite } from "./automation-api.ts";
import { ActionRows, ConditionRows } from "./automation-editors.tsx";
import {
  type ActionRow,
  type ConditionRow,
  fromActions,
  fromConditions,
  readableRefusal,
  toActions,
  toConditions,
} from "./automation-rows.ts";

/** Which rule the dialog is on: a new one in a set, or one to change. */
export type RuleDialogTarget = { ruleSetId: string; rule?: Rule };

function RuleEditor({ target, onClose }: { target: RuleDialogTarget; onClose(): void }) {
  const { ruleSetId, rule } = target;
  const write = useAutomationWrite();
  const [name, setName] = useState(rule?.name ?? "");
  const [trigger, setTrigger] = useState<"event" | "time">(rule?.trigger ?? "event");
  const [events, setEvents] = useState<string[]>(rule?.events.length ? rule.events : ["interaction.created"]);
  const [anchor, setAnchor] = useState<string>(rule?.timeAnchor ?? "created");
  const [minutes, setMinutes] = useState<number>(rule?.afterMinutes ?? 60);
  const [conditions, setConditions] = useState<ConditionRow[]>(fromConditions(rule?.conditions ?? []));
  const [actions, setActions] = useState<ActionRow[]>(
    rule ? fromActions(rule.actions) : [{ type: "add_tags", param: "" }],
  );
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const save = () => {
    const body = {
      name,
      trigger,
      // A rule that changes trigger drops the other kind's fields, as a new one never has them.
      ...(trigger === "event"
        ? { events, timeAnchor: null, afterMinutes: null }
        : { events: [], timeAnchor: anchor, afterMinutes: minutes }),
      conditions: toConditions(conditions),
      actions: toActions(actions),
      enabled,
    };
    write.mutate(
      rule
        ? { method: "PUT", path: `${AUTOMATION_BASE}/rules/${rule.id}`, body }
        : { method: "POST", path: `${AUTOMATION_BASE}/rules`, body: { ruleSetId, ...body } },
      { onSuccess: onClose },
    );
  };
  return (
    <Stack gap="sm">
      <TextInput
        label="Name"
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
        required
        data-autofocus
      />
      <SegmentedControl
        value={trigger}
        onChange={(value) => setTrigger(value as "event" | "time")}
        data={[
          { value: "event", label: "On an event" },
          { value: "time", label: "On time" },
        ]}
      />
      {trigger === "event" ? (
        <MultiSelect label="Events" data={EVENTS} value={events} onChange={setEvents} />
      ) : (
        <Group grow>
          <Select
            label="Counting from"
            data={ANCHORS.map((value) => ({ value, label: value.replaceAll("_", " ") }))}
            value={anchor}
            allowDeselect={false}
            onChange={(value) => setAnchor(value ?? "created")}
          />
          <NumberInput
            label="After minutes"
            min={1}
            value={minutes}
            onChange={(value) => setMinutes(Number(value) || 1)}
          />
        </Group>
      )}
      <ConditionRows rows={conditions} onChange={setConditions} />
      <ActionRows rows={actions} onChange={setActions} />
      <Switch
        label="Enabled"
        checked={enabled}
        onChange={(event) => setEnabled(event.currentTarget.checked)}
      />
      {write.error && (
        <Alert color="red" role="alert" title="Rule not saved">
          {readableRefusal(errorMessage(write.error))}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button onClick={save} loading={write.isPending}>
          {rule ? "Save rule" : "Create rule"}
        </Button>
      </Group>
    </Stack>
  );
}

export function RuleDialog({ target, onClose }: { target: RuleDialogTarget | null; onClose(): void }) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target?.rule ? `Edit rule: ${target.rule.name}` : "New rule"}
      size="xl"
    >
      {/* A fresh editor per rule: its fields start from the rule opened. */}
      {target && <RuleEditor key={target.rule?.id ?? "new"} target={target} onClose={onClose} />}
    </Modal>
  );
}
