import { Button, Group, Text } from "@mantine/core";

/** Says in words, above the draft, that a note is not a reply, with the way back to replying. */
export function NoteModeBanner({ customerName, onReply }: { customerName: string; onReply(): void }) {
  return (
    <Group
      gap="xs"
      mb={8}
      px="sm"
      py={6}
      data-testid="note-mode-banner"
      style={{
        borderLeft: "4px solid var(--mantine-color-yellow-6)",
        background: "var(--mantine-color-yellow-1)",
      }}
    >
      <Text fz="sm" fw={600}>
        Internal note: only agents see this. {customerName} will not.
      </Text>
      <Button size="compact-xs" variant="subtle" onClick={onReply}>
        Write a reply instead
      </Button>
    </Group>
  );
}
