/**
 * Who has a case open and which colleague is typing on it, told to every console watching it, so
 * two agents do not answer one customer twice. A console watches a case while its page is open
 * (`case.watch`); with the Redis adapter the room spans every server process.
 */
import type { AgentNamespace, AgentSocket } from "./namespaces.ts";
import { rooms } from "./publisher.ts";

const CASE_ROOM = /^case:(.+)$/;

/** Tells everyone watching the case who is watching it now (each person once, however many tabs). */
export async function announceViewers(ns: AgentNamespace, caseId: string): Promise<void> {
  const sockets = await ns.in(rooms.case(caseId)).fetchSockets();
  const viewers = new Map<string, { id: string; name: string }>();
  for (const socket of sockets) {
    const agent = socket.data.agent;
    if (agent) viewers.set(agent.id, { id: agent.id, name: agent.name });
  }
  ns.to(rooms.case(caseId)).emit("case.viewers", { caseId, viewers: [...viewers.values()] });
}

/** When a console goes away, the cases it watched say so to those still watching them. */
export function announceLeavingViewer(
  ns: AgentNamespace,
  socket: AgentSocket,
  onError: (error: unknown) => void,
) {
  socket.on("disconnecting", () => {
    const watched = [...socket.rooms].flatMap((room) => CASE_ROOM.exec(room)?.[1] ?? []);
    if (!watched.length) return;
    // Once the socket has left its rooms.
    setImmediate(() => {
      for (const caseId of watched) announceViewers(ns, caseId).catch(onError);
    });
  });
}

/** An agent typing on a case: told to the colleagues watching it (not to the typist's own consoles). */
export function relayAgentTyping(socket: AgentSocket, caseId: string, isTyping: boolean): void {
  const { agent } = socket.data;
  socket
    .to(rooms.case(caseId))
    .except(rooms.agent(agent.id))
    .emit("case.typing", { caseId, agent: { id: agent.id, name: agent.name }, isTyping });
}
