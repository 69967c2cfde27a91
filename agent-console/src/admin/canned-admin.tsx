/** Admin → Canned responses: the saved replies agents insert by short code, filled in for the case. */
import { Badge, Group, MultiSelect, Text, Textarea, TextInput } from "@mantine/core";
import { CHANNEL_LABEL } from "../lib/format.ts";
import { type Editor, FormShell, useEditorForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { CHANNEL_OPTIONS, PlaceholderHint, PlaceholderPreview } from "./editors.tsx";
import { resources } from "./queries.ts";
import { CANNED_PLACEHOLDERS, type CannedResponse } from "./types.ts";

interface CannedForm {
  shortCode: string;
  title: string;
  body: string;
  /** Channel ids, as the multi-select holds them. */
  channels: string[];
}

const toForm = (canned: CannedResponse | null): CannedForm => ({
  shortCode: canned?.shortCode ?? "",
  title: canned?.title ?? "",
  body: canned?.body ?? "",
  channels: canned?.channels ?? [],
});

function CannedModal({ editor }: { editor: Editor<CannedResponse> }) {
  const canned = editor.item;
  const { form, field, text, shell, submit } = useEditorForm(editor, resources.canned, toForm);

  return (
    <FormShell
      {...shell}
      title={canned ? `Edit /${canned.shortCode}` : "New canned response"}
      submitLabel={canned ? "Save response" : "Add response"}
      onSubmit={() => submit(form)}
    >
      <TextInput
        label="Short code"
        description="Agents type / and the code in the composer: letters, digits, - and _"
        required
        maxLength={40}
        {...text("shortCode")}
        data-autofocus
      />
      <TextInput label="Title" required maxLength={100} {...text("title")} />
      <Textarea
        label="Body"
        description={<PlaceholderHint placeholders={CANNED_PLACEHOLDERS} />}
        required
        autosize
        minRows={4}
        maxRows={12}
        maxLength={5000}
        {...text("body")}
      />
      <PlaceholderPreview text={form.body} />
      <MultiSelect
        label="Channels"
        description="Offered on these channels; none chosen means all"
        placeholder="All channels"
        data={CHANNEL_OPTIONS}
        clearable
        {...field("channels")}
      />
    </FormShell>
  );
}

export function CannedAdmin() {
  return (
    <CrudSection
      title="Canned responses"
      description="Saved replies agents insert by typing / and the short code; placeholders are filled from the case."
      newLabel="New canned response"
      resource={resources.canned}
      skeleton={120}
      minWidth={800}
      rowTestId="canned-row"
      rowProps={(canned) => ({ "data-short-code": canned.shortCode })}
      empty="No canned response yet."
      name={(canned) => `/${canned.shortCode}`}
      remove={{
        question: (canned) => `Delete the canned response /${canned.shortCode}?`,
        failure: "Canned response not deleted",
      }}
      columns={[
        {
          header: "Short code",
          rowHeader: true,
          cell: (canned) => <Text ff="monospace">/{canned.shortCode}</Text>,
        },
        { header: "Title", cell: (canned) => canned.title },
        {
          header: "Channels",
          cell: ({ channels }) =>
            channels.length ? (
              <Group gap={4}>
                {channels.map((channel) => (
                  <Badge key={channel} size="sm" variant="light">
                    {CHANNEL_LABEL[channel]}
                  </Badge>
                ))}
              </Group>
            ) : (
              <Text fz="sm" c="dimmed">
                All
              </Text>
            ),
        },
        {
          header: "Body",
          cell: (canned) => (
            <Text fz="sm" c="dimmed" lineClamp={2} maw={420}>
              {canned.body}
            </Text>
          ),
        },
      ]}
      form={CannedModal}
    />
  );
}
