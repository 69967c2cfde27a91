/** Moves the case to a queue or to a colleague who is online, with a note for whoever takes it. */
import { Button, Group, Modal, Select, Stack, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { useAgentDirectory, useMe, useQueues, useTransferCase } from "../api/queries.ts";
import { navigate } from "../lib/router.ts";

/** Where the case can go: any queue, or a colleague who is online. */
function useTransferOptions(opened: boolean) {
  const queues = useQueues().data ?? [];
  const meId = useMe().data?.id;
  const agents = (useAgentDirectory(opened).data ?? []).filter(
    (agent) => agent.id !== meId && agent.presence !== "offline",
  );
  return [
    { group: "Queues", items: queues.map((queue) => ({ value: `queue:${queue.id}`, label: queue.name })) },
    ...(agents.length
      ? [
          {
            group: "Agents",
            items: agents.map((agent) => ({ value: `agent:${agent.id}`, label: agent.name })),
          },
        ]
      : []),
  ];
}

/** The request for a chosen option (`queue:<id>` or `agent:<id>`) and the note, if any. */
function transferBody(target: string, note: string) {
  const [kind, id] = target.split(":") as ["queue" | "agent", string];
  return {
    ...(kind === "queue" ? { toQueueId: id } : { toAgentId: id }),
    ...(note.trim() ? { note: note.trim() } : {}),
  };
}

export function TransferDialog({
  caseId,
  opened,
  onClose,
}: {
  caseId: string;
  opened: boolean;
  onClose(): void;
}) {
  const options = useTransferOptions(opened);
  const transfer = useTransferCase(caseId);
  const [target, setTarget] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);

  function submit() {
    if (!target) return;
    setError(null);
    transfer.mutate(transferBody(target, note), {
      onSuccess: () => {
        notifications.show({ color: "green", message: "Case transferred." });
        onClose();
        setTarget(null);
        setNote("");
        navigate({ name: "inbox" });
      },
      onError: (failure) => setError(errorMessage(failure)),
    });
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Transfer case">
      <Stack gap="sm">
        <Select
          label="Transfer to"
          placeholder="Pick a queue or an agent"
          data={options}
          value={target}
          onChange={setTarget}
          searchable
          data-autofocus
          error={error}
        />
        <Textarea
          label="Note for the next agent"
          description="Saved on the case as an internal note"
          autosize
          minRows={2}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} disabled={!target} loading={transfer.isPending}>
            Transfer
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
