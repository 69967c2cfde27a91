/**
 * Runs routing right after the changes that call for it, in this process. A case that joins its
 * queue is matched on its own at once against the agents free for it. Passes over a whole queue
 * (an agent freed, a wake-up, the sweep) are coalesced per queue: while a pass of a queue runs,
 * further requests for it collapse into one more pass that starts after it, so under load a pass
 * serves many cases and when idle nothing waits. Other processes run their own; the database
 * arbitrates every offer (routing/route-queue.ts). A pass that fails is retried by the periodic sweep.
 */
import type { QueuedCase, RoutingTrigger } from "../cases/ports.ts";

export interface RoutingRunner extends RoutingTrigger {
  /** Another process left cases waiting in these queues: remember them and look at them now. */
  waitingElsewhere(queueIds: string[]): void;
  /** Resolves when no pass or arrival is waiting, running or pending (tests and shutdown). */
  idle(): Promise<void>;
}

export function createRoutingRunner(options: {
  routeQueue(queueId: string): Promise<unknown>;
  queuesToRoute(): Promise<string[]>;
  /** Matches one arrived case; `busy` asks for a pass of its queue (another change held the case). */
  routeArrival?(queued: QueuedCase): Promise<"offered" | "waiting" | "moved" | "busy">;
  /** An agent has room again (their picture in memory is stale). */
  onAgentFreed?(agentId: string): void;
  /** Queues known to have waiting cases; without it a freed agent looks at every queue. */
  waiting?: Set<string>;
  /**
   * Tells the other server processes that a case was left waiting in these queues (their agents
   * may be free). Only new arrivals are told, never what a pass found, so hints cannot echo.
   */
  shareWaiting?(queueIds: string[]): void;
  onError(error: unknown): void;
}): RoutingRunner {
  const running = new Map<string, Promise<void>>();
  const pending = new Set<string>();
  const arrivals = new Set<Promise<void>>();

  const pass = async (key: string) => {
    if (key === "all") {
      for (const queueId of await options.queuesToRoute()) request(queueId);
    } else {
      await options.routeQueue(key);
    }
  };

  function start(key: string): void {
    const run = pass(key)
      .catch(options.onError)
      .finally(() => {
        running.delete(key);
        if (pending.delete(key)) start(key);
      });
    running.set(key, run);
  }

  function request(key: string): void {
    if (running.has(key)) pending.add(key);
    else start(key);
  }

  return {
    request,
    caseQueued(queued) {
      if (!options.routeArrival) {
        if (queued.row.queueId) request(queued.row.queueId);
        return;
      }
      const arrival = options
        .routeArrival(queued)
        .then((outcome) => {
          const queueId = queued.row.queueId;
          if (!queueId) return;
          if (outcome === "busy") request(queueId);
          if (outcome === "waiting" || outcome === "busy") options.shareWaiting?.([queueId]);
        })
        .catch(options.onError)
        .finally(() => arrivals.delete(arrival));
      arrivals.add(arrival);
    },
    agentFreed(agentId) {
      options.onAgentFreed?.(agentId);
      if (!options.waiting) request("all");
      else for (const queueId of options.waiting) request(queueId);
    },
    waitingElsewhere(queueIds) {
      for (const queueId of queueIds) {
        options.waiting?.add(queueId);
        request(queueId);
      }
    },
    async idle() {
      while (running.size || arrivals.size) await Promise.allSettled([...running.values(), ...arrivals]);
    },
  };
}
