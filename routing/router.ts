/**
 * The contract between the rest of the system and routing: the server's jobs, socket handlers and
 * routes call these and nothing else.
 */
import { eq } from "drizzle-orm";
import type { CaseRow } from "../cases/case-workflow.ts";
import type { CaseRoutingHooks, QueuedCase } from "../cases/ports.ts";
import type { Presence } from "../db/schema/agents.ts";
import { cases } from "../db/schema/cases.ts";
import type { RoutingConfigCache } from "./config-cache.ts";
import { offerCaseTo } from "./offer-to.ts";
import {
  acceptOffer,
  expireOffer,
  expireOverdueOffers,
  type OfferRow,
  pendingOffersFor,
  rejectOffer,
} from "./offers.ts";
import { createPlacement } from "./placement.ts";
import type { RoutingDeps } from "./ports.ts";
import { type AgentRow, agentDisconnected, setPresence } from "./presence.ts";
import { queuesWithWaitingCases, type RoutePassResult, routeArrival, routeQueue } from "./route-queue.ts";
import { getNextCase, type NextCase, type TransferInput, takeCase, transferCase } from "./transfers.ts";
import { createCapacityReleased } from "./wrap-up.ts";

export interface Router {
  /** One routing pass over a queue: offers waiting cases to eligible agents with room. */
  routeQueue(queueId: string): Promise<RoutePassResult>;
  /** A case that just joined its queue, matched on its own. */
  routeArrival(queued: QueuedCase): ReturnType<typeof routeArrival>;
  /** A pass over every queue with waiting cases; returns the offers made. */
  routeAll(): Promise<number>;
  /** A pass over the queue of one case (convenience for callers that know the case). */
  routeCase(caseId: string): Promise<RoutePassResult>;
  queuesToRoute(): Promise<string[]>;
  acceptOffer(input: { offerId: string; agentId: string }): Promise<CaseRow>;
  rejectOffer(input: { offerId: string; agentId: string }): Promise<void>;
  expireOffer(offerId: string): Promise<boolean>;
  expireOverdueOffers(): Promise<number>;
  pendingOffersFor(agentId: string): Promise<OfferRow[]>;
  setPresence(input: { agentId: string; presence: Presence; reason?: string | null }): Promise<AgentRow>;
  agentDisconnected(agentId: string): Promise<boolean>;
  transfer(input: TransferInput): Promise<CaseRow>;
  getNext(agentId: string): Promise<NextCase>;
  /** An agent takes a waiting case they may work, from its page. */
  take(input: { caseId: string; agentId: string }): Promise<CaseRow>;
  /** Offers one waiting case to one named agent (a supervisor's remedy). */
  offerTo(input: { caseId: string; agentId: string }): Promise<OfferRow>;
}

/** Skill-based routing: queues with required and preferred skills, overflow, aging, sticky agents. */
export function createSkillRouter(deps: RoutingDeps): Router {
  const router: Router = {
    routeQueue: (queueId) => routeQueue(deps, queueId),
    routeArrival: (queued) => routeArrival(deps, queued),
    async routeAll() {
      let offered = 0;
      for (const queueId of await queuesWithWaitingCases(deps))
        offered += (await routeQueue(deps, queueId)).offers.length;
      return offered;
    },
    async routeCase(caseId) {
      const [row] = await deps.db.select({ queueId: cases.queueId }).from(cases).where(eq(cases.id, caseId));
      return row?.queueId ? routeQueue(deps, row.queueId) : { offers: [], nextChangeAt: null };
    },
    queuesToRoute: () => queuesWithWaitingCases(deps),
    acceptOffer: (input) => acceptOffer(deps, input),
    rejectOffer: (input) => rejectOffer(deps, input),
    expireOffer: (offerId) => expireOffer(deps, offerId),
    expireOverdueOffers: () => expireOverdueOffers(deps),
    pendingOffersFor: (agentId) => pendingOffersFor(deps, agentId),
    setPresence: (input) => setPresence(deps, input),
    agentDisconnected: (agentId) => agentDisconnected(deps, agentId),
    transfer: (input) => transferCase(deps, input),
    getNext: (agentId) => getNextCase(deps, agentId),
    take: (input) => takeCase(deps, input),
    offerTo: (input) => offerCaseTo(deps, input),
  };
  return router;
}

/** The hooks the case core calls inside its transactions. */
export function createRoutingHooks(config: RoutingConfigCache): CaseRoutingHooks {
  return {
    placeNewCase: createPlacement(config),
    capacityReleased: createCapacityReleased(config),
    async queueSettings(executor, queueId) {
      const queue = (await config.get(executor)).queues.get(queueId);
      return queue ? { name: queue.name, dispositionRequired: queue.dispositionRequired } : null;
    },
  };
}
