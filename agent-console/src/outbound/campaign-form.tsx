/**
 * Creating or changing a campaign: its list, queue, dialing mode, script, dispositions, calling hours
 * (narrower than 08:00–21:00 in the contact's time), weekly schedule windows, ring time, abandon
 * limit, retry rules per outcome, the voicemail drop and the message for a call with no agent free.
 */
import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  Loader,
  NativeSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useCallLists, useCampaignDefaults, useQueues, useSaveCampaign } from "./api.ts";
import {
  CAMPAIGN_MODES,
  type Campaign,
  type CampaignFields,
  type CampaignMode,
  DISPOSITIONS,
  type Disposition,
  RETRIED_OUTCOMES,
  type RetriedOutcome,
  type ScheduleWindow,
} from "./types.ts";
import { DISPOSITION_LABEL, ErrorAlert } from "./ui.tsx";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const WEEKDAYS: ScheduleWindow = { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };

type Defaults = Omit<CampaignFields, "name" | "listId" | "mode" | "callerId">;

const blank = (listId: string, defaults: Defaults): CampaignFields => ({
  name: "",
  listId,
  queueId: null,
  mode: "preview",
  script: "",
  dispositions: [...DISPOSITIONS],
  callingHours: null,
  schedule: null,
  abandonLimitPercent: defaults.abandonLimitPercent,
  maxRatio: defaults.maxRatio,
  ringSeconds: defaults.ringSeconds,
  callerId: "",
  retryRules: defaults.retryRules,
  maxAttemptsPerRecord: defaults.maxAttemptsPerRecord,
  voicemailDropUrl: defaults.voicemailDropUrl,
  abandonMessage: defaults.abandonMessage,
});

const pick = (campaign: Campaign): CampaignFields => ({
  name: campaign.name,
  listId: campaign.listId,
  queueId: campaign.queueId,
  mode: campaign.mode,
  script: campaign.script,
  dispositions: campaign.dispositions,
  callingHours: campaign.callingHours,
  schedule: campaign.schedule,
  abandonLimitPercent: Number(campaign.abandonLimitPercent),
  maxRatio: Number(campaign.maxRatio),
  ringSeconds: campaign.ringSeconds,
  callerId: campaign.callerId,
  retryRules: campaign.retryRules,
  maxAttemptsPerRecord: campaign.maxAttemptsPerRecord,
  voicemailDropUrl: campaign.voicemailDropUrl,
  abandonMessage: campaign.abandonMessage,
});

const OUTCOME_LABEL: Record<RetriedOutcome, string> = {
  no_answer: "No answer",
  busy: "Busy",
  answering_machine: "Answering machine",
  failed: "Failed",
  abandoned: "Abandoned (no agent free)",
};

/** When each unreached outcome is tried again, and how many times at most. */
function RetryRulesEditor({
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

function TimeRange({
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

function WindowsEditor({
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

export function CampaignForm({ campaign, onDone }: { campaign?: Campaign; onDone: () => void }) {
  const defaults = useCampaignDefaults();
  if (campaign) return <CampaignFormFields campaign={campaign} onDone={onDone} />;
  if (defaults.error) return <ErrorAlert error={defaults.error} title="The campaign form cannot open" />;
  if (!defaults.data) return <Loader size="sm" aria-label="Loading the campaign form" />;
  return <CampaignFormFields defaults={defaults.data} onDone={onDone} />;
}

function CampaignFormFields({
  campaign,
  defaults,
  onDone,
}: {
  campaign?: Campaign;
  defaults?: Defaults;
  onDone: () => void;
}) {
  const lists = useCallLists().data ?? [];
  const queues = useQueues().data ?? [];
  const save = useSaveCampaign();
  const [fields, setFields] = useState<CampaignFields>(() =>
    campaign ? pick(campaign) : blank(lists[lists.length - 1]?.id ?? "", defaults!),
  );
  const [zone, setZone] = useState(campaign?.schedule?.timeZone ?? "America/New_York");
  const set = (change: Partial<CampaignFields>) => setFields((current) => ({ ...current, ...change }));
  const running = campaign?.status === "running";
  const listId = fields.listId || lists[lists.length - 1]?.id || "";
  const windows = fields.schedule?.windows ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: Partial<CampaignFields> = {
      ...fields,
      listId,
      schedule: windows.length ? { timeZone: zone, windows } : null,
      callingHours: fields.callingHours?.start && fields.callingHours.end ? fields.callingHours : null,
      voicemailDropUrl: fields.voicemailDropUrl?.trim() || null,
    };
    // A running campaign keeps its list and mode.
    if (running) {
      delete body.listId;
      delete body.mode;
    }
    save.mutate({ ...(campaign ? { campaignId: campaign.id } : {}), fields: body }, { onSuccess: onDone });
  };

  return (
    <form onSubmit={submit} aria-label={campaign ? `Edit campaign ${campaign.name}` : "New campaign"}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <TextInput
            label="Campaign name"
            required
            value={fields.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <NativeSelect
            label="Call list"
            required
            disabled={running}
            value={listId}
            onChange={(e) => set({ listId: e.currentTarget.value })}
            data={lists.map((list) => ({ value: list.id, label: list.name }))}
          />
          <NativeSelect
            label="Dialing mode"
            disabled={running}
            value={fields.mode}
            onChange={(e) => set({ mode: e.currentTarget.value as CampaignMode })}
            data={[...CAMPAIGN_MODES]}
          />
          <NativeSelect
            label="Queue (its agents work the campaign)"
            value={fields.queueId ?? ""}
            onChange={(e) => set({ queueId: e.currentTarget.value || null })}
            data={[
              { value: "", label: "(any agent)" },
              ...queues.map((q) => ({ value: q.id, label: q.name })),
            ]}
          />
          <TextInput
            label="Caller ID"
            description="Our number the customer sees, E.164"
            required
            placeholder="+14155550100"
            value={fields.callerId}
            onChange={(e) => set({ callerId: e.currentTarget.value.trim() })}
          />
          <Group grow align="flex-start">
            <NumberInput
              label="Ring time (s)"
              min={15}
              max={60}
              value={fields.ringSeconds}
              onChange={(value) => set({ ringSeconds: Number(value) || 25 })}
            />
            <NumberInput
              label="Abandon limit (%)"
              min={0}
              max={3}
              step={0.5}
              decimalScale={2}
              value={fields.abandonLimitPercent}
              onChange={(value) => set({ abandonLimitPercent: Number(value) })}
            />
          </Group>
        </SimpleGrid>
        <Textarea
          label="Script"
          autosize
          minRows={3}
          value={fields.script}
          onChange={(e) => set({ script: e.currentTarget.value })}
        />
        <Checkbox.Group
          label="Dispositions"
          value={fields.dispositions}
          onChange={(value) => set({ dispositions: value as Disposition[] })}
        >
          <Group gap="sm" mt={4}>
            {DISPOSITIONS.map((item) => (
              <Checkbox key={item} value={item} label={DISPOSITION_LABEL[item]} />
            ))}
          </Group>
        </Checkbox.Group>
        <Text fz="sm" fw={500}>
          Calling hours in the contact's local time (within 08:00–21:00; empty: the legal window)
        </Text>
        <Group grow>
          <TimeRange
            legend="Calling hours"
            start={fields.callingHours?.start ?? ""}
            end={fields.callingHours?.end ?? ""}
            onChange={(range) => set({ callingHours: range })}
          />
        </Group>
        <Text fz="sm" fw={500}>
          Schedule windows (weekly, in the campaign's time zone; none: any day)
        </Text>
        <TextInput label="Schedule time zone" value={zone} onChange={(e) => setZone(e.currentTarget.value)} />
        <WindowsEditor
          windows={windows}
          onChange={(next) => set({ schedule: next.length ? { timeZone: zone, windows: next } : null })}
        />
        <Text fz="sm" fw={500}>
          Retries: when a record is tried again after each outcome, and how often at most
        </Text>
        <RetryRulesEditor rules={fields.retryRules} onChange={(retryRules) => set({ retryRules })} />
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <NumberInput
            label="Attempts per record at most"
            description="Whatever their outcomes"
            min={1}
            max={50}
            value={fields.maxAttemptsPerRecord}
            onChange={(value) => set({ maxAttemptsPerRecord: Number(value) || 1 })}
          />
          {fields.mode === "predictive" && (
            <NumberInput
              label="Lines per free agent at most"
              description="Predictive pacing ceiling"
              min={1}
              max={5}
              step={0.5}
              decimalScale={1}
              value={fields.maxRatio}
              onChange={(value) => set({ maxRatio: Number(value) || 1 })}
            />
          )}
          <TextInput
            label="Voicemail drop"
            description="Audio URL played to an answering machine; empty: hang up"
            placeholder="https://example.com/voicemail.mp3"
            value={fields.voicemailDropUrl ?? ""}
            onChange={(e) => set({ voicemailDropUrl: e.currentTarget.value })}
          />
        </SimpleGrid>
        <Textarea
          label="Message when no agent is free"
          description="Said at once to a customer who answers while every agent is busy; the call counts as abandoned"
          required
          autosize
          minRows={2}
          value={fields.abandonMessage}
          onChange={(e) => set({ abandonMessage: e.currentTarget.value })}
        />
        <ErrorAlert error={save.error} title="The campaign was not saved" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!listId}>
            {campaign ? "Save campaign" : "Create campaign"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
