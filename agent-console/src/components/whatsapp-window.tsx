/**
 * WhatsApp's 24-hour window in the composer: closed, the agent is told before writing that only an
 * approved template can go, and picks one (filling its {{1}}… values) instead of a free-form reply.
 */
import { Alert, Button, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import { usePostInteraction } from "../api/queries.ts";
import type { CaseDetail } from "../api/types.ts";
import { formatDateTimeWithZone } from "../lib/format.ts";

interface WhatsAppTemplate {
  name: string;
  body: string;
  contentSid: string | null;
}

export function whatsappWindowClosed(detail: CaseDetail): boolean {
  return detail.channel === "whatsapp" && detail.whatsappWindow?.open === false;
}

export function WhatsAppWindowBanner({ detail }: { detail: CaseDetail }) {
  const closesAt = detail.whatsappWindow?.closesAt;
  return (
    <Alert color="orange" variant="light" py={6} mb={8} role="status" data-testid="whatsapp-window-closed">
      <Text fz="sm">
        {closesAt
          ? `The 24-hour window closed at ${formatDateTimeWithZone(closesAt)}; only an approved template can be sent.`
          : "The customer has not written on WhatsApp yet; only an approved template can be sent."}
      </Text>
    </Alert>
  );
}

const placeholders = (body: string) => {
  let highest = 0;
  for (const match of body.matchAll(/\{\{(\d+)\}\}/g)) highest = Math.max(highest, Number(match[1]));
  return highest;
};

/** Pick an approved template, fill its values, send it. */
export function WhatsAppTemplatePicker({ detail }: { detail: CaseDetail }) {
  const templates = useQuery({
    queryKey: ["whatsapp-templates"],
    queryFn: () => api.get<{ items: WhatsAppTemplate[] }>("/api/whatsapp/templates"),
  });
  const post = usePostInteraction(detail.id, "reply");
  const [name, setName] = useState<string | null>(null);
  const [values, setValues] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const template = templates.data?.items.find((item) => item.name === name);
  const needed = template ? placeholders(template.body) : 0;
  const preview = template?.body.replace(
    /\{\{(\d+)\}\}/g,
    (_, n: string) => values[Number(n) - 1] || `{{${n}}}`,
  );
  const ready = template && Array.from({ length: needed }, (_, i) => values[i]?.trim()).every(Boolean);

  function send() {
    if (!template || !ready) return;
    setError(null);
    post.mutate(
      { body: "", template: { name: template.name, variables: values.slice(0, needed) } },
      {
        onSuccess: () => {
          setName(null);
          setValues([]);
        },
        onError: (failure) => setError(errorMessage(failure)),
      },
    );
  }

  return (
    <Stack gap={6} data-testid="whatsapp-template-picker">
      <Select
        size="xs"
        label="Approved template"
        placeholder={
          templates.data?.items.length ? "Pick a template" : "No templates yet (an admin adds them)"
        }
        data={(templates.data?.items ?? []).map((item) => ({ value: item.name, label: item.name }))}
        value={name}
        onChange={(next) => {
          setName(next);
          setValues([]);
        }}
      />
      {Array.from({ length: needed }, (_, i) => (
        <TextInput
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders are numbered, the index is their name
          key={i}
          size="xs"
          label={`Value {{${i + 1}}}`}
          value={values[i] ?? ""}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setValues((current) => Object.assign([...current], { [i]: value }));
          }}
        />
      ))}
      {preview && (
        <Text fz="sm" c="dimmed" data-testid="template-preview">
          {preview}
        </Text>
      )}
      {error && (
        <Text fz="xs" c="red.7" role="alert">
          {error}
        </Text>
      )}
      <Group justify="flex-end">
        <Button size="sm" disabled={!ready} loading={post.isPending} onClick={send}>
          Send template
        </Button>
      </Group>
    </Stack>
  );
}
