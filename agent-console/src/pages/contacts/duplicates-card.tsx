/** "Possible duplicates" of a contact: each candidate with why it may be the same person. */
import { Anchor, Badge, Button, Group, Loader, Paper, Stack, Text } from "@mantine/core";
import type { MouseEvent } from "react";
import { useDuplicates } from "../../api/contact-queries.ts";
import type { Contact, DuplicateCandidate, DuplicateReason } from "../../api/types.ts";
import { contactName } from "../../lib/format.ts";
import { navigate, pathOf } from "../../lib/router.ts";

/** A reason as a person reads it. */
export function reasonText(reason: DuplicateReason): string {
  const claim = reason.verified === false ? " (only claimed)" : "";
  switch (reason.type) {
    case "same_email":
      return `Same email ${reason.value}${claim}`;
    case "same_phone":
      return `Same phone ${reason.value}${claim}`;
    case "shared_identity":
      return "Same chat visitor";
    case "similar_email":
      return `Same mailbox: ${reason.value}`;
    default:
      return `Similar name (${Math.round((reason.similarity ?? 0) * 100)}%)`;
  }
}

function CandidateLine({
  candidate,
  onMerge,
}: {
  candidate: DuplicateCandidate;
  onMerge: ((contact: Contact) => void) | null;
}) {
  const { contact } = candidate;
  return (
    <Group gap="xs" wrap="nowrap" justify="space-between" data-testid="duplicate-candidate">
      <Stack gap={2} style={{ minWidth: 0 }}>
        <Group gap={6} wrap="nowrap">
          <Anchor
            fz="sm"
            fw={600}
            href={pathOf({ name: "contacts", contactId: contact.id })}
            onClick={(event: MouseEvent) => {
              event.preventDefault();
              navigate({ name: "contacts", contactId: contact.id });
            }}
          >
            {contactName(contact)}
          </Anchor>
          <Badge size="xs" variant="light" color={candidate.score >= 0.7 ? "orange" : "gray"}>
            {Math.round(candidate.score * 100)}% match
          </Badge>
        </Group>
        <Text fz="xs" c="dimmed">
          {candidate.reasons.map(reasonText).join(" · ")}
        </Text>
      </Stack>
      {onMerge && (
        <Button size="compact-sm" variant="light" onClick={() => onMerge(contact)}>
          Merge…
        </Button>
      )}
    </Group>
  );
}

/**
 * The suggestions, best first. `onMerge` opens the merge preview with the candidate (supervisors);
 * without it, agents are told to ask a supervisor.
 */
export function DuplicatesCard({
  contactId,
  onMerge,
}: {
  contactId: string;
  onMerge: ((contact: Contact) => void) | null;
}) {
  const duplicates = useDuplicates(contactId);
  return (
    <Paper withBorder p="md" component="section" aria-label="Possible duplicates">
      <Text fz="xs" fw={700} tt="uppercase" c="dimmed" mb="xs">
        Possible duplicates{duplicates.data ? ` · ${duplicates.data.length}` : ""}
      </Text>
      {duplicates.isPending ? (
        <Loader size="sm" aria-label="Looking for duplicates" />
      ) : duplicates.isError ? (
        <Text fz="sm" c="red.7">
          Duplicates could not be looked for; reload the page to try again.
        </Text>
      ) : duplicates.data.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No other contact shares an address or a similar name.
        </Text>
      ) : (
        <Stack gap="xs">
          {duplicates.data.map((candidate) => (
            <CandidateLine key={candidate.contact.id} candidate={candidate} onMerge={onMerge} />
          ))}
          {!onMerge && (
            <Text fz="xs" c="dimmed">
              Ask a supervisor to merge a real duplicate into this contact.
            </Text>
          )}
        </Stack>
      )}
    </Paper>
  );
}
