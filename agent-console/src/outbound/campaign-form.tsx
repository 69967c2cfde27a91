/**
 * Creating or changing a campaign: its list, queue, dialing mode, script, dispositions, calling hours
 * (narrower than 08:00–21:00 in the contact's time), weekly schedule windows, ring time, abandon
 * limit, retry rules per outcome, the voicemail drop and the message for a call with no agent free.
 */
import {
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
import { PlaceholderHint, PlaceholderPreview } from "../admin/editors.tsx";
import { useCallLists, useCampaignDefaults, useQueues, useSaveCampaign } from "./api.ts";
import { RetryRulesEditor, TimeRange, WindowsEditor } from "./campaign-time-editors.tsx";
import {
  CAMPAIGN_MODES,
  type Campaign,
  type CampaignFields,
  type CampaignMode,
  DISPOSITIONS,
  type Disposition,
  type ScheduleWindow,
} from "./types.ts";
import { DISPOSITION_LABEL, ErrorAlert } from "./ui.tsx";

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

export function CampaignForm({ campaign, onDone }: { campaign?: Campaign; onDone: () => void }) {
  const defaults = useCampaignDefaults();
  if (campaign) return <CampaignFormFields campaign={campaign} onDone={onDone} />;
  if (defaults.error) return <ErrorAlert error={defaults.error} title="The campaign form cannot open" />;
  if (!defaults.data) return <Loader size="sm" aria-label="Loading the campaign form" />;
  return <CampaignFormFields defaults={defaults.data} onDone={onDone} />;
}

/** The form's fields and zone, and the body it saves: a running campaign keeps its list and mode. */
function useCampaignFields(
  campaign: Campaign | undefined,
  defaults: Defaults | undefined,
  onDone: () => void,
) {
  const lists = useCallLists().data ?? [];
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
  return { lists, save, fields, set, zone, setZone, running, listId, windows, submit };
}

interface FieldsProps {
  fields: CampaignFields;
  set: (change: Partial<CampaignFields>) => void;
}

/** Name, list, mode, queue, caller id, ring time and abandon limit. */
function CampaignBasics({
  fields,
  set,
  running,
  listId,
  lists,
}: FieldsProps & { running: boolean; listId: string; lists: { id: string; name: string }[] }) {
  const queues = useQueues().data ?? [];
  return (
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
        data={[{ value: "", label: "(any agent)" }, ...queues.map((q) => ({ value: q.id, label: q.name }))]}
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
  );
}

/** The placeholders a script may use; the server fills them for each record and refuses others. */
const SCRIPT_PLACEHOLDERS = [
  "contact.name",
  "contact.first_name",
  "contact.phone",
  "agent.name",
  "campaign.name",
];

/** What the agent reads and how they can close the call. */
function ScriptFields({ fields, set }: FieldsProps) {
  return (
    <>
      <Textarea
        label="Script"
        autosize
        minRows={3}
        value={fields.script}
        description={<PlaceholderHint placeholders={SCRIPT_PLACEHOLDERS.map((name) => `{{${name}}}`)} />}
        onChange={(e) => set({ script: e.currentTarget.value })}
      />
      <PlaceholderPreview text={fields.script} extra={{ "campaign.name": fields.name || "This campaign" }} />
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
    </>
  );
}

/** When calls may be made: the contact's local calling hours and the campaign's weekly windows. */
function WhenFields({
  fields,
  set,
  zone,
  setZone,
  windows,
}: FieldsProps & { zone: string; setZone: (zone: string) => void; windows: ScheduleWindow[] }) {
  return (
    <>
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
    </>
  );
}

/** Retries, attempts, pacing, and what an answering machine or an unstaffed answer hears. */
function AttemptFields({ fields, set }: FieldsProps) {
  return (
    <>
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
    </>
  );
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
  const form = useCampaignFields(campaign, defaults, onDone);
  const { fields, set, save, listId } = form;
  return (
    <form onSubmit={form.submit} aria-label={campaign ? `Edit campaign ${campaign.name}` : "New campaign"}>
      <Stack gap="sm">
        <CampaignBasics fields={fields} set={set} running={form.running} listId={listId} lists={form.lists} />
        <ScriptFields fields={fields} set={set} />
        <WhenFields
          fields={fields}
          set={set}
          zone={form.zone}
          setZone={form.setZone}
          windows={form.windows}
        />
        <AttemptFields fields={fields} set={set} />
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
