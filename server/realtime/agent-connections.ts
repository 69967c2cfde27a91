/**
 * Knows whether an agent still has a console open, across processes. A disconnect starts a check
 * after the grace period (a reload or a network blip reconnects well before it); each process also
 * stamps `last_seen_at` for the agents connected to it, so the sweep finds agents whose process died
 * without telling anyone.
 */
import { and, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import { agents } from "../../db/schema/agents.ts";
import type { Services } from "../services.ts";
import type { AgentNamespace } from "./namespaces.ts";
import { rooms } from "./publisher.ts";

/** The services this module uses. */
type ConnectionServices = Pick<Services, "clock" | "config" | "db" | "jobs" | "logger" | "router">;

export const HEARTBEAT_MS = 30_000;

/** True, false, or null when another process did not answer (then nothing is decided). */
export async function agentHasConsoles(ns: AgentNamespace, agentId: string): Promise<boolean | null> {
  try {
    const sockets = await ns.in(rooms.agent(agentId)).fetchSockets();
    return sockets.length > 0;
  } catch {
    return null;
  }
}

export function trackAgentConnections(ns: AgentNamespace, services: ConnectionServices): { stop(): void } {
  const local = new Map<string, number>();
  const stamp = async (agentIds: string[]) => {
    if (!agentIds.length) return;
    await services.db
      .update(agents)
      .set({ lastSeenAt: services.clock() })
      .where(inArray(agents.id, agentIds));
  };

  ns.on("connection", (socket) => {
    const agentId = socket.data.agent.id;
    local.set(agentId, (local.get(agentId) ?? 0) + 1);
    void stamp([agentId]).catch(() => {});
    socket.on("disconnect", () => {
      const left = (local.get(agentId) ?? 1) - 1;
      if (left > 0) {
        local.set(agentId, left);
        return;
      }
      local.delete(agentId);
      void stamp([agentId]).catch(() => {});
      void services.jobs
        .enqueue(
          "check-agent-connection",
          { agentId },
          {
            jobId: `check-connection-${agentId}-${Date.now()}`,
            delayMs: services.config.agentDisconnectGraceMs,
          },
        )
        .catch((error) => services.logger.warn({ err: error }, "could not schedule the disconnect check"));
    });
  });

  const heartbeat = setInterval(() => void stamp([...local.keys()]).catch(() => {}), HEARTBEAT_MS);
  heartbeat.unref();
  return { stop: () => clearInterval(heartbeat) };
}

/** The grace period ran out: offline if no console of the agent is open on any process. */
export async function checkAgentConnection(
  ns: AgentNamespace,
  services: ConnectionServices,
  agentId: string,
): Promise<void> {
  if ((await agentHasConsoles(ns, agentId)) !== false) return;
  await services.router.agentDisconnected(agentId);
}

/**
 * Agents marked present whose consoles nobody has seen for the grace period plus a heartbeat: the
 * process holding them may have died. Each is checked before it is set offline.
 */
export async function sweepVanishedAgents(ns: AgentNamespace, services: ConnectionServices): Promise<void> {
  const now = services.clock().getTime();
  const cutoff = new Date(now - services.config.agentDisconnectGraceMs - HEARTBEAT_MS);
  const suspects = await services.db
    .select({ id: agents.id })
    .from(agents)
    .where(
      and(
        ne(agents.presence, "offline"),
        isNull(agents.deactivatedAt),
        or(
          lt(agents.lastSeenAt, cutoff),
          and(
            isNull(agents.lastSeenAt),
            lt(agents.presenceChangedAt, new Date(now - services.config.agentDisconnectGraceMs)),
          ),
        ),
      ),
    )
    .orderBy(sql`${agents.lastSeenAt} nulls first`)
    .limit(100);
  for (const { id } of suspects) await checkAgentConnection(ns, services, id);
}
