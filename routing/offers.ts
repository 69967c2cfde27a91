/**
 * What happens to an offer: the agent accepts, rejects or lets it expire. Each answer is decided on
 * the offer and its case as read, and written only while the offer is still pending and the case
 * unchanged, so an offer is answered once, and a late accept can never beat the expiry that already
 * returned the case.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { CaseEvent } from "../cases/case-machine.ts";
import { CasePlan } from "../cases/case-plan.ts";
import { type CaseContext, type CaseWritten, contextFromJson } from "../cases/case-store.ts";
import {
  type Actor,
  applyCaseEvent,
  type CaseRow,
  decideAndWrite,
  lockCase,
  planCaseEvent,
  refusalAudit,
  writeAudit,
} from "../cases/case-workflow.ts";
import { AppError } from "../cases/errors.ts";
import { type UnitOfWork, withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { callFunction } from "../db/functions.ts";
import { rowFromJson } from "../db/json-rows.ts";
import { agents } from "../db/schema/agents.ts";
import { offers } from "../db/schema/routing.ts";
import { agentPresenceLog } from "../db/schema/sla.ts";
import type { RoutingDeps } from "./ports.ts";

export type OfferRow = typeof offers.$inferSelect;

/** Accepting slightly after the deadline still counts if the expiry has not been processed yet. */
const ACCEPT_GRACE_MS = 2_000;

interface OfferContext {
  offer: OfferRow;
  context: CaseContext;
}

async function readOffer(deps: RoutingDeps, offerId: string): Promise<OfferContext | null> {
  const json = await callFunction<{
    offer: Record<string, unknown>;
    context: Record<string, unknown>;
  } | null>(deps.db, "sb_offer_context", offerId);
  return json ? { offer: rowFromJson(offers, json.offer), context: contextFromJson(json.context) } : null;
}

const readOfferOrFail = (deps: RoutingDeps, offerId: string) => async () => {
  const found = await readOffer(deps, offerId);
  if (!found) throw new AppError("NOT_FOUND", `Offer '${offerId}' does not exist.`);
  return found;
};

function assertOpen(offer: OfferRow, agentId: string): void {
  if (offer.agentId !== agentId) throw new AppError("FORBIDDEN", "This offer was made to another agent.");
  if (offer.status !== "pending")
    throw new AppError("CONFLICT", `This offer is no longer open (it was ${offer.status}).`, {
      status: offer.status,
    });
}

/**
 * Plans an offer ending without assignment: the case goes back to the queue (and is routed again),
 * and a rejection or expiry counts against the agent's missed-offer streak.
 */
async function planClose(
  deps: RoutingDeps,
  { offer, context }: OfferContext,
  status: "rejected" | "expired",
  actor: Actor,
): Promise<CasePlan> {
  const now = deps.clock();
  const plan = new CasePlan(context, deps.db);
  plan.write.offer = { id: offer.id, status, respondedAt: now };
  const returned: CaseEvent = { type: "OFFER_RETURNED", at: now.getTime() };
  const details = { offerId: offer.id, agentId: offer.agentId, outcome: status };
  const { accepted } = await planCaseEvent(deps, plan, returned, actor, details);
  // The offer ends whatever its case's machine says; if it refused the return, the audit says so.
  if (!accepted) plan.audit(refusalAudit(context.row, returned, actor, details));
  plan.write.agents.push({ agentId: offer.agentId, missedOffersAdd: 1 });
  plan.afterWrite((_written, uow) => {
    uow.emit({
      type: "offer.closed",
      offerId: offer.id,
      caseId: offer.caseId,
      agentId: offer.agentId,
      status,
    });
    uow.agentFreed(offer.agentId);
  });
  return plan;
}

/** An agent who missed too many offers in a row is set away; their other offers go back. */
async function afterMissedOffer(
  deps: RoutingDeps,
  agent: { id: string; presence: string; missedOffersInRow: number },
) {
  if (agent.presence !== "available" || agent.missedOffersInRow < deps.settings.maxMissedOffers) return;
  await withUnitOfWork(deps, async (tx, uow) => {
    const now = deps.clock();
    const reason = `Missed ${agent.missedOffersInRow} offers in a row`;
    const [away] = await tx
      .update(agents)
      .set({ presence: "away", presenceReason: reason, presenceChangedAt: now, missedOffersInRow: 0 })
      .where(
        and(
          eq(agents.id, agent.id),
          eq(agents.presence, "available"),
          sql`${agents.missedOffersInRow} >= ${deps.settings.maxMissedOffers}`,
        ),
      )
      .returning({ id: agents.id });
    if (!away) return;
    await tx.insert(agentPresenceLog).values({ agentId: agent.id, presence: "away", at: now });
    await returnPendingOffers(tx, uow, deps, agent.id);
    uow.emit({ type: "agent.presence", agentId: agent.id, presence: "away", reason });
  });
}

export async function acceptOffer(
  deps: RoutingDeps,
  input: { offerId: string; agentId: string },
): Promise<CaseRow> {
  const outcome = await decideAndWrite<OfferContext, { expired: boolean; written: CaseWritten }>(
    deps,
    readOfferOrFail(deps, input.offerId),
    async (found) => {
      const { offer, context } = found;
      assertOpen(offer, input.agentId);
      const now = deps.clock();
      if (now.getTime() > offer.expiresAt.getTime() + ACCEPT_GRACE_MS) {
        const plan = await planClose(deps, found, "expired", { type: "system" });
        return { plan, result: (written) => ({ expired: true as const, written }) };
      }
      const plan = new CasePlan(context, deps.db);
      plan.write.offer = { id: offer.id, status: "accepted", respondedAt: now };
      const { accepted } = await planCaseEvent(
        deps,
        plan,
        { type: "ASSIGN", agentId: input.agentId, at: now.getTime() },
        { type: "agent", id: input.agentId },
        { offerId: offer.id },
      );
      // Nothing is written: the offer stays as it is for its expiry (or the change that moved the case) to end.
      if (!accepted)
        throw new AppError(
          "CONFLICT",
          `The case is ${context.row.state}; this offer can no longer be accepted.`,
          {
            state: context.row.state,
          },
        );
      plan.write.agents.push({ agentId: input.agentId, missedOffersInRow: 0 });
      plan.afterWrite((_written, uow) =>
        uow.emit({
          type: "offer.closed",
          offerId: offer.id,
          caseId: offer.caseId,
          agentId: offer.agentId,
          status: "accepted",
        }),
      );
      return { plan, result: (written) => ({ expired: false as const, written }) };
    },
  );
  if (outcome.expired) {
    for (const agent of outcome.written.agents) await afterMissedOffer(deps, agent);
    throw new AppError("CONFLICT", "This offer expired before it was accepted.", { status: "expired" });
  }
  return outcome.written.case;
}

export async function rejectOffer(
  deps: RoutingDeps,
  input: { offerId: string; agentId: string },
): Promise<void> {
  const written = await decideAndWrite(deps, readOfferOrFail(deps, input.offerId), async (found) => {
    assertOpen(found.offer, input.agentId);
    const plan = await planClose(deps, found, "rejected", { type: "agent", id: input.agentId });
    return { plan, result: (w) => w };
  });
  for (const agent of written.agents) await afterMissedOffer(deps, agent);
}

/** Expires an offer if it is still pending and past its deadline; a no-op otherwise (the timer may fire late or twice). */
export async function expireOffer(deps: RoutingDeps, offerId: string): Promise<boolean> {
  const found = await readOffer(deps, offerId);
  if (found?.offer.status !== "pending" || found.offer.expiresAt.getTime() > deps.clock().getTime())
    return false;
  try {
    const written = await decideAndWrite(
      deps,
      async () => found,
      async (current) => {
        if (current.offer.status !== "pending") throw new AppError("CONFLICT", "The offer was answered.");
        return { plan: await planClose(deps, current, "expired", { type: "system" }), result: (w) => w };
      },
    );
    for (const agent of written.agents) await afterMissedOffer(deps, agent);
    return true;
  } catch (error) {
    // Answered (accepted, rejected, expired elsewhere) between the read and the write.
    if (error instanceof AppError && error.code === "CONFLICT") return false;
    throw error;
  }
}

/**
 * Ends a pending offer inside a transaction that holds the agent (the agent went away): the case goes
 * back to its queue, and the offer does not count as missed.
 */
async function cancelOffer(tx: Tx, uow: UnitOfWork, deps: RoutingDeps, offer: OfferRow): Promise<void> {
  const now = deps.clock();
  await tx.update(offers).set({ status: "cancelled", respondedAt: now }).where(eq(offers.id, offer.id));
  const row = await lockCase(tx, offer.caseId);
  const returned: CaseEvent = { type: "OFFER_RETURNED", at: now.getTime() };
  const details = { offerId: offer.id, agentId: offer.agentId, outcome: "cancelled" };
  const applied = await applyCaseEvent(tx, uow, deps, row, returned, { type: "system" }, details);
  // The offer is withdrawn whatever its case's machine says; if it refused the return, the audit says so.
  if (!applied.accepted)
    await writeAudit(tx, { caseId: row.id, ...refusalAudit(row, returned, { type: "system" }, details) });
  uow.emit({
    type: "offer.closed",
    offerId: offer.id,
    caseId: offer.caseId,
    agentId: offer.agentId,
    status: "cancelled",
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
  for (const offer of pending) await cancelOffer(tx, uow, deps, offer);
  return pending.length;
}

export async function pendingOffersFor(deps: RoutingDeps, agentId: string): Promise<OfferRow[]> {
  return deps.db
    .select()
    .from(offers)
    .where(and(eq(offers.agentId, agentId), eq(offers.status, "pending")))
    .orderBy(asc(offers.createdAt));
}
