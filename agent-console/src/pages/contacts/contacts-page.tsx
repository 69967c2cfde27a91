/** Contacts: search on the left, the chosen contact on the right with edit and merge. */
import {
  Badge,
  Group,
  Loader,
  Paper,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useContactSearch } from "../../api/contact-queries.ts";
import { contactName } from "../../lib/format.ts";
import { navigate } from "../../lib/router.ts";
import { ContactDetailView } from "./contact-detail.tsx";

export default function ContactsPage({ contactId }: { contactId?: string }) {
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const results = useContactSearch(q);

  return (
    <div style={{ display: "flex", height: "100%", minHeight: 0 }} data-testid="contacts-page">
      <Stack
        gap="sm"
        p="md"
        w={320}
        style={{ borderRight: "1px solid var(--mantine-color-gray-3)", flexShrink: 0 }}
      >
        <Title order={1} fz="h3">
          Contacts
        </Title>
        <TextInput
          aria-label="Search contacts"
          placeholder="Name, email or phone"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          rightSection={results.isFetching ? <Loader size="xs" /> : null}
        />
        <ScrollArea style={{ flex: 1 }} type="auto">
          <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label="Contacts found">
            {(results.data ?? []).map((contact) => (
              <li key={contact.id}>
                <UnstyledButton
                  w="100%"
                  p="xs"
                  data-testid="contact-result"
                  aria-current={contact.id === contactId ? "true" : undefined}
                  style={{
                    borderRadius: 8,
                    background: contact.id === contactId ? "var(--mantine-color-indigo-0)" : undefined,
                  }}
                  onClick={() => navigate({ name: "contacts", contactId: contact.id })}
                >
                  <Group justify="space-between" wrap="nowrap">
                    <Text fz="sm" fw={600} truncate>
                      {contactName(contact)}
                    </Text>
                    {Object.keys(contact.attributes).length > 0 && (
                      <Badge size="xs" variant="light" color="gray">
                        {Object.keys(contact.attributes).length} fields
                      </Badge>
                    )}
                  </Group>
                </UnstyledButton>
              </li>
            ))}
          </Stack>
          {results.data?.length === 0 && (
            <Text fz="sm" c="dimmed" ta="center" py="md">
              No contact matches.
            </Text>
          )}
        </ScrollArea>
      </Stack>
      <div style={{ flex: 1, minWidth: 0 }}>
        {contactId ? (
          <ContactDetailView key={contactId} contactId={contactId} />
        ) : (
          <Paper p="xl" m="md" withBorder>
            <Text c="dimmed">Pick a contact to see and edit it, or to merge a duplicate into it.</Text>
          </Paper>
        )}
      </div>
    </div>
  );
}
