/** One contact: identities and consent, editable name, time zone and attributes, their cases, and merge. */
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, type MouseEvent, useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { useContact, useUpdateContact } from "../../api/contact-queries.ts";
import { useContactCases } from "../../api/queries.ts";
import type { ContactDetail } from "../../api/types.ts";
import { ChannelBadge } from "../../components/channel-badge.tsx";
import { IdentityLine } from "../../components/customer-panel.tsx";
import { contactName, STATE_COLOR, STATE_LABEL } from "../../lib/format.ts";
import { navigate, pathOf } from "../../lib/router.ts";
import { MergePanel } from "./merge-panel.tsx";

type Row = { key: string; value: string };

function ContactForm({ contact }: { contact: ContactDetail }) {
  const update = useUpdateContact(contact.id);
  const [name, setName] = useState(contact.name ?? "");
  const [rows, setRows] = useState<Row[]>(
    Object.entries(contact.attributes).map(([key, value]) => ({ key, value: String(value) })),
  );
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const attributes: Record<string, string> = {};
    for (const row of rows) if (row.key.trim()) attributes[row.key.trim()] = row.value;
    setError(null);
    update.mutate(
      { name: name.trim() || null, attributes },
      {
        onSuccess: () => notifications.show({ color: "green", message: "Contact saved." }),
        onError: (failure) => setError(errorMessage(failure)),
      },
    );
  }

  return (
    <form onSubmit={submit} aria-label="Edit contact">
      <Stack gap="xs">
        <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} />
        <Text fz="sm" fw={500}>
          Attributes
        </Text>
        {rows.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved; the index is it.
          <Group key={index} gap="xs" wrap="nowrap">
            <TextInput
              size="xs"
              aria-label={`Attribute ${index + 1} name`}
              placeholder="name"
              value={row.key}
              onChange={(event) => {
                const key = event.currentTarget.value;
                setRows((current) => current.map((r, i) => (i === index ? { ...r, key } : r)));
              }}
            />
            <TextInput
              size="xs"
              aria-label={`Attribute ${index + 1} value`}
              placeholder="value"
              style={{ flex: 1 }}
              value={row.value}
              onChange={(event) => {
                const value = event.currentTarget.value;
                setRows((current) => current.map((r, i) => (i === index ? { ...r, value } : r)));
              }}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`Remove attribute ${row.key || index + 1}`}
              onClick={() => setRows((current) => current.filter((_, i) => i !== index))}
            >
              ×
            </ActionIcon>
          </Group>
        ))}
        <Group justify="space-between">
          <Button
            size="xs"
            variant="subtle"
            onClick={() => setRows((current) => [...current, { key: "", value: "" }])}
          >
            Add attribute
          </Button>
          <Button size="xs" type="submit" loading={update.isPending}>
            Save contact
          </Button>
        </Group>
        {error && (
          <Text fz="sm" c="red.7" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </form>
  );
}

export function ContactDetailView({ contactId }: { contactId: string }) {
  const contact = useContact(contactId);
  const cases = useContactCases(contactId);

  if (contact.isPending) return <Loader m="xl" aria-label="Loading contact" />;
  if (contact.isError)
    return (
      <Alert color="red" m="md" title="This contact cannot be shown">
        {errorMessage(contact.error)}
      </Alert>
    );
  const detail = contact.data;

  return (
    <ScrollArea h="100%" type="auto">
      <Stack gap="md" p="md" maw={900} data-testid="contact-detail">
        <Group justify="space-between">
          <Title order={2} fz="h3">
            {contactName(detail)}
          </Title>
          {detail.mergedIntoId && (
            <Button
              size="xs"
              variant="light"
              onClick={() => navigate({ name: "contacts", contactId: detail.mergedIntoId! })}
            >
              Merged — open the surviving contact
            </Button>
          )}
        </Group>
        <Group align="flex-start" gap="md" grow>
          <Paper withBorder p="md">
            <Text fz="xs" fw={700} tt="uppercase" c="dimmed" mb="xs">
              Identities and consent
            </Text>
            <Stack gap={6}>
              {detail.identities.map((identity) => (
                <IdentityLine key={`${identity.kind}:${identity.address}`} identity={identity} />
              ))}
            </Stack>
          </Paper>
          <Paper withBorder p="md">
            {detail.mergedIntoId ? (
              <Text fz="sm" c="dimmed">
                A merged contact cannot be edited.
              </Text>
            ) : (
              <ContactForm key={detail.createdAt + JSON.stringify(detail.attributes)} contact={detail} />
            )}
          </Paper>
        </Group>
        <Paper withBorder p="md">
          <Text fz="xs" fw={700} tt="uppercase" c="dimmed" mb="xs">
            Cases · {cases.data?.items.length ?? "…"}
          </Text>
          <Stack gap={6}>
            {(cases.data?.items ?? []).map((item) => (
              <Group key={item.id} gap="xs" wrap="nowrap">
                <ChannelBadge channel={item.channel} size="xs" />
                <Anchor
                  fz="sm"
                  href={pathOf({ name: "case", caseId: item.id })}
                  onClick={(event: MouseEvent) => {
                    event.preventDefault();
                    navigate({ name: "case", caseId: item.id });
                  }}
                >
                  #{item.number} {item.subject || "(no subject)"}
                </Anchor>
                <Badge size="xs" variant="outline" color={STATE_COLOR[item.state]}>
                  {STATE_LABEL[item.state]}
                </Badge>
              </Group>
            ))}
          </Stack>
        </Paper>
        {!detail.mergedIntoId && <MergePanel survivor={detail} />}
      </Stack>
    </ScrollArea>
  );
}
