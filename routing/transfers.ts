/**
 * Moving work by hand: transfer to an agent or a queue (with a note), assignment by a supervisor,
 * and "get next", where an agent pulls the best waiting case for them. Every path checks capacity
 * under the agent's row lock, so a manual move can no more overfill an agent than routing can.
 */
import { eq } from "drizzle-orm";
import { caseStateHas } from "../cases/case-states.ts";
import { type Actor, applyCaseEvent, type CaseRow, lockCase, writeAudit } from "../cases/case-workflow.ts";
import { AppError } from "../cases/errors.ts";
import { type UnitOfWork, withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { capacityChannelOf, interactions } from "../db/schema/cases.ts";
import { queues } from "../db/schema/routing.ts";
import { loadsFor } from "./agent-load.ts";
import { availableAgents } from "./agent-snapshot.ts";
import { hasRoom, matchCases } from "./matcher.ts";
import type { RoutingDeps } from "./ports.ts";
import { toMatcherQueue } from "./queue-config.ts";
import { lockStillQueued, waitingCases } from "./route-queue.ts";
import { type NothingToTake, whyNothingToTake } from "./take-next-reason.ts";

async function writeTransferNote(
  tx: Tx,
  uow: UnitOfWork,
  row: CaseRow,
  actor: Actor,
  body: string,
  metadata: Record<string, unknown>,
  at: Date,
) {
  const [note] = await tx
    .insert(interactions)
    .values({
      caseId: row.id,
      channel: row.channel,
      kind: "note",
      direction: "internal",
      authorAgentId: actor.type === "agent" ? actor.id : null,
      body,
      status: "recorded",
      metadata,
      createdAt: at,
      statusChangedAt: at,
    })
    .returning();
  uow.emit({
    type: "interaction.created",
    caseId: row.id,
    interactionId: note!.id,
    channel: row.channel,
    kind: "note",
    direction: "internal",
  });
}

/** Assigns a locked case to an agent if they are online and have room; otherwise a 409 that says why. */
export async function assignToAgent(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  input: { row: CaseRow; agentId: string; actor: Actor; details: Record<string, unknown>; at: Date },
): Promise<CaseRow> {
  const { row, agentId } = input;
  if (!caseStateHas(row.state, "open")) {
    throw new AppError(
      "ILLEGAL_ACTION",
      `Case #${row.number} is ${row.state}; reopen it before assigning it.`,
      { state: row.state },
    );
  }
  const [agent] = await tx.select().from(agents).where(eq(agents.id, agentId)).for("update");
  if (!agent || agent.deactivatedAt) throw new AppError("NOT_FOUND", `Agent '${agentId}' does not exist.`);
  if (row.assigneeId === agentId && caseStateHas(row.state, "occupiesAgent")) return row;
  if (agent.presence === "offline") {
    throw new AppError("CONFLICT", `${agent.name} is offline; a case is never left with an offline agent.`, {
      agentId,
    });
  }
  const load = (await loadsFor(tx, [agentId])).get(agentId)!;
  if (
    !hasRoom(
      { id: agentId, skills: {}, capacity: agent.capacity, load, idleSince: 0, available: true },
      row.channel,
    )
  ) {
    const reason =
      load.voice > 0
        ? "is on a call"
        : `has no room for another ${row.channel} case (${load[capacityChannelOf(row.channel)]} of ${agent.capacity[capacityChannelOf(row.channel)]})`;
    throw new AppError("CONFLICT", `${agent.name} ${reason}.`, { agentId, load, capacity: agent.capacity });
  }
  const applied = await applyCaseEvent(
    tx,
    uow,
    deps,
    row,
    { type: "ASSIGN", agentId, at: input.at.getTime() },
    input.actor,
    input.details,
    { stickyAgentId: null },
  );
  if (!applied.accepted) {
    throw new AppError("ILLEGAL_ACTION", `Case #${row.number} cannot be assigned in state '${row.state}'.`, {
      state: row.state,
    });
  }
  return applied.row;
}

/**
 * An agent takes a waiting case from its page (the access check decided they may work it): it is
 * assigned to them at once, under the same capacity check as every assignment, and an offer of it
 * to a colleague is withdrawn.
 */
export function takeCase(deps: RoutingDeps, input: { caseId: string; agentId: string }): Promise<CaseRow> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const row = await lockCase(tx, input.caseId);
    return assignToAgent(tx, uow, deps, {
      row,
      agentId: input.agentId,
      actor: { type: "agent", id: input.agentId },
      details: { taken: true },
      at: deps.clock(),
    });
  });
}

export interface TransferInput {
  caseId: string;
  toAgentId?: string;
  toQueueId?: string;
  note?: string;
  actor: Actor;
}

const ONE_TARGET = "Transfer to exactly one of an agent (toAgentId) or a queue (toQueueId).";

export function transferCase(deps: RoutingDeps, input: TransferInput): Promise<CaseRow> {
  if (!input.toAgentId === !input.toQueueId) return Promise.reject(new AppError("VALIDATION", ONE_TARGET));
  return withUnitOfWork(deps, (tx, uow) => transferCaseIn(tx, uow, deps, input));
}

/** `transferCase` as part of a caller's transaction, under the case's lock. */
export async function transferCaseIn(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  input: TransferInput,
): Promise<CaseRow> {
  if (!input.toAgentId === !input.toQueueId) throw new AppError("VALIDATION", ONE_TARGET);
  const row = await lockCase(tx, input.caseId);
  const at = deps.clock();
  if (input.toAgentId)
    return transferToAgent(tx, uow, deps, row, { ...input, toAgentId: input.toAgentId }, at);
  return transferToQueue(tx, uow, deps, row, { ...input, toQueueId: input.toQueueId! }, at);
}

async function transferToAgent(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  row: CaseRow,
  input: TransferInput & { toAgentId: string },
  at: Date,
): Promise<CaseRow> {
  const updated = await assignToAgent(tx, uow, deps, {
    row,
    agentId: input.toAgentId,
    actor: input.actor,
    details: {
      transfer: true,
      fromAssigneeId: row.assigneeId,
      ...(input.note ? { note: input.note } : {}),
    },
    at,
  });
  if (input.note)
    await writeTransferNote(
      tx,
      uow,
      row,
      input.actor,
      input.note,
      { transfer: { toAgentId: input.toAgentId } },
      at,
    );
  return updated;
}

async function transferToQueue(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  row: CaseRow,
  input: TransferInput & { toQueueId: string },
  at: Date,
): Promise<CaseRow> {
  const [queue] = await tx.select().from(queues).where(eq(queues.id, input.toQueueId));
  if (!queue) throw new AppError("NOT_FOUND", `Queue '${input.toQueueId}' does not exist.`);
  if (!caseStateHas(row.state, "open")) {
    throw new AppError("ILLEGAL_ACTION", `Case #${row.number} is ${row.state}; reopen it before moving it.`, {
      state: row.state,
    });
  }
  // A new queue: the wait starts again there, and nobody is owed the case any more.
  const changes = { queueId: queue.id, enqueuedAt: at, stickyAgentId: null, routingStepsApplied: 0 };
  const details = {
    transfer: true,
    fromQueueId: row.queueId,
    toQueueId: queue.id,
    ...(input.note ? { note: input.note } : {}),
  };
  // Same state, another queue is an UPDATE: through the machine, so SLA clocks re-target like any change.
  const type = caseStateHas(row.state, "occupiesAgent")
    ? "UNASSIGN"
    : caseStateHas(row.state, "offerPending")
      ? "OFFER_RETURNED"
      : "UPDATE";
  const updated = (
    await applyCaseEvent(tx, uow, deps, row, { type, at: at.getTime() }, input.actor, details, changes)
  ).row;
  if (type === "UPDATE") {
    await writeAudit(tx, {
      caseId: row.id,
      type: "transferred",
      actor: input.actor,
      fromState: row.state,
      toState: row.state,
      details,
      at,
    });
    uow.emit({
      type: "case.updated",
      caseId: row.id,
      state: updated.state,
      assigneeId: updated.assigneeId,
    });
    uow.requestRouting(queue.id);
  }
  if (input.note)
    await writeTransferNote(tx, uow, row, input.actor, input.note, { transfer: { toQueueId: queue.id } }, at);
  return updated;
}

/** The best waiting case this agent may take, assigned to them at once; null when nothing waits for them. */
/** What "get next" gave the agent: a case assigned to them, or why there was none. */
export type NextCase = { row: CaseRow; nothing?: undefined } | { row: null; nothing: NothingToTake };

export function getNextCase(deps: RoutingDeps, agentId: string): Promise<NextCase> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const now = deps.clock();
    const everyone = await availableAgents(tx, now);
    const me = everyone.find((agent) => agent.id === agentId);
    if (!me) throw new AppError("CONFLICT", "Set yourself available before asking for the next case.");
    const queueRows = (await deps.config.get(tx)).queues;
    const { matcherCases } = await waitingCases(tx, deps, [...queueRows.keys()], now);
    const matcherQueues = new Map([...queueRows.values()].map((row) => [row.id, toMatcherQueue(row)]));
    // Only this agent may receive; the others still count as available for overflow decisions.
    // Pulling work is explicit, so wrap-up does not stand in the way.
    const others = everyone
      .filter((agent) => agent.id !== agentId)
      .map((agent) => ({ ...agent, load: { ...agent.capacity } }));
    const roster = [{ ...me, available: true }, ...others];
    const decision = matchCases({
      agents: roster,
      cases: matcherCases,
      queues: matcherQueues,
      now: now.getTime(),
    });
    // The first of the matcher's picks that nobody else has taken meanwhile.
    const picks = decision.offers.filter((offer) => offer.agentId === agentId).map((offer) => offer.caseId);
    const free = await lockStillQueued(tx, picks);
    const caseId = picks.find((id) => free.has(id));
    if (!caseId) {
      const nothing = whyNothingToTake({
        me: roster[0]!,
        waiting: matcherCases,
        queues: matcherQueues,
        roster,
        queueNames: new Map([...queueRows.values()].map((row) => [row.id, row.name])),
        now: now.getTime(),
      });
      return { row: null, nothing };
    }
    const row = await assignToAgent(tx, uow, deps, {
      row: free.get(caseId)!,
      agentId,
      actor: { type: "agent", id: agentId },
      details: { getNext: true },
      at: now,
    });
    return { row };
  });
}
