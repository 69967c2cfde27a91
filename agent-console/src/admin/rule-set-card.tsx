/**
 * One rule set on Admin → Automation: its place among the sets (Up/Down), its name (renamed in
 * place), its mode (every matching rule runs, or only the first), on/off, and its rules.
 */
import { Button, Group, Paper, Select, Switch, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import {
  AUTOMATION_BASE,
  MODE_OPTIONS,
  type Rule,
  type RuleSet,
  type RuleSetMode,
  useAutomationWrite,
} from "./automation-api.ts";
import { notifyError } from "./notify.ts";
import { RuleTable } from "./rule-table.tsx";

function SetName({ set }: { set: RuleSet }) {
  const write = useAutomationWrite();
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null)
    return (
      <Group gap={4} wrap="nowrap">
        <Title order={4}>{set.name}</Title>
        <Button size="compact-xs" variant="subtle" onClick={() => setDraft(set.name)}>
          Rename
        </Button>
      </Group>
    );
  const save = () =>
    write.mutate(
      { method: "PUT", path: `${AUTOMATION_BASE}/rule-sets/${set.id}`, body: { name: draft } },
      { onSuccess: () => setDraft(null), onError: notifyError("Rule set not renamed") },
    );
  return (
    <Group
      gap={4}
      wrap="nowrap"
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <TextInput
        aria-label="Rule set name"
        size="xs"
        value={draft}
        maxLength={100}
        onChange={(event) => setDraft(event.currentTarget.value)}
        onKeyDown={(event) => event.key === "Escape" && setDraft(null)}
        autoFocus
      />
      <Button size="compact-sm" type="submit" loading={write.isPending} disabled={!draft.trim()}>
        Save
      </Button>
      <Button size="compact-sm" variant="default" onClick={() => setDraft(null)}>
        Cancel
      </Button>
    </Group>
  );
}

interface RuleSetCardProps {
  set: RuleSet;
  first: boolean;
  last: boolean;
  onMove(by: number): void;
  onNewRule(): void;
  onEdit(rule: Rule): void;
  onDryRun(rule: Rule): void;
}

export function RuleSetCard({ set, first, last, onMove, onNewRule, onEdit, onDryRun }: RuleSetCardProps) {
  const write = useAutomationWrite();
  const change = (body: Partial<Pick<RuleSet, "mode" | "enabled">>) =>
    write.mutate(
      { method: "PUT", path: `${AUTOMATION_BASE}/rule-sets/${set.id}`, body },
      { onError: notifyError("Rule set not changed") },
    );
  const remove = () => {
    const rules = set.rules.length
      ? ` and its ${set.rules.length} rule${set.rules.length > 1 ? "s" : ""}`
      : "";
    if (!window.confirm(`Delete the rule set “${set.name}”${rules}?`)) return;
    write.mutate(
      { method: "DELETE", path: `${AUTOMATION_BASE}/rule-sets/${set.id}` },
      { onError: notifyError("Rule set not deleted") },
    );
  };
  return (
    <Paper withBorder p="md" data-testid="rule-set" data-set={set.name}>
      <Group justify="space-between" mb="sm" gap="xs">
        <Group gap="sm">
          <SetName set={set} />
          <Select
            aria-label={`${set.name}: which rules run`}
            size="xs"
            w={180}
            data={MODE_OPTIONS}
            value={set.mode}
            allowDeselect={false}
            onChange={(mode) => mode && mode !== set.mode && change({ mode: mode as RuleSetMode })}
          />
          <Switch
            label="Enabled"
            checked={set.enabled}
            onChange={(event) => change({ enabled: event.currentTarget.checked })}
          />
        </Group>
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            disabled={first}
            onClick={() => onMove(-1)}
            aria-label={`Move rule set ${set.name} up`}
          >
            Up
          </Button>
          <Button
            size="xs"
            variant="default"
            disabled={last}
            onClick={() => onMove(1)}
            aria-label={`Move rule set ${set.name} down`}
          >
            Down
          </Button>
          <Button size="xs" onClick={onNewRule}>
            New rule
          </Button>
          <Button size="xs" variant="subtle" color="red" onClick={remove}>
            Delete set
          </Button>
        </Group>
      </Group>
      <RuleTable set={set} onEdit={onEdit} onDryRun={onDryRun} />
    </Paper>
  );
}
