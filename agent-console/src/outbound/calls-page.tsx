/**
 * The agent's outbound calls: pick a running campaign, take the next record (with its script, history
 * and the contact's local time), call it through the softphone, wrap up with a disposition; and the
 * callbacks promised.
 */
import { Alert, Badge, Button, Code, Group, NativeSelect, SimpleGrid, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { withLocalTimes } from "../lib/format.ts";
import { navigate } from "../lib/router.ts";
import {
  useCallbacks,
  useCampaigns,
  useMyCampaignCall,
  useNextRecord,
  useOutboundReadiness,
  usePlaceCall,
} from "./api.ts";
import { DispositionForm } from "./disposition-form.tsx";
import type { Campaign, DispositionResult, HistoryEntry, RecordView } from "./types.ts";
import {
  CallsNotReady,
  DISPOSITION_LABEL,
  ErrorAlert,
  Figure,
  formatDateTime,
  Panel,
  SimpleTable,
} from "./ui.tsx";

const dispositionLabel = (value: string | null) =>
  value ? (DISPOSITION_LABEL[value as keyof typeof DISPOSITION_LABEL] ?? value) : "—";

function RecordCard({ view }: { view: RecordView }) {
  const { record } = view;
  const attributes = Object.entries(record.attributes);
  return (
    <Stack gap="sm" data-testid="outbound-record">
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label="Name" value={record.name ?? "—"} testId="record-name" />
        <Figure
          label="Phone"
          value={`${record.phone}${record.extension ? ` ext. ${record.extension}` : ""}`}
          testId="record-phone"
        />
        <Figure label="Local time" value={view.localTime} testId="record-local-time" />
        <Figure label="Attempts" value={record.attempts} />
      </SimpleGrid>
      {attributes.length > 0 && (
        <Text fz="sm">
          {attributes.map(([key, value]) => (
            <span key={key}>
              <b>{key}:</b> {value}{" "}
            </span>
          ))}
        </Text>
      )}
      <div>
        <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
          Script
        </Text>
        <Text fz="sm" style={{ whiteSpace: "pre-wrap" }} data-testid="record-script">
          {view.script || "This campaign has no script."}
        </Text>
      </div>
      <SimpleTable<HistoryEntry>
        caption="History of the record"
        rows={view.history}
        rowKey={(row) => row.id}
        empty="No earlier attempts."
        columns={[
          { header: "When", cell: (row) => formatDateTime(row.createdAt) },
          { header: "Status", cell: (row) => row.status },
          { header: "Disposition", cell: (row) => dispositionLabel(row.disposition) },
          { header: "Why", cell: (row) => withLocalTimes(row.explanation) },
          { header: "Note", cell: (row) => row.note ?? "" },
        ]}
      />
    </Stack>
  );
}

function CallButton({ view }: { view: RecordView }) {
  const call = usePlaceCall();
  return (
    <Stack gap="xs">
      <Group>
        <Button
          color="green"
          onClick={() => call.mutate(view.record.id)}
          loading={call.isPending}
          disabled={call.isSuccess}
        >
          Call {view.record.phone}
        </Button>
      </Group>
      {call.data && (
        <Alert color="green" title="Calling" role="status" data-testid="call-placed">
          Your softphone is ringing: answer it and you are put through to {view.record.phone}. Call{" "}
          <Code>{call.data.callSid}</Code>
        </Alert>
      )}
      <ErrorAlert error={call.error} title="The call was not placed" />
    </Stack>
  );
}

function Worksheet({ campaign }: { campaign: Campaign }) {
  const next = useNextRecord();
  const readiness = useOutboundReadiness();
  const [saved, setSaved] = useState<DispositionResult | null>(null);
  const view = next.data?.next;
  const askNext = () => {
    setSaved(null);
    next.mutate(campaign.id);
  };

  if (campaign.mode !== "preview")
    return (
      <Text c="dimmed">
        This campaign dials by itself ({campaign.mode}): its calls come to you while you are available.
      </Text>
    );
  return (
    <Stack gap="md">
      <Group>
        <Button onClick={askNext} loading={next.isPending} variant={view && !saved ? "default" : "filled"}>
          {view && !saved ? "Show my record again" : "Next record"}
        </Button>
      </Group>
      <CallsNotReady message={readiness.data?.message} />
      <ErrorAlert error={next.error} title="No record for you" />
      {saved && (
        <Alert color="teal" title="Disposition saved" role="status" data-testid="disposition-saved">
          {withLocalTimes(saved.explanation)}
        </Alert>
      )}
      {next.data && !view && (
        <Text c="dimmed" role="status">
          No record is due now: records wait for their calling hours, retries and callbacks.
        </Text>
      )}
      {view && !saved && (
        <>
          <RecordCard view={view} />
          <CallButton key={view.record.id} view={view} />
          <DispositionForm key={`${view.record.id}-form`} view={view} onSaved={setSaved} />
        </>
      )}
    </Stack>
  );
}

/** The call a progressive or predictive campaign put through: whom the agent is talking to, and the wrap-up. */
function CurrentCallPanel() {
  const current = useMyCampaignCall();
  const [saved, setSaved] = useState<DispositionResult | null>(null);
  const call = current.data;
  if (!call && !saved) return null;
  return (
    <Panel title="Current call" testId="outbound-current-call">
      <Stack gap="md">
        {saved && (
          <Alert
            color="teal"
            title="Disposition saved"
            role="status"
            data-testid="current-call-saved"
            withCloseButton
            onClose={() => setSaved(null)}
          >
            {withLocalTimes(saved.explanation)}
          </Alert>
        )}
        {call && (
          <>
            <Group gap="xs">
              <Badge color={call.live ? "green" : "gray"} data-testid="current-call-state">
                {call.live ? "On the call" : "Call ended: wrap up"}
              </Badge>
              <Text fz="sm" c="dimmed">
                {call.campaign.name} ({call.campaign.mode})
              </Text>
            </Group>
            <RecordCard view={call} />
            <DispositionForm
              key={call.attemptId}
              view={call}
              onSaved={(result) => {
                setSaved(result);
              }}
            />
          </>
        )}
      </Stack>
    </Panel>
  );
}

function MyCallbacks({ campaigns }: { campaigns: Campaign[] }) {
  const callbacks = useCallbacks();
  const nameOf = (campaignId: string) => campaigns.find((item) => item.id === campaignId)?.name ?? campaignId;
  return (
    <Panel title="My callbacks" testId="my-callbacks">
      <ErrorAlert error={callbacks.error} title="Callbacks are not available" />
      <SimpleTable
        caption="Callbacks for me or anyone"
        rows={callbacks.data ?? []}
        rowKey={(row) => row.id}
        empty="No callbacks scheduled."
        columns={[
          { header: "Due", cell: (row) => formatDateTime(row.dueAt) },
          { header: "Contact's time", cell: (row) => `${row.localTime.replace("T", " ")} ${row.timeZone}` },
          { header: "Campaign", cell: (row) => nameOf(row.campaignId) },
          { header: "For", cell: (row) => (row.agentId ? "Me" : <Badge variant="light">Anyone</Badge>) },
          { header: "Note", cell: (row) => row.note },
        ]}
      />
    </Panel>
  );
}

export function CallsPage({ campaignId }: { campaignId: string }) {
  const campaigns = useCampaigns();
  const running = (campaigns.data ?? []).filter((item) => item.status === "running");
  const campaign = running.find((item) => item.id === campaignId);

  return (
    <Stack gap="md">
      <CurrentCallPanel />
      <Panel title="Calls" testId="outbound-calls">
        <Stack gap="md">
          <ErrorAlert error={campaigns.error} title="Campaigns are not available" />
          <NativeSelect
            label="Campaign"
            description="Running campaigns"
            value={campaign?.id ?? ""}
            onChange={(event) => navigate({ name: "outbound", section: event.currentTarget.value })}
            data={[
              { value: "", label: running.length ? "Choose a campaign…" : "No campaign is running" },
              ...running.map((item) => ({ value: item.id, label: `${item.name} (${item.mode})` })),
            ]}
          />
          {campaign && <Worksheet key={campaign.id} campaign={campaign} />}
        </Stack>
      </Panel>
      <MyCallbacks campaigns={campaigns.data ?? []} />
    </Stack>
  );
}
