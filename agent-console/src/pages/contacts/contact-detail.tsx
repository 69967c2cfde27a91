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
import { type FormEvent, type MouseEvent, useRef, useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { useContact, useUpdateContact } from "../../api/contact-queries.ts";
import { useContactCases } from "../../api/queries.ts";
import type { CaseSummary, Contact, ContactDetail } from "../../api/types.ts";
import { ChannelBadge } from "../../components/channel-badge.tsx";
import { IdentityLine } from "../../components/customer-panel.tsx";
import { contactName, STATE_COLOR, STATE_LABEL } from "../../lib/format.ts";
import { navigate, pathOf } from "../../lib/router.ts";
import { useSession } from "../../state/session-store.ts";
import { DuplicatesCard } from "./duplicates-card.tsx";
import { MergePanel } from "./merge-panel.tsx";
import { MergeHistory } from "./merge-undo.tsx";

type Row = { key: string; value: string };

interface AttributeRowProps {
  row: Row;
  index: number;
  onChange(change: Partial<Row>): void;
  onRemove(): void;
}

function AttributeRow({ row, index, onChange, onRemove }: AttributeRowProps) {
  return (
    <Group gap="xs" wrap="nowrap">
      <TextInput
        size="xs"
        aria-label={`Attribute ${index + 1} name`}
        placeholder="name"
        value={row.key}
        onChange={(event) => onChange({ key: event.currentTarget.value })}
      />
      <TextInput
        size="xs"
        aria-label={`Attribute ${index + 1} value`}
        placeholder="value"
        style={{ flex: 1 }}
        value={row.value}
        onChange={(event) => onChange({ value: event.currentTarget.value })}
      />
      <ActionIcon
        variant="subtle"
        color="gray"
        aria-label={`Remove attribute ${row.key || index + 1}`}
        onClick={onRemove}
      >
        ×
      </ActionIcon>
    </Group>
  );
}

/** The name and attribute rows being edited, and saving them (blank attribute names are dropped). */
function useContactEdit(contact: ContactDetail) {
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

  return { name, setName, rows, setRows, error, submit, saving: update.isPending };
}

function ContactForm({ contact }: { contact: ContactDetail }) {
  const { name, setName, rows, setRows, error, submit, saving } = useContactEdit(contact);
  // Each edit changes one field of the row as it is now, not as it was rendered.
  const changeRow = (index: number, change: Partial<Row>) =>
    setRows((current) => current.map((r, i) => (i === index ? { ...r, ...change } : r)));

  return (
    <form onSubmit={submit} aria-label="Edit contact">
      <Stack gap="xs">
        <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} />
        <Text fz="sm" fw={500}>
          Attributes
        </Text>
        {rows.map((row, index) => (
          <AttributeRow
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved; the index is it.
            key={index}
            row={row}
            index={index}
            onChange={(change) => changeRow(index, change)}
            onRemove={() => setRows((current) => current.filter((_, i) => i !== index))}
          />
        ))}
        <Group justify="space-between">
          <Button
            size="xs"
            variant="subtle"
            onClick={() => setRows((current) => [...current, { key: "", value: "" }])}
          >
            Add attribute
          </Button>
          <Button size="xs" type="submit" loading={saving}>
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

/** The contact's name, and the way to the contact it was merged into. */
function ContactTitle({ detail }: { detail: ContactDetail }) {
  return (
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
  );
}

function IdentitiesCard({ detail }: { detail: ContactDetail }) {
  return (
    <Paper withBorder p="md">
      <Text fz="xs" fw={700} tt="uppercase" c="dimmed" mb="xs">
        Identities and consent
      </Text>
      <Stack gap={6}>
        {detail.identities.map((identity) => (
          <IdentityLine
            key={identity.id}
            identity={identity}
            contactId={detail.mergedIntoId ? undefined : detail.id}
          />
        ))}
      </Stack>
    </Paper>
  );
}

/** The contact's cases, each a link to the case; read beside the contact, not after it. */
function ContactCases({ cases }: { cases: CaseSummary[] | undefined }) {
  return (
    <Paper withBorder p="md">
      <Text fz="xs" fw={700} tt="uppercase" c="dimmed" mb="xs">
        Cases · {cases?.length ?? "…"}
      </Text>
      <Stack gap={6}>
        {(cases ?? []).map((item) => (
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
  );
}

/** The duplicate chosen for the merge preview, and bringing the preview into view when one is chosen. */
function useMergePick(contactId: string) {
  const [picked, setPicked] = useState<Contact | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  // Another contact's page starts with nothing picked.
  const [pickedFor, setPickedFor] = useState(contactId);
  if (pickedFor !== contactId) {
    setPickedFor(contactId);
    setPicked(null);
  }
  const pick = (contact: Contact) => {
    setPicked(contact);
    requestAnimationFrame(() => panel.current?.scrollIntoView({ block: "start", behavior: "smooth" }));
  };
  return { picked, setPicked, pick, panel };
}

export function ContactDetailView({ contactId }: { contactId: string }) {
  const contact = useContact(contactId);
  const cases = useContactCases(contactId);
  const role = useSession((s) => s.agent?.role);
  // Merging moves another customer's cases and identities: supervisors and admins only.
  const mayMerge = role === "supervisor" || role === "admin";
  const { picked, setPicked, pick, panel } = useMergePick(contactId);

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
        <ContactTitle detail={detail} />
        <Group align="flex-start" gap="md" grow>
          <IdentitiesCard detail={detail} />
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
        <ContactCases cases={cases.data?.items} />
        {!detail.mergedIntoId && <DuplicatesCard contactId={detail.id} onMerge={mayMerge ? pick : null} />}
        {!detail.mergedIntoId &&
          (mayMerge ? (
            <div ref={panel}>
              <MergePanel survivor={detail} picked={picked} onPick={setPicked} />
            </div>
          ) : (
            <Text fz="sm" c="dimmed" data-testid="merge-needs-supervisor">
              Found a duplicate of this customer? Ask a supervisor to merge the two contacts.
            </Text>
          ))}
        <MergeHistory contactId={detail.id} mayUndo={mayMerge} />
      </Stack>
    </ScrollArea>
  );
}
