/**
 * Says which queues a supervisor limited by an admin sees: the wall, the SLA board and the agent grid
 * show those queues only (the API filters them), so an empty wall is explained rather than puzzling.
 */
import { Alert } from "@mantine/core";
import { useMe, useQueues } from "../api/queries.ts";

export function ScopeNotice() {
  const me = useMe().data;
  const queues = useQueues().data ?? [];
  if (!me || me.role === "admin" || !me.queueScope.limited) return null;
  const names = me.queueScope.queueIds.map(
    (id) => queues.find((queue) => queue.id === id)?.name ?? "a queue",
  );
  return (
    <Alert color="orange" variant="light" data-testid="scope-notice" title="Some queues only">
      {names.length === 1
        ? `You are limited to the queue ${names[0]}: only its cases, agents and figures show here.`
        : names.length
          ? `You are limited to the queues ${names.join(", ")}: only their cases, agents and figures show here.`
          : "You are limited to no queues: only your own work shows. An admin can add queues under Admin → Agents."}
    </Alert>
  );
}
