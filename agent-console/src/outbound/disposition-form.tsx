/** Wrapping up a call: the campaign's dispositions; a callback needs the contact's local date and time, interest an estimated value. */
import { Button, Group, NativeSelect, NumberInput, Stack, Textarea, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useDisposition } from "./api.ts";
import type { Disposition, DispositionInput, DispositionResult, RecordView } from "./types.ts";
import { DISPOSITION_LABEL, ErrorAlert } from "./ui.tsx";

export function DispositionForm({
  view,
  onSaved,
}: {
  view: RecordView;
  onSaved: (result: DispositionResult) => void;
}) {
  const save = useDisposition(onSaved);
  const [disposition, setDisposition] = useState<Disposition | "">("");
  const [callbackAt, setCallbackAt] = useState("");
  const [callbackFor, setCallbackFor] = useState<"me" | "anyone">("me");
  const [value, setValue] = useState<number | string>("");
  const [note, setNote] = useState("");
  const zone = view.record.timeZones[0] ?? "";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!disposition) return;
    const input: DispositionInput = { disposition, ...(note.trim() ? { note: note.trim() } : {}) };
    if (disposition === "callback") input.callback = { localTime: callbackAt, agent: callbackFor };
    if (disposition === "interested" && value !== "") input.estimatedValue = Number(value);
    save.mutate({ recordId: view.record.id, ...input });
  };

  return (
    <form onSubmit={submit} aria-label="Wrap-up">
      <Stack gap="sm">
        <NativeSelect
          label="Disposition"
          required
          value={disposition}
          onChange={(event) => setDisposition(event.currentTarget.value as Disposition)}
          data={[
            { value: "", label: "Choose how the call ended…" },
            ...view.dispositions.map((item) => ({ value: item, label: DISPOSITION_LABEL[item] ?? item })),
          ]}
        />
        {disposition === "callback" && (
          <Group grow align="flex-start">
            <TextInput
              type="datetime-local"
              label={`Call back at (contact's local time${zone ? `, ${zone}` : ""})`}
              required
              value={callbackAt}
              onChange={(event) => setCallbackAt(event.currentTarget.value)}
            />
            <NativeSelect
              label="Who calls back"
              value={callbackFor}
              onChange={(event) => setCallbackFor(event.currentTarget.value as "me" | "anyone")}
              data={[
                { value: "me", label: "Me" },
                { value: "anyone", label: "Anyone on the campaign" },
              ]}
            />
          </Group>
        )}
        {disposition === "interested" && (
          <NumberInput label="Estimated value" required min={0} value={value} onChange={setValue} />
        )}
        <Textarea
          label="Note"
          autosize
          minRows={2}
          maxLength={2000}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
        />
        <ErrorAlert error={save.error} title="The disposition was not saved" />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={!disposition}>
            Save disposition
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
