/**
 * Agent presence. Available agents get offers. Going away hands pending offers back. Going offline
 * (by choice, or because every console of the agent has been disconnected for the grace period)
 * also puts the agent's chats and calls back in their queues, oldest first as they were: nobody is
 * left talking to an empty chair. Email and SMS cases stay assigned until a supervisor moves them.
 */
import { and, eq, inArray } from "drizzle-orm";
import { stateIn } from "../cases/case-states.ts";
import { applyCaseEvent } from "../cases/case-workflow.ts";
import { AppError } from "../cases/errors.ts";
import { type UnitOfWork, withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { agents, type Presence } from "../db/schema/agents.ts";
import { cases } from "../db/schema/cases.ts";
import { agentPresenceLog } from "../db/schema/sla.ts";
import { returnPendingOffers } from "./offers.ts";
import type { RoutingDeps } from "./ports.ts";

export type AgentRow = typeof agents.$inferSelect;

/** Channels whose cases cannot wait for an agent who left. */
const LIVE_CHANNELS = ["chat", "voice"] as const;

async function requeueLiveWork(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  agentId: string,
  reason: string,
): Promise<number> {
  const held = await tx
    .select()
    .from(cases)
    .where(
      and(
        eq(cases.assigneeId, agentId),
        stateIn(cases.state, "occupiesAgent"),
        inArray(cases.channel, [...LIVE_CHANNELS]),
      ),
    )
    .for("update");
  const at = deps.clock().getTime();
  for (const row of held) {
    await applyCaseEvent(
      tx,
      uow,
      deps,
      row,
      { type: "UNASSIGN", at },
      { type: "system" },
      { reason },
      {
        // Back in line where it was: the customer has waited already.
        enqueuedAt: row.enqueuedAt ?? row.createdAt,
        stickyAgentId: null,
      },
    );
  }
  return held.length;
}

export async function setPresenceInTransaction(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  input: { agentId: string; presence: Presence; reason?: string | null },
): Promise<AgentRow> {
  const [agent] = await tx.select().from(agents).where(eq(agents.id, input.agentId)).for("update");
  if (!agent) throw new AppError("NOT_FOUND", `Agent '${input.agentId}' does not exist.`);
  if (agent.deactivatedAt) throw new AppError("CONFLICT", `Agent ${agent.email} is deactivated.`);
  const now = deps.clock();
  const changed = agent.presence !== input.presence;
  const [updated] = await tx
    .update(agents)
    .set({
      presence: input.presence,
      presenceReason: input.reason ?? null,
      ...(changed ? { presenceChangedAt: now } : {}),
      ...(changed && input.presence === "available" ? { missedOffersInRow: 0 } : {}),
      updatedAt: now,
    })
    .where(eq(agents.id, input.agentId))
    .returning();
  if (changed)
    await tx.insert(agentPresenceLog).values({ agentId: input.agentId, presence: input.presence, at: now });
  if (input.presence !== "available") await returnPendingOffers(tx, uow, deps, input.agentId);
  if (input.presence === "offline")
    await requeueLiveWork(tx, uow, deps, input.agentId, input.reason ?? "Agent went offline");
  if (changed)
    uow.emit({
      type: "agent.presence",
      agentId: input.agentId,
      presence: input.presence,
      reason: input.reason ?? null,
    });
  if (input.presence === "available") uow.requestRouting("all");
  return updated!;
}

export function setPresence(
  deps: RoutingDeps,
  input: { agentId: string; presence: Presence; reason?: string | null },
): Promise<AgentRow> {
  return withUnitOfWork(deps, (tx, uow) => setPresenceInTransaction(tx, uow, deps, input));
}

export const DISCONNECTED_REASON = "Disconnected";

/** Every console of the agent has been gone for the grace period: offline, live work re-queued. */
export async function agentDisconnected(deps: RoutingDeps, agentId: string): Promise<boolean> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const [agent] = await tx.select({ presence: agents.presence }).from(agents).where(eq(agents.id, agentId));
    if (!agent || agent.presence === "offline") return false;
    await setPresenceInTransaction(tx, uow, deps, {
      agentId,
      presence: "offline",
      reason: DISCONNECTED_REASON,
    });
    return true;
  });
}
