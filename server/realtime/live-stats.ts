/**
 * Pushes live queue figures to supervisors and queue positions to waiting chat visitors. Runs as a
 * periodic job (once a second across all processes), so pushes per queue stay at one a second
 * whatever the event rate; unchanged figures are not pushed again by the same process. The live
 * metrics (service level, ASA, AHT, ...) have their own, slower job: they read a day of history.
 */
import { queuePositions, queueStats } from "../../routing/queue-stats.ts";
import { liveMetrics } from "../../sla/metrics.ts";
import type { Services } from "../services.ts";
import { rooms } from "./publisher.ts";
import { scopeRooms } from "./scope-rooms.ts";

/** The services this module uses. */
type LiveStatsServices = Pick<
  Services,
  "agentNamespace" | "clock" | "config" | "database" | "pushToVisitor" | "routing"
>;

/** How far down each queue visitors are told their place. */
const POSITION_LIMIT = 200;

/**
 * Whether a supervisor's console is connected to any server process. Figures nobody would see are
 * not computed: a supervisor who connects gets them at the next run (and reads them over HTTP first).
 */
async function supervisorsWatching(services: LiveStatsServices): Promise<{ all: boolean; limited: boolean }> {
  const ns = services.agentNamespace();
  const [all, limited] = await Promise.all([
    ns.in(rooms.supervisors).fetchSockets(),
    ns.in(scopeRooms.limited).fetchSockets(),
  ]);
  return { all: all.length > 0, limited: limited.length > 0 };
}

export function createLiveStatsPusher(services: LiveStatsServices) {
  const lastStats = new Map<string, string>();
  const lastPositions = new Map<string, string>();

  return async function push(): Promise<void> {
    const now = services.clock();
    const watching = await supervisorsWatching(services);
    if (watching.all || watching.limited) {
      const stats = await queueStats(
        services.database.reporting,
        now,
        await services.routing.registry?.snapshot(),
      );
      const changed = stats.filter((queue) => {
        const key = JSON.stringify(queue);
        if (lastStats.get(queue.queueId) === key) return false;
        lastStats.set(queue.queueId, key);
        return true;
      });
      const ns = services.agentNamespace();
      const at = now.toISOString();
      if (changed.length && watching.all)
        ns.to(rooms.supervisors).emit("queue.stats", { at, queues: changed });
      // A limited supervisor gets each of their queues' figures from that queue's room, nothing else.
      if (watching.limited)
        for (const queue of changed)
          ns.to(rooms.queueSupervisors(queue.queueId)).emit("queue.stats", { at, queues: [queue] });
    } else {
      // Whoever connects next gets every queue's figures, changed or not.
      lastStats.clear();
    }

    const positions = await queuePositions(services.database.reporting, now, {
      channels: ["chat"],
      limit: POSITION_LIMIT,
    });
    const seen = new Set<string>();
    for (const position of positions) {
      seen.add(position.caseId);
      const payload = {
        caseId: position.caseId,
        position: position.position,
        estimatedWaitSeconds: position.estimatedWaitSeconds,
      };
      const key = JSON.stringify(payload);
      if (lastPositions.get(position.caseId) === key) continue;
      lastPositions.set(position.caseId, key);
      services.pushToVisitor(position.customerAddress, "queue.position", payload);
    }
    for (const caseId of lastPositions.keys()) if (!seen.has(caseId)) lastPositions.delete(caseId);
  };
}

/**
 * Pushes `metrics.live` (sla/metrics.ts `liveMetrics`) to supervisors. Runs as a periodic job, once
 * per period across all processes, and reads nothing while no supervisor is connected; figures equal
 * to the last ones this process pushed (apart from their time) are not pushed again.
 */
export function createLiveMetricsPusher(services: LiveStatsServices) {
  let last = "";
  let running = false;
  return async function push(): Promise<void> {
    // Until the interval job has stored the day's settled intervals a run reads the whole day and
    // may outlast the period; BullMQ would start the next one meanwhile.
    if (running) return;
    // Team figures cover every queue: they go to unlimited supervisors only; a limited one reads
    // their queues' figures from GET /api/metrics/live.
    if (!(await supervisorsWatching(services)).all) {
      last = "";
      return;
    }
    running = true;
    try {
      const metrics = await liveMetrics(services.database.reporting, services.clock(), {
        timeZone: services.config.defaultTimeZone,
      });
      const key = JSON.stringify({ ...metrics, at: undefined });
      if (key === last) return;
      last = key;
      services.agentNamespace().to(rooms.supervisors).emit("metrics.live", metrics);
    } finally {
      running = false;
    }
  };
}
