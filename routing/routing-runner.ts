/**
 * Runs routing passes right after the changes that call for them, in this process, coalesced per
 * queue: a request waits a short batching window, so arrivals close together share one pass, and
 * while a pass of a queue runs, further requests for it collapse into one more pass. Under load a
 * pass therefore serves many cases, not one; every request is still followed by a pass that starts
 * after it. Other processes run their own passes; the queue's advisory lock makes them take turns.
 * A pass that fails is retried by the periodic sweep.
 */
import type { RoutingTrigger } from "../cases/ports.ts";

export interface RoutingRunner extends RoutingTrigger {
  /** Resolves when no pass is waiting, running or pending (tests and shutdown). */
  idle(): Promise<void>;
}

/** How long a request waits for others to join it. Small against an offer's tens of seconds. */
export const DEFAULT_BATCH_WINDOW_MS = 15;

export function createRoutingRunner(options: {
  routeQueue(queueId: string): Promise<unknown>;
  queuesToRoute(): Promise<string[]>;
  onError(error: unknown): void;
  batchWindowMs?: number;
}): RoutingRunner {
  const windowMs = options.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS;
  const running = new Map<string, Promise<void>>();
  const pending = new Set<string>();

  const pass = async (key: string) => {
    if (key === "all") {
      for (const queueId of await options.queuesToRoute()) request(queueId);
    } else {
      await options.routeQueue(key);
    }
  };

  function start(key: string): void {
    const run = (async () => {
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      try {
        await pass(key);
      } catch (error) {
        options.onError(error);
      }
    })().finally(() => {
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
    async idle() {
      while (running.size) await Promise.allSettled([...running.values()]);
    },
  };
}
