/**
 * Call lists: create one, import a CSV file into it (a preview with the file's headers and first
 * rows, a column mapping prefilled with the suggested one, the default country), then follow the
 * import's progress and every line it did not take.
 */
import {
  Badge,
  Button,
  Group,
  Input,
  NativeSelect,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { type FormEvent, useId, useState } from "react";
import { useCallLists, useCreateList, useImportProgress, usePreviewCsv, useStartImport } from "./api.ts";
import type { ColumnMapping, CsvPreview } from "./types.ts";
import { ErrorAlert, Figure, formatDateTime, Panel, readFileText, SimpleTable, STATUS_COLOR } from "./ui.tsx";

const MAPPED_FIELDS: { field: keyof ColumnMapping; label: string }[] = [
  { field: "phone", label: "Phone" },
  { field: "name", label: "Name" },
  { field: "firstName", label: "First name" },
  { field: "lastName", label: "Last name" },
  { field: "timeZone", label: "Time zone" },
];

function CreateList() {
  const create = useCreateList();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) },
      {
        onSuccess: () => {
          setName("");
          setDescription("");
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label="New call list">
      <Group align="flex-end">
        <TextInput label="List name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
          Create list
        </Button>
      </Group>
      <ErrorAlert error={create.error} title="The list was not created" />
    </form>
  );
}

/** A file input with a visible label, for CSV files; hands over the file's text. */
export function CsvFileInput({ label, onText }: { label: string; onText: (text: string) => void }) {
  const inputId = useId();
  return (
    <Input.Wrapper label={label} labelProps={{ htmlFor: inputId }}>
      <input
        id={inputId}
        type="file"
        accept=".csv,text/csv,text/plain"
        style={{ display: "block", marginTop: 4 }}
        onChange={(event) => void readFileText(event.currentTarget.files?.[0] ?? null).then(onText)}
      />
    </Input.Wrapper>
  );
}

function PreviewTable({ preview }: { preview: CsvPreview }) {
  return (
    <SimpleTable<string[]>
      caption="First rows of the file"
      testId="csv-preview"
      rows={preview.rows}
      rowKey={(_, index) => String(index)}
      empty="The file has a header row and nothing else."
      columns={preview.headers.map((header, index) => ({ header, cell: (row) => row[index] ?? "" }))}
    />
  );
}

function MappingForm({
  listId,
  csv,
  preview,
  onStarted,
}: {
  listId: string;
  csv: string;
  preview: CsvPreview;
  onStarted: (importId: string) => void;
}) {
  const start = useStartImport();
  const [mapping, setMapping] = useState<Record<string, string>>(preview.suggestedMapping);
  const [country, setCountry] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = Object.fromEntries(Object.entries(mapping).filter(([, column]) => column));
    start.mutate(
      {
        listId,
        csv,
        mapping: chosen as unknown as ColumnMapping,
        ...(country.trim() ? { defaultCountry: country.trim().toUpperCase() } : {}),
      },
      { onSuccess: (started) => onStarted(started.id) },
    );
  };
  const options = [{ value: "", label: "(not in the file)" }, ...preview.headers];
  return (
    <form onSubmit={submit} aria-label="Column mapping">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 2, md: 6 }}>
          {MAPPED_FIELDS.map(({ field, label }) => (
            <NativeSelect
              key={field}
              label={`${label} column`}
              required={field === "phone"}
              data={field === "phone" ? ["", ...preview.headers] : options}
              value={mapping[field] ?? ""}
              onChange={(event) => setMapping({ ...mapping, [field]: event.currentTarget.value })}
            />
          ))}
          <TextInput
            label="Default country"
            description="ISO code, e.g. US; empty: the server's"
            maxLength={2}
            value={country}
            onChange={(event) => setCountry(event.currentTarget.value)}
          />
        </SimpleGrid>
        <ErrorAlert error={start.error} title="The import did not start" />
        <Group>
          <Button type="submit" loading={start.isPending} disabled={!mapping.phone}>
            Start import
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ImportProgressView({ importId }: { importId: string }) {
  const progress = useImportProgress(importId);
  const data = progress.data;
  if (!data) return <ErrorAlert error={progress.error} title="The import's progress is not available" />;
  const share = data.totalRows ? (data.rowsDone / data.totalRows) * 100 : data.status === "done" ? 100 : 0;
  return (
    <Stack gap="sm" data-testid="import-progress" data-status={data.status}>
      <Group>
        <Text fw={600}>Import</Text>
        <Badge color={STATUS_COLOR[data.status]} data-testid="import-status">
          {data.status}
        </Badge>
        <Text fz="sm" data-testid="import-rows">
          {data.rowsDone} / {data.totalRows} rows
        </Text>
      </Group>
      <Progress value={share} aria-label="Rows imported" animated={data.status === "running"} />
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label="Imported" value={data.imported} testId="import-imported" />
        <Figure label="Duplicates" value={data.duplicates} />
        <Figure label="Invalid" value={data.invalid} testId="import-invalid" />
        <Figure label="Existing contacts" value={data.contactsMatched} />
      </SimpleGrid>
      {data.failure && <ErrorAlert error={new Error(data.failure)} title="The import failed" />}
      <SimpleTable
        caption="Lines not imported"
        testId="import-issues"
        rows={data.issues}
        rowKey={(row) => String(row.line)}
        empty="Every line was imported."
        columns={[
          { header: "Line", cell: (row) => row.line },
          { header: "Kind", cell: (row) => row.kind },
          { header: "Value", cell: (row) => row.value },
          { header: "Reason", cell: (row) => row.reason },
        ]}
      />
    </Stack>
  );
}

function ImportWizard() {
  const lists = useCallLists().data ?? [];
  const preview = usePreviewCsv();
  const [listId, setListId] = useState("");
  const [csv, setCsv] = useState("");
  const [importId, setImportId] = useState("");
  const chosenList = listId || lists[lists.length - 1]?.id || "";

  const load = (text: string) => {
    setCsv(text);
    setImportId("");
    preview.mutate(text);
  };
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <NativeSelect
          label="Import into list"
          value={chosenList}
          onChange={(event) => setListId(event.currentTarget.value)}
          data={lists.length ? lists.map((list) => ({ value: list.id, label: list.name })) : ["No list yet"]}
        />
        <CsvFileInput label="CSV file" onText={load} />
      </SimpleGrid>
      <ErrorAlert error={preview.error} title="The file cannot be read" />
      {preview.data && (
        <>
          <Text fz="sm">
            Columns: <b data-testid="csv-headers">{preview.data.headers.join(", ")}</b>
          </Text>
          <PreviewTable preview={preview.data} />
          {chosenList && !importId && (
            <MappingForm
              key={csv}
              listId={chosenList}
              csv={csv}
              preview={preview.data}
              onStarted={setImportId}
            />
          )}
        </>
      )}
      {importId && <ImportProgressView importId={importId} />}
    </Stack>
  );
}

export function ListsPanel() {
  const lists = useCallLists();
  return (
    <Stack gap="md">
      <Panel title="Call lists" testId="call-lists">
        <Stack gap="md">
          <CreateList />
          <SimpleTable
            caption="Call lists"
            rows={lists.data ?? []}
            rowKey={(row) => row.id}
            empty="No call list yet."
            columns={[
              { header: "Name", cell: (row) => row.name },
              { header: "Description", cell: (row) => row.description },
              { header: "Created", cell: (row) => formatDateTime(row.createdAt) },
            ]}
          />
        </Stack>
      </Panel>
      <Panel title="Import a CSV file" testId="list-import">
        <ImportWizard />
      </Panel>
    </Stack>
  );
}
