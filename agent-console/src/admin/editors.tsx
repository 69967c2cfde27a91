/** Headers, fields and small editors the admin forms share: skill levels, lists, ordering. */
import {
  ActionIcon,
  Button,
  Code,
  Group,
  NumberInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import type { ReactNode } from "react";
import { CHANNEL_LABEL } from "../lib/format.ts";
import { previewPlaceholders } from "../lib/placeholder-preview.ts";
import { CHANNELS, type Skill, type SkillRequirement } from "./types.ts";

export function SectionHeader({
  title,
  description,
  action,
  level = 1,
}: {
  title: string;
  description?: string;
  action?: ReactNode;
  /** 1 for the page's heading, 2 for a section within the page. */
  level?: 1 | 2;
}) {
  return (
    <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
      <div>
        <Title order={level} fz={level === 1 ? "h3" : "h4"}>
          {title}
        </Title>
        {description ? (
          <Text c="dimmed" fz="sm">
            {description}
          </Text>
        ) : null}
      </div>
      {action}
    </Group>
  );
}

export const CHANNEL_OPTIONS = CHANNELS.map((channel) => ({ value: channel, label: CHANNEL_LABEL[channel] }));

/** A labelled group of inputs, named for screen readers by its label. */
function FieldGroup({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={6} role="group" aria-label={label}>
      <Text fz="sm" fw={500}>
        {label}
      </Text>
      {children}
    </Stack>
  );
}

/** The × that takes one entry out of a list editor. */
function RemoveButton({ label, onClick, mb }: { label: string; onClick: () => void; mb?: number }) {
  return (
    <ActionIcon variant="subtle" color="red" mb={mb} aria-label={label} onClick={onClick}>
      ×
    </ActionIcon>
  );
}

/** A list of entries edited in place, one row each with its ×, and a button that adds one. */
export function ListEditor<T>({
  label,
  value,
  onChange,
  renderRow,
  removeLabel,
  addLabel,
  newEntry,
  addDisabled,
  wrap = "nowrap",
  rowTestId,
}: {
  label: string;
  value: T[];
  onChange: (next: T[]) => void;
  renderRow: (entry: T, update: (next: T) => void) => ReactNode;
  /** The × button's accessible name, for the entry at this position. */
  removeLabel: (index: number) => string;
  addLabel: string;
  newEntry: () => T;
  addDisabled?: boolean;
  wrap?: "wrap" | "nowrap";
  rowTestId?: string;
}) {
  return (
    <FieldGroup label={label}>
      {value.map((entry, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; their position is their identity.
        <Group key={index} gap="xs" wrap={wrap} align="flex-end" data-testid={rowTestId}>
          {renderRow(entry, (next) => onChange(replaceAt(value, index, next)))}
          <RemoveButton mb={4} label={removeLabel(index)} onClick={() => onChange(without(value, index))} />
        </Group>
      ))}
      <Button
        size="compact-sm"
        variant="default"
        w="fit-content"
        disabled={addDisabled}
        onClick={() => onChange([...value, newEntry()])}
      >
        {addLabel}
      </Button>
    </FieldGroup>
  );
}

/** A list with the entry at `index` left out, or replaced. */
const without = <T,>(list: T[], index: number) => list.filter((_, i) => i !== index);
const replaceAt = <T,>(list: T[], index: number, item: T) => list.map((old, i) => (i === index ? item : old));

export type Options = { value: string; label: string }[];

/** The queue one entry of a list editor sends to. */
export function EntryQueueSelect({
  queues,
  value,
  onChange,
}: {
  queues: Options;
  value: string;
  onChange: (queueId: string) => void;
}) {
  return (
    <Select
      label="Queue"
      size="xs"
      w={180}
      allowDeselect={false}
      data={queues}
      value={value || null}
      onChange={(queueId) => queueId && onChange(queueId)}
    />
  );
}

export function NameInput({
  value,
  onChange,
  label = "Name",
}: {
  value: string;
  onChange: (next: string) => void;
  label?: string;
}) {
  return (
    <TextInput
      label={label}
      required
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      data-autofocus
    />
  );
}

export function EnabledSwitch({
  value,
  onChange,
  label = "Enabled",
  disabled,
}: {
  value: boolean;
  onChange: (next: boolean) => void;
  label?: ReactNode;
  disabled?: boolean;
}) {
  return (
    <Switch
      label={label}
      checked={value}
      disabled={disabled}
      onChange={(event) => onChange(event.currentTarget.checked)}
    />
  );
}

/** The text as it reads for a sample case, under its editor, once it uses a placeholder. */
export function PlaceholderPreview({ text, extra }: { text: string; extra?: Record<string, string> }) {
  if (!text.includes("{{")) return null;
  return (
    <Text fz="xs" c="dimmed" data-testid="placeholder-preview" style={{ whiteSpace: "pre-wrap" }}>
      Preview: {previewPlaceholders(text, extra)}
    </Text>
  );
}

/** The `{{placeholders}}` a text may use, as a line of code chips (e.g. a field's description). */
export function PlaceholderHint({ placeholders }: { placeholders: readonly string[] }) {
  return (
    <>
      May use{" "}
      {placeholders.map((placeholder, index) => (
        <span key={placeholder}>
          {index ? ", " : ""}
          <Code>{placeholder}</Code>
        </span>
      ))}
    </>
  );
}

export function SkillLevelsEditor({
  label,
  skills,
  value,
  onChange,
}: {
  label: string;
  skills: Skill[];
  value: SkillRequirement[];
  onChange: (next: SkillRequirement[]) => void;
}) {
  const unused = skills.filter((skill) => !value.some((item) => item.skillId === skill.id));
  return (
    <FieldGroup label={label}>
      {value.map((item, index) => {
        const name = skills.find((skill) => skill.id === item.skillId)?.name ?? "skill";
        return (
          <Group key={item.skillId} gap="xs" wrap="nowrap">
            <Text fz="sm" w={180} truncate>
              {name}
            </Text>
            <NumberInput
              aria-label={`${label}: level of ${name}`}
              size="xs"
              w={90}
              min={1}
              max={10}
              clampBehavior="strict"
              value={item.level}
              onChange={(level) => onChange(replaceAt(value, index, { ...item, level: Number(level) || 1 }))}
            />
            <RemoveButton
              label={`Remove ${name} from ${label.toLowerCase()}`}
              onClick={() => onChange(without(value, index))}
            />
          </Group>
        );
      })}
      {value.length === 0 ? (
        <Text fz="xs" c="dimmed">
          None
        </Text>
      ) : null}
      <Select
        aria-label={`Add to ${label.toLowerCase()}`}
        placeholder={unused.length ? "Add a skill…" : "No more skills to add"}
        size="xs"
        w={240}
        data={unused.map((skill) => ({ value: skill.id, label: skill.name }))}
        value={null}
        disabled={!unused.length}
        onChange={(skillId) => skillId && onChange([...value, { skillId, level: 1 }])}
        searchable
      />
    </FieldGroup>
  );
}

/** Up/down buttons for ordered lists (assignment rules, SLA policies): reachable by keyboard. */
export function MoveButtons({
  name,
  index,
  count,
  onMove,
  disabled,
}: {
  name: string;
  index: number;
  count: number;
  onMove: (from: number, to: number) => void;
  disabled?: boolean;
}) {
  return (
    <Group gap={2} wrap="nowrap">
      <ActionIcon
        variant="subtle"
        aria-label={`Move ${name} up`}
        disabled={disabled || index === 0}
        onClick={() => onMove(index, index - 1)}
      >
        ↑
      </ActionIcon>
      <ActionIcon
        variant="subtle"
        aria-label={`Move ${name} down`}
        disabled={disabled || index === count - 1}
        onClick={() => onMove(index, index + 1)}
      >
        ↓
      </ActionIcon>
    </Group>
  );
}

export function reorder<T>(items: T[], from: number, to: number): T[] {
  const next = [...items];
  const [moved] = next.splice(from, 1);
  if (moved !== undefined) next.splice(to, 0, moved);
  return next;
}
