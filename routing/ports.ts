/** Routing's jobs and settings; the server registers the handlers. */
import type { CaseDeps } from "../cases/deps.ts";
import type { AgentRegistry } from "./agent-registry.ts";
import type { RoutingConfigCache } from "./config-cache.ts";
import type { OfferTimers } from "./offer-timers.ts";

export interface RoutingJobs {
  /** Return an offer that was not answered in time (the handler re-checks it is still pending). */
  "expire-offer": { offerId: string };
  /** Look at a queue (or all) again: an overflow step, aging step, sticky window or wrap-up ends. */
  "route-queue": { queueId: string | "all" };
}

declare module "../cases/ports.ts" {
  interface JobCatalogue extends RoutingJobs {}
}

export interface RoutingSettings {
  /** How long an agent has to accept an offer (queues may override it). */
  offerTimeoutMs: number;
  /** The same for calls, which ring for a shorter time. */
  voiceOfferTimeoutMs: number;
  /** Missed offers in a row after which an agent is set away. */
  maxMissedOffers: number;
  /** An agent who rejected or let lapse an offer of a case is not offered that case again for this long. */
  missedOfferCooldownMs: number;
}

export const DEFAULT_ROUTING_SETTINGS: RoutingSettings = {
  offerTimeoutMs: 30_000,
  voiceOfferTimeoutMs: 20_000,
  maxMissedOffers: 3,
  missedOfferCooldownMs: 60_000,
};

export type RoutingDeps = CaseDeps & {
  settings: RoutingSettings;
  config: RoutingConfigCache;
  /** This process's picture of its agents; without one, every decision reads them from the database. */
  registry?: AgentRegistry;
  /** Offer deadlines kept in this process; without them each deadline is a job. */
  offerTimers?: OfferTimers;
  /**
   * Queues this process last saw cases waiting in (a hint, refreshed by every pass over everything):
   * an agent freed here is matched against those, without asking the database which queues wait.
   */
  waiting?: Set<string>;
};
