/** The campaign form's editors of time: retry rules per outcome, a from–until range, weekly schedule windows. */
import { ActionIcon, Button, Checkbox, Group, NumberInput, Stack, Text, TextInput } from "@mantine/core";
import { type CampaignFields, RETRIED_OUTCOMES, type RetriedOutcome, type ScheduleWindow } from "./types.ts";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const WEEKDAYS: ScheduleWindow = { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };

const OUTCOME_LABEL: Record<RetriedOutcome, string> = {
  no_answer: "No answer",
  busy: "Busy",
  answering_machine: "Answering machine",
  failed: "Failed",
  abandoned: "Abandoned (no agent free)",
};

/** When each unreached outcome is tried again, and how many times at most. */
export function RetryRulesEditor({
  rules,
  onChange,
}: {
  rules: CampaignFields["retryRules"];
  onChange: (rules: CampaignFields["retryRules"]) => void;
}) {
  return (
    <Stack gap={4}>
      {RETRIED_OUTCOMES.map((outcome) => {
        const rule = rules[outcome];
        const label = OUTCOME_LABEL[outcome];
        return (
          <Group key={outcome} gap="sm" align="flex-end" wrap="nowrap">
            <Text fz="sm" w={190}>
              {label}
            </Text>
            <NumberInput
              aria-label={`${label}: try again after (minutes)`}
              description="again after (min)"
              min={1}
              max={60 * 24 * 30}
              value={rule.retryAfterMinutes}
              onChange={(value) =>
                onChange({ ...rules, [outcome]: { ...rule, retryAfterMinutes: Number(value) || 1 } })
              }
            />
            <NumberInput
              aria-label={`${label}: at most (attempts)`}
              description="at most (attempts)"
              min={1}
              max={50}
              value={rule.maxAttempts}
              onChange={(value) =>
                onChange({ ...rules, [outcome]: { ...rule, maxAttempts: Number(value) || 1 } })
              }
            />
          </Group>
        );
      })}
    </Stack>
  );
}

export function TimeRange({
  legend,
  start,
  end,
  onChange,
}: {
  legend: string;
  start: string;
  end: string;
  onChange: (range: { start: string; end: string }) => void;
}) {
  return (
    <>
      <TextInput
        type="time"
        label={`${legend} from`}
        value={start}
        onChange={(e) => onChange({ start: e.currentTarget.value, end })}
      />
      <TextInput
        type="time"
        label={`${legend} until`}
        value={end}
        onChange={(e) => onChange({ start, end: e.currentTarget.value })}
      />
    </>
  );
}

export function WindowsEditor({
  windows,
  onChange,
}: {
  windows: ScheduleWindow[];
  onChange: (windows: ScheduleWindow[]) => void;
}) {
  const set = (index: number, window: ScheduleWindow) =>
    onChange(windows.map((item, at) => (at === index ? window : item)));
  return (
    <Stack gap="xs">
      {windows.map((window, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: windows have no identity but their place
        <Group key={index} align="flex-end" wrap="wrap">
          <Checkbox.Group
            label={`Window ${index + 1} days`}
            value={window.days.map(String)}
            onChange={(days) => set(index, { ...window, days: days.map(Number).sort() })}
          >
            <Group gap={6} mt={4}>
              {DAYS.map((day, value) => (
                <Checkbox key={day} value={String(value)} label={day} />
              ))}
            </Group>
          </Checkbox.Group>
          <TimeRange
            legend={`Window ${index + 1}`}
            start={window.start}
            end={window.end}
            onChange={(range) => set(index, { ...window, ...range })}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove window ${index + 1}`}
            onClick={() => onChange(windows.filter((_, at) => at !== index))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button variant="light" size="xs" onClick={() => onChange([...windows, WEEKDAYS])}>
          Add schedule window
        </Button>
      </Group>
    </Stack>
  );
}
