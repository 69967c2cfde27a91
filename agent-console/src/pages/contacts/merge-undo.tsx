/**
 * Taking a merge back: the notice shown right after a merge (with "Undo" for a minute), and the
 * contact's recent merges, each with "Undo" while it can still be undone.
 */
import { Badge, Button, Group, Paper, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import type { QueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage } from "../../api/client.ts";
import { refreshAfterMerge, useContactMerges, useUndoMerge } from "../../api/contact-queries.ts";
import type { ContactMerge, MergeResult } from "../../api/types.ts";
import { contactName, formatDateTime } from "../../lib/format.ts";

/** How long the notice after a merge offers "Undo"; the contact's merge list offers it after that. */
const UNDO_NOTICE_MS = 60_000;

function UndoNotice({ text, onUndo }: { text: string; onUndo(): Promise<void> }) {
  const [busy, setBusy] = useState(false);
  return (
    <Group gap="sm" wrap="nowrap" justify="space-between" data-testid="merge-notice">
      <Text fz="sm" style={{ flex: 1, minWidth: 0 }}>
        {text}
      </Text>
      <Button
        size="compact-sm"
        variant="light"
        style={{ flexShrink: 0 }}
        loading={busy}
        onClick={() => {
          setBusy(true);
          void onUndo().finally(() => setBusy(false));
        }}
      >
        Undo
      </Button>
    </Group>
  );
}

/**
 * "Contacts merged" with an Undo button. The notice lives outside the page (it stays when the page
 * changes), so it talks to the API itself rather than through a page's hooks.
 */
export function showMergedNotice(client: QueryClient, result: MergeResult): void {
  const id = `merge-${result.mergeId}`;
  const moved = `${result.casesMoving.length} case${result.casesMoving.length === 1 ? "" : "s"}`;
  const undo = async () => {
    try {
      await api.post(`/api/contacts/merges/${encodeURIComponent(result.mergeId)}/undo`);
      refreshAfterMerge(client);
      notifications.update({
        id,
        color: "blue",
        title: "Merge undone",
        message: `${contactName(result.merged)} is a contact of their own again, with their cases.`,
        autoClose: 5_000,
      });
    } catch (error) {
      notifications.update({
        id,
        color: "red",
        title: "Not undone",
        message: errorMessage(error),
        autoClose: false,
      });
    }
  };
  notifications.show({
    id,
    color: "green",
    title: "Contacts merged",
    autoClose: UNDO_NOTICE_MS,
    message: (
      <UndoNotice
        text={`${contactName(result.merged)} merged into ${contactName(result.survivor)} (${moved} moved).`}
        onUndo={undo}
      />
    ),
  });
}

function MergeLine({ merge, mayUndo }: { merge: ContactMerge; mayUndo: boolean }) {
  const undo = useUndoMerge();
  return (
    <Group gap="xs" wrap="nowrap" justify="space-between" data-testid="merge-history-item">
      <Text fz="sm" style={{ flex: 1, minWidth: 0 }}>
        {contactName(merge.merged)} merged into {contactName(merge.survivor)}
        <Text component="span" fz="xs" c="dimmed">
          {" "}
          · {formatDateTime(merge.mergedAt)}
          {merge.mergedBy ? ` by ${merge.mergedBy.name}` : ""} · {merge.cases} case
          {merge.cases === 1 ? "" : "s"}, {merge.identities} address{merge.identities === 1 ? "" : "es"}
        </Text>
      </Text>
      {merge.undoneAt ? (
        <Badge
          variant="light"
          color="gray"
          style={{ flexShrink: 0 }}
          title={`Undone ${formatDateTime(merge.undoneAt)}`}
        >
          Undone
        </Badge>
      ) : mayUndo ? (
        <Button
          size="compact-sm"
          variant="default"
          style={{ flexShrink: 0 }}
          loading={undo.isPending}
          onClick={() =>
            undo.mutate(merge.id, {
              onSuccess: () => notifications.show({ color: "blue", message: "Merge undone." }),
              onError: (error) =>
                notifications.show({ color: "red", title: "Not undone", message: errorMessage(error) }),
            })
          }
        >
          Undo
        </Button>
      ) : null}
    </Group>
  );
}

/** The merges this contact took part in; nothing when there were none. */
export function MergeHistory({ contactId, mayUndo }: { contactId: string; mayUndo: boolean }) {
  const merges = useContactMerges(contactId);
  if (!merges.data?.length) return null;
  return (
    <Paper withBorder p="md" component="section" aria-label="Recent merges">
      <Text fz="xs" fw={700} tt="uppercase" c="dimmed" mb="xs">
        Recent merges
      </Text>
      <Stack gap={6}>
        {merges.data.map((merge) => (
          <MergeLine key={merge.id} merge={merge} mayUndo={mayUndo} />
        ))}
      </Stack>
    </Paper>
  );
}
