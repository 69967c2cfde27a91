/**
 * "Queues they may see" in Admin → Agents: every queue, or only some. A limited agent sees their own
 * work and those queues' cases (and is offered only those); a limited supervisor sees and manages
 * only those queues' cases, agents and figures. Admins are never limited.
 */
import { Badge, Group, MultiSelect, SegmentedControl, Stack, Text } from "@mantine/core";
import { useQueueOptions } from "./queries.ts";
import type { AdminAgent, Role } from "./types.ts";

export interface ScopeForm {
  limited: boolean;
  queueIds: string[];
}

export const scopeOf = (agent: AdminAgent | null): ScopeForm => ({
  limited: agent?.queueScope.limited ?? false,
  queueIds: agent?.queueScope.queueIds ?? [],
});

export const sameScope = (a: ScopeForm, b: ScopeForm) =>
  a.limited === b.limited && (!a.limited || [...a.queueIds].sort().join() === [...b.queueIds].sort().join());

export function QueueScopeField({
  role,
  value,
  onChange,
}: {
  role: Role;
  value: ScopeForm;
  onChange: (next: ScopeForm) => void;
}) {
  const queues = useQueueOptions();
  if (role === "admin")
    return (
      <Text fz="sm" c="dimmed">
        Admins see every queue.
      </Text>
    );
  return (
    <Stack gap={6} role="group" aria-label="Queues they may see">
      <Text fz="sm" fw={500}>
        Queues they may see
      </Text>
      <SegmentedControl
        data={[
          { value: "all", label: "All queues" },
          { value: "only", label: "Only these" },
        ]}
        value={value.limited ? "only" : "all"}
        onChange={(next) => onChange({ ...value, limited: next === "only" })}
      />
      {value.limited && (
        <MultiSelect
          label="Only these queues"
          aria-label="Only these queues"
          placeholder={value.queueIds.length ? undefined : "None: their own work only"}
          data={queues.data}
          value={value.queueIds}
          onChange={(queueIds) => onChange({ ...value, queueIds })}
          searchable
          description={
            role === "supervisor"
              ? "They see and manage only these queues' cases, agents and figures."
              : "Beyond their own work they see only these queues' cases, and are offered only those."
          }
        />
      )}
    </Stack>
  );
}

/** The Agents table's cell: "All queues", or the queues' names. */
export function QueueScopeCell({ agent }: { agent: AdminAgent }) {
  const queues = useQueueOptions();
  if (agent.role === "admin" || !agent.queueScope.limited)
    return (
      <Text fz="xs" c="dimmed">
        All queues
      </Text>
    );
  if (!agent.queueScope.queueIds.length)
    return (
      <Badge size="sm" color="orange" variant="light">
        Own work only
      </Badge>
    );
  return (
    <Group gap={4}>
      {agent.queueScope.queueIds.map((id) => (
        <Badge key={id} size="sm" color="orange" variant="light">
          {queues.name(id)}
        </Badge>
      ))}
    </Group>
  );
}
