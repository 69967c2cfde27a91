/**
 * Merging a duplicate into this contact: pick the duplicate, see exactly which identities and cases
 * would move, then confirm. Nothing moves before the confirmation.
 */
import { Alert, Badge, Button, Group, List, Loader, Paper, Select, Stack, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { useContactSearch, useMergeContacts, useMergePreview } from "../../api/contact-queries.ts";
import type { Contact, ContactDetail, MergePreview } from "../../api/types.ts";
import { contactName, STATE_LABEL } from "../../lib/format.ts";
import { showMergedNotice } from "./merge-undo.tsx";

/** What would move: the duplicate's identities and its cases. */
function MovingLists({ preview }: { preview: MergePreview }) {
  return (
    <Group align="flex-start" grow>
      <div>
        <Text fz="sm" fw={600}>
          {preview.identitiesMoving.length} identit
          {preview.identitiesMoving.length === 1 ? "y" : "ies"}
        </Text>
        <List size="sm">
          {preview.identitiesMoving.map((identity) => (
            <List.Item key={`${identity.kind}:${identity.address}`}>
              {identity.kind}: {identity.kind === "chat" ? "visitor" : identity.address}
            </List.Item>
          ))}
        </List>
      </div>
      <div>
        <Text fz="sm" fw={600}>
          {preview.casesMoving.length} case{preview.casesMoving.length === 1 ? "" : "s"}
        </Text>
        <List size="sm">
          {preview.casesMoving.map((item) => (
            <List.Item key={item.id}>
              #{item.number} {item.subject || "(no subject)"}{" "}
              <Badge size="xs" variant="light">
                {STATE_LABEL[item.state as keyof typeof STATE_LABEL] ?? item.state}
              </Badge>
            </List.Item>
          ))}
        </List>
      </div>
    </Group>
  );
}

interface ConfirmMergeProps {
  preview: MergePreview;
  merging: boolean;
  onCancel(): void;
  onMerge(): void;
}

/** The preview of the merge, and the only button that carries it out. */
function ConfirmMerge({ preview, merging, onCancel, onMerge }: ConfirmMergeProps) {
  return (
    <Stack gap="xs" mt="sm" data-testid="merge-preview">
      <Text fz="sm">
        Merging <b>{contactName(preview.merged)}</b> into <b>{contactName(preview.survivor)}</b> moves:
      </Text>
      <MovingLists preview={preview} />
      <Text fz="xs" c="dimmed">
        The duplicate's attributes fill in fields this contact lacks; the duplicate then points here.
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button color="red" loading={merging} onClick={onMerge}>
          Merge
        </Button>
      </Group>
    </Stack>
  );
}

const optionOf = (contact: Contact) => ({
  value: contact.id,
  label: `${contactName(contact)} · ${contact.id.slice(0, 8)}`,
});

/** Searching for the duplicate: the typed text, debounced, and the other contacts it matches. */
function useDuplicateSearch(survivorId: string, picked: Contact | null) {
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const candidates = useContactSearch(q);
  const found = (candidates.data ?? []).filter((contact) => contact.id !== survivorId);
  // A duplicate picked from the suggestions is an option even when the search does not list it.
  const contacts = picked && !found.some((c) => c.id === picked.id) ? [picked, ...found] : found;
  return { search, setSearch, q, contacts, options: contacts.map(optionOf) };
}

interface MergePanelProps {
  survivor: ContactDetail;
  /** The duplicate chosen for the preview: from the search here or a suggestion's "Merge…". */
  picked: Contact | null;
  onPick(contact: Contact | null): void;
}

export function MergePanel({ survivor, picked, onPick }: MergePanelProps) {
  const { search, setSearch, q, contacts, options } = useDuplicateSearch(survivor.id, picked);
  const mergedId = picked?.id ?? null;
  const preview = useMergePreview(survivor.id, mergedId);
  const merge = useMergeContacts(survivor.id);
  const client = useQueryClient();

  function confirm(merged: string) {
    merge.mutate(merged, {
      onSuccess: (result) => {
        showMergedNotice(client, result);
        onPick(null);
        setSearch("");
      },
      onError: (error) =>
        notifications.show({ color: "red", title: "Not merged", message: errorMessage(error) }),
    });
  }

  return (
    <Paper withBorder p="md" component="section" aria-label="Merge a duplicate" data-testid="merge-panel">
      <Text fz="xs" fw={700} tt="uppercase" c="dimmed" mb="xs">
        Merge a duplicate into {contactName(survivor)}
      </Text>
      <Select
        label="Duplicate contact"
        placeholder="Search by name, email or phone"
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        data={options}
        value={mergedId}
        onChange={(id) => onPick(contacts.find((contact) => contact.id === id) ?? null)}
        nothingFoundMessage={q ? "No other contact matches" : "Type to search"}
        clearable
        filter={({ options: all }) => all}
      />
      {mergedId && preview.isPending && <Loader size="sm" mt="sm" aria-label="Loading merge preview" />}
      {preview.isError && (
        <Alert color="red" mt="sm" title="Cannot merge these">
          {errorMessage(preview.error)}
        </Alert>
      )}
      {mergedId && preview.data && (
        <ConfirmMerge
          preview={preview.data}
          merging={merge.isPending}
          onCancel={() => onPick(null)}
          onMerge={() => confirm(mergedId)}
        />
      )}
    </Paper>
  );
}
