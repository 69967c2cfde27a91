/** The do-not-call list: add a number, import a CSV file of numbers (first column), and the list itself. */
import { Button, Group, NativeSelect, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useAddDoNotCall, useCampaigns, useDoNotCall, useImportDoNotCall } from "./api.ts";
import { CsvFileInput } from "./lists-panel.tsx";
import { ErrorAlert, formatDateTime, Panel, SimpleTable } from "./ui.tsx";

/** Global, or one campaign's. */
function ScopeSelect({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const campaigns = useCampaigns().data ?? [];
  return (
    <NativeSelect
      label="Applies to"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      data={[
        { value: "", label: "Every campaign" },
        ...campaigns.map((c) => ({ value: c.id, label: c.name })),
      ]}
    />
  );
}

function AddNumber() {
  const add = useAddDoNotCall();
  const [phone, setPhone] = useState("");
  const [reason, setReason] = useState("");
  const [campaignId, setCampaignId] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(
      {
        phone: phone.trim(),
        campaignId: campaignId || null,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      },
      {
        onSuccess: () => {
          setPhone("");
          setReason("");
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Add a number to the do-not-call list">
      <Group align="flex-end">
        <TextInput label="Number" required value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <ScopeSelect value={campaignId} onChange={setCampaignId} />
        <Button type="submit" loading={add.isPending} disabled={!phone.trim()}>
          Add number
        </Button>
      </Group>
      <ErrorAlert error={add.error} title="The number was not added" />
    </form>
  );
}

function ImportNumbers() {
  const upload = useImportDoNotCall();
  const [campaignId, setCampaignId] = useState("");
  const result = upload.data;
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <ScopeSelect value={campaignId} onChange={setCampaignId} />
        <CsvFileInput
          label="CSV file of numbers (first column)"
          onText={(csv) => upload.mutate({ csv, campaignId: campaignId || null })}
        />
      </Group>
      <ErrorAlert error={upload.error} title="The file was not imported" />
      {result && (
        <>
          <Text fz="sm" role="status">
            Added {result.added}, already listed {result.alreadyListed}, invalid {result.invalid.length}.
          </Text>
          <SimpleTable
            caption="Lines not imported"
            rows={result.invalid}
            rowKey={(row) => String(row.line)}
            empty="Every line was taken."
            columns={[
              { header: "Line", cell: (row) => row.line },
              { header: "Value", cell: (row) => row.value },
              { header: "Reason", cell: (row) => row.reason },
            ]}
          />
        </>
      )}
    </Stack>
  );
}

export function DoNotCallPanel() {
  const entries = useDoNotCall();
  const campaigns = useCampaigns().data ?? [];
  const scope = (campaignId: string | null) =>
    campaignId ? (campaigns.find((c) => c.id === campaignId)?.name ?? campaignId) : "Every campaign";
  return (
    <Stack gap="md">
      <Panel title="Add to the do-not-call list">
        <AddNumber />
      </Panel>
      <Panel title="Import numbers">
        <ImportNumbers />
      </Panel>
      <Panel title="Do-not-call list" testId="dnc-list">
        <ErrorAlert error={entries.error} title="The list is not available" />
        <SimpleTable
          caption="Numbers never called"
          rows={entries.data ?? []}
          rowKey={(row) => row.id}
          empty="No number on the list."
          columns={[
            { header: "Number", cell: (row) => row.phone },
            { header: "Applies to", cell: (row) => scope(row.campaignId) },
            { header: "Source", cell: (row) => row.source },
            { header: "Reason", cell: (row) => row.reason },
            { header: "Added", cell: (row) => formatDateTime(row.createdAt) },
          ]}
        />
      </Panel>
    </Stack>
  );
}
