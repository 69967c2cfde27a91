/**
 * What happens to an offer: the agent accepts, rejects or lets it expire. Each answer runs in a
 * transaction holding the offer, case and agent rows, so an offer is answered once, and a late
 * accept can never beat the expiry that already returned the case.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { type Actor, applyCaseEvent, type CaseRow, lockCase } from "../cases/case-workflow.ts";
import { AppError } from "../cases/errors.ts";
import { type UnitOfWork, withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { offers } from "../db/schema/routing.ts";
import { agentPresenceLog } from "../db/schema/sla.ts";
import type { RoutingDeps } from "./ports.ts";

export type OfferRow = typeof offers.$inferSelect;

/** Accepting slightly after the deadline still counts if the expiry has not been processed yet. */
const ACCEPT_GRACE_MS = 2_000;

async function lockOffer(tx: Tx, offerId: string): Promise<OfferRow> {
  const [offer] = await tx.select().from(offers).where(eq(offers.id, offerId)).for("update");
  if (!offer) throw new AppError("NOT_FOUND", `Offer '${offerId}' does not exist.`);
  return offer;
}

export async function acceptOffer(
  deps: RoutingDeps,
  input: { offerId: string; agentId: string },
): Promise<CaseRow> {
  const outcome = await withUnitOfWork(deps, async (tx, uow) => {
    const offer = await lockOffer(tx, input.offerId);
    if (offer.agentId !== input.agentId) {
      throw new AppError("FORBIDDEN", "This offer was made to another agent.");
    }
    if (offer.status !== "pending") {
      throw new AppError("CONFLICT", `This offer is no longer open (it was ${offer.status}).`, {
        status: offer.status,
      });
    }
    const now = deps.clock();
    if (now.getTime() > offer.expiresAt.getTime() + ACCEPT_GRACE_MS) {
      await closeOffer(tx, uow, deps, offer, "expired", { type: "system" });
      return { expired: true as const };
    }
    const row = await lockCase(tx, offer.caseId);
    await tx.update(offers).set({ status: "accepted", respondedAt: now }).where(eq(offers.id, offer.id));
    const applied = await applyCaseEvent(
      tx,
      uow,
      deps,
      row,
      { type: "ASSIGN", agentId: input.agentId, at: now.getTime() },
      {
        type: "agent",
        id: input.agentId,
      },
      { offerId: offer.id },
    );
    await tx.update(agents).set({ missedOffersInRow: 0 }).where(eq(agents.id, input.agentId));
    uow.emit({
      type: "offer.closed",
      offerId: offer.id,
      caseId: offer.caseId,
      agentId: offer.agentId,
      status: "accepted",
    });
    return { expired: false as const, row: applied.row };
  });
  if (outcome.expired)
    throw new AppError("CONFLICT", "This offer expired before it was accepted.", { status: "expired" });
  return outcome.row;
}

/**
 * Ends a pending offer without assignment: the case goes back to the queue (and is routed again),
 * and a rejection or expiry counts against the agent's missed-offer streak.
 */
async function closeOffer(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  offer: OfferRow,
  status: "rejected" | "expired" | "cancelled",
  actor: Actor,
): Promise<void> {
  const now = deps.clock();
  await tx.update(offers).set({ status, respondedAt: now }).where(eq(offers.id, offer.id));
  const row = await lockCase(tx, offer.caseId);
  await applyCaseEvent(tx, uow, deps, row, { type: "OFFER_RETURNED", at: now.getTime() }, actor, {
    offerId: offer.id,
    agentId: offer.agentId,
    outcome: status,
  });
  uow.emit({ type: "offer.closed", offerId: offer.id, caseId: offer.caseId, agentId: offer.agentId, status });
  if (status === "cancelled") return;

  const [agent] = await tx
    .update(agents)
    .set({ missedOffersInRow: sql`${agents.missedOffersInRow} + 1` })
    .where(eq(agents.id, offer.agentId))
    .returning();
  if (agent && agent.presence === "available" && agent.missedOffersInRow >= deps.settings.maxMissedOffers) {
    const reason = `Missed ${agent.missedOffersInRow} offers in a row`;
    await tx
      .update(agents)
      .set({ presence: "away", presenceReason: reason, presenceChangedAt: now, missedOffersInRow: 0 })
      .where(eq(agents.id, agent.id));
    await tx.insert(agentPresenceLog).values({ agentId: agent.id, presence: "away", at: now });
    await returnPendingOffers(tx, uow, deps, agent.id);
    uow.emit({ type: "agent.presence", agentId: agent.id, presence: "away", reason });
  }
}

export function rejectOffer(deps: RoutingDeps, input: { offerId: string; agentId: string }): Promise<void> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const offer = await lockOffer(tx, input.offerId);
    if (offer.agentId !== input.agentId)
      throw new AppError("FORBIDDEN", "This offer was made to another agent.");
    if (offer.status !== "pending") {
      throw new AppError("CONFLICT", `This offer is no longer open (it was ${offer.status}).`, {
        status: offer.status,
      });
    }
    await closeOffer(tx, uow, deps, offer, "rejected", { type: "agent", id: input.agentId });
  });
}

/** Expires an offer if it is still pending and past its deadline; a no-op otherwise (the job may run late or twice). */
export function expireOffer(deps: RoutingDeps, offerId: string): Promise<boolean> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const [offer] = await tx.select().from(offers).where(eq(offers.id, offerId)).for("update");
    if (offer?.status !== "pending" || offer.expiresAt.getTime() > deps.clock().getTime()) return false;
    await closeOffer(tx, uow, deps, offer, "expired", { type: "system" });
    return true;
  });
}

/** Sweep: expire pending offers whose deadline passed but whose expiry job was lost. */
export async function expireOverdueOffers(deps: RoutingDeps, limit = 500): Promise<number> {
  const overdue = await deps.db
    .select({ id: offers.id })
    .from(offers)
    .where(
      and(
        eq(offers.status, "pending"),
        sql`${offers.expiresAt} < ${deps.clock().toISOString()}::timestamptz`,
      ),
    )
    .limit(limit);
  let expired = 0;
  for (const { id } of overdue) if (await expireOffer(deps, id)) expired++;
  return expired;
}

/** Withdraws an agent's pending offers without counting them as missed (the agent went away). */
export async function returnPendingOffers(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  agentId: string,
): Promise<number> {
  const pending = await tx
    .select()
    .from(offers)
    .where(and(eq(offers.agentId, agentId), eq(offers.status, "pending")))
    .for("update");
  for (const offer of pending) await closeOffer(tx, uow, deps, offer, "cancelled", { type: "system" });
  return pending.length;
}

export async function pendingOffersFor(deps: RoutingDeps, agentId: string): Promise<OfferRow[]> {
  return deps.db
    .select()
    .from(offers)
    .where(and(eq(offers.agentId, agentId), eq(offers.status, "pending")))
    .orderBy(asc(offers.createdAt));
}
