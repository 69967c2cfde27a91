/**
 * Which supervisor rooms a console joins. An unlimited supervisor (or an admin) joins `supervisors`
 * and gets every queue's pushes, as before scopes existed; a supervisor limited to some queues joins
 * one room per queue of their scope instead (and `supervisors:limited`, so the figure pushers know
 * someone is watching), and so never receives another queue's case or figures.
 */
import type { QueueScope } from "../../cases/case-permissions.ts";
import type { AgentRole } from "../../db/schema/agents.ts";
import { hasRole } from "../http/access.ts";
import type { AgentNamespace } from "./namespaces.ts";
import { rooms } from "./publisher.ts";

export const scopeRooms = {
  /** Every console of a supervisor limited to some queues. */
  limited: "supervisors:limited",
  /** The consoles of supervisors limited to scopes that include this queue. */
  queue: (queueId: string) => rooms.queueSupervisors(queueId),
};

export function supervisorRoomsFor(role: AgentRole, scope: QueueScope): string[] {
  if (!hasRole({ role }, "supervisor")) return [];
  if (role === "admin" || !scope.limited) return [rooms.supervisors];
  return [scopeRooms.limited, ...scope.queueIds.map(scopeRooms.queue)];
}

/** Moves a person's open consoles (on every process) from their old scope's rooms to the new one's. */
export function rejoinSupervisorRooms(
  ns: AgentNamespace,
  person: { id: string; role: AgentRole },
  before: QueueScope,
  after: QueueScope,
): void {
  const leave = supervisorRoomsFor(person.role, before);
  const join = supervisorRoomsFor(person.role, after);
  if (leave.length) ns.in(rooms.agent(person.id)).socketsLeave(leave);
  if (join.length) ns.in(rooms.agent(person.id)).socketsJoin(join);
}
