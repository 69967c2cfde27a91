/**
 * Admin → WhatsApp templates: the message templates WhatsApp has approved, which agents pick when a
 * conversation is outside WhatsApp's 24-hour window. The server keeps them as one list (PUT replaces
 * it), so adding or removing one writes the list back with that change.
 */
import {
  Alert,
  Button,
  Code,
  Group,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import { notifyError } from "./notify.ts";

interface WhatsAppTemplate {
  name: string;
  body: string;
  contentSid: string | null;
}

const KEY = ["admin", "whatsapp-templates"] as const;
const PATH = "/api/whatsapp/templates";

/** How many values a template asks for: its highest `{{n}}` (as cases/whatsapp-templates.ts counts). */
const valueCount = (body: string) =>
  Math.max(0, ...[...body.matchAll(/\{\{(\d+)\}\}/g)].map((match) => Number(match[1])));

function useTemplates() {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: KEY,
    queryFn: () => api.get<{ items: WhatsAppTemplate[] }>(PATH),
    select: (page) => page.items,
  });
  const write = useMutation({
    mutationFn: (items: WhatsAppTemplate[]) => api.put<{ items: WhatsAppTemplate[] }>(PATH, { items }),
    onSettled: () => client.invalidateQueries({ queryKey: KEY }),
  });
  return { list, write };
}

function NewTemplate({ templates }: { templates: WhatsAppTemplate[] }) {
  const { write } = useTemplates();
  const [name, setName] = useState("");
  const [body, setBody] = useState("");
  const [contentSid, setContentSid] = useState("");
  const add = () =>
    write.mutate([...templates, { name, body, contentSid: contentSid.trim() || null }], {
      onSuccess: () => {
        setName("");
        setBody("");
        setContentSid("");
      },
    });
  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-label="New WhatsApp template"
      onSubmit={(event) => {
        event.preventDefault();
        add();
      }}
    >
      <Stack gap="sm">
        <Title order={2} fz="h4">
          Add a template
        </Title>
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            description="As it was approved, e.g. order_update"
            required
            maxLength={200}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <TextInput
            label="Twilio Content SID"
            description="HX and 32 hex digits; leave empty to send the words as written"
            placeholder="HX…"
            value={contentSid}
            onChange={(event) => setContentSid(event.currentTarget.value)}
          />
        </Group>
        <Textarea
          label="Words"
          description="Exactly as approved, with {{1}}, {{2}}… where the agent fills in values"
          required
          autosize
          minRows={3}
          maxRows={10}
          maxLength={1024}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
        />
        {write.error && (
          <Alert color="red" role="alert" title="Template not added">
            {errorMessage(write.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={write.isPending} disabled={!name.trim() || !body.trim()}>
            Add template
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function TemplateTable({ templates }: { templates: WhatsAppTemplate[] }) {
  const { write } = useTemplates();
  const remove = (template: WhatsAppTemplate) => {
    if (!window.confirm(`Remove the template “${template.name}”? Agents can no longer send it.`)) return;
    write.mutate(
      templates.filter((other) => other !== template),
      { onError: notifyError("Template not removed") },
    );
  };
  if (!templates.length)
    return (
      <Text c="dimmed" fz="sm">
        No templates yet: outside the 24-hour window agents cannot write to a WhatsApp customer first.
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped withTableBorder verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Words</Table.Th>
            <Table.Th>Values</Table.Th>
            <Table.Th>Content SID</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {templates.map((template) => (
            <Table.Tr key={template.name} data-testid="whatsapp-template" data-template={template.name}>
              <Table.Th scope="row" fw={600} style={{ whiteSpace: "nowrap" }}>
                {template.name}
              </Table.Th>
              <Table.Td>
                <Text fz="sm" maw={460} style={{ whiteSpace: "pre-wrap" }}>
                  {template.body}
                </Text>
              </Table.Td>
              <Table.Td fz="sm">{valueCount(template.body) || "none"}</Table.Td>
              <Table.Td>
                {template.contentSid ? (
                  <Code fz="xs">{template.contentSid}</Code>
                ) : (
                  <Text fz="xs" c="dimmed">
                    words as written
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove(template)}>
                  Remove
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function WhatsAppTemplatesAdmin() {
  const { list } = useTemplates();
  const templates = list.data ?? [];
  return (
    <Stack gap="md">
      <div>
        <Title order={1} fz="h2">
          WhatsApp templates
        </Title>
        <Text c="dimmed" fz="sm" maw={760}>
          WhatsApp lets a business write freely only within 24 hours of the customer's last message. Outside
          that window only templates WhatsApp has approved may be sent; list them here exactly as approved.
        </Text>
      </div>
      {list.error && <Alert color="red">{errorMessage(list.error)}</Alert>}
      {list.isPending && <Skeleton h={80} />}
      {/* Only on a list read whole: adding writes the list back, and must not drop what it did not see. */}
      {list.data && (
        <>
          <TemplateTable templates={templates} />
          <NewTemplate templates={templates} />
        </>
      )}
    </Stack>
  );
}
