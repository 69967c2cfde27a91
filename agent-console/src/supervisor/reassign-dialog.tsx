/** Moves one case to another agent, with an optional note for them (POST /api/cases/:id/assign). */
import { Button, Group, Modal, Select, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/client.ts";
import { AGENT_STATE_LABEL } from "./format.ts";
import { useAssignCase } from "./queries.ts";
import type { AgentBoardRow } from "./types.ts";

export interface ReassignTarget {
  caseId: string;
  number: number;
  subject: string;
  /** Null for a case nobody holds (assigning a waiting case). */
  fromAgentId: string | null;
}

/** Online agents other than the case's holder, with their state and load. */
function agentChoices(agents: AgentBoardRow[], fromAgentId: string | null) {
  return agents
    .filter((agent) => agent.id !== fromAgentId && agent.presence !== "offline")
    .map((agent) => ({
      value: agent.id,
      label: `${agent.name} · ${AGENT_STATE_LABEL[agent.state]} · ${agent.cases.length} case${agent.cases.length === 1 ? "" : "s"}`,
    }));
}

/** The dialog's form: the new agent and a note; its choices are forgotten when it closes. */
function ReassignForm({
  target,
  agents,
  onClose,
}: {
  target: ReassignTarget;
  agents: AgentBoardRow[];
  onClose: () => void;
}) {
  const [agentId, setAgentId] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const assign = useAssignCase();
  const close = () => {
    setAgentId(null);
    setNote("");
    assign.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!agentId) return;
    assign.mutate(
      { caseId: target.caseId, agentId, note: note.trim() || undefined },
      {
        onSuccess: () => {
          notifications.show({
            color: "green",
            title: target.fromAgentId ? "Case reassigned" : "Case assigned",
            message: `#${target.number}`,
          });
          close();
        },
      },
    );
  };

  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <Text fz="sm" c="dimmed">
          {target.subject || "(no subject)"}
        </Text>
        <Select
          label="New agent"
          placeholder="Choose an online agent"
          data={agentChoices(agents, target.fromAgentId)}
          value={agentId}
          onChange={setAgentId}
          searchable
          required
          data-autofocus
          nothingFoundMessage="No other agent is online"
        />
        <Textarea
          label="Note for the agent"
          description="Added to the case as an internal note"
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={5000}
        />
        {assign.error ? (
          <Text c="red" fz="sm" role="alert">
            {errorMessage(assign.error)}
          </Text>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={!agentId} loading={assign.isPending}>
            {target.fromAgentId ? "Reassign" : "Assign"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ReassignDialog({
  target,
  agents,
  onClose,
}: {
  target: ReassignTarget | null;
  agents: AgentBoardRow[];
  onClose: () => void;
}) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target ? `${target.fromAgentId ? "Reassign" : "Assign"} case #${target.number}` : ""}
    >
      {target ? <ReassignForm target={target} agents={agents} onClose={onClose} /> : null}
    </Modal>
  );
}
