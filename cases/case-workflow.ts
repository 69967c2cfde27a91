/**
 * Applies machine events to a case: inside the transaction that holds the case row lock, it
 * persists the new snapshot, writes the audit row and performs the effects that must be atomic
 * with the change; effects that reach outside the database become jobs that leave after commit.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Executor, Tx } from "../db/connect.ts";
import { caseEvents, cases } from "../db/schema/cases.ts";
import { offers } from "../db/schema/routing.ts";
import { callsFinished } from "./calls.ts";
import {
  CASE_MACHINE_VERSION,
  type CaseEvent,
  decideCaseEvent,
  type PersistedCaseSnapshot,
  restoreCaseSnapshot,
} from "./case-machine.ts";
import type { CaseDeps } from "./deps.ts";
import { notFound } from "./errors.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

export type CaseRow = typeof cases.$inferSelect;

export type Actor = { type: "system" } | { type: "agent"; id: string } | { type: "customer"; id?: string };

export function actorColumns(actor: Actor) {
  return { actorType: actor.type, actorId: actor.type === "system" ? null : (actor.id ?? null) };
}

/** Reads a case and locks its row until the transaction ends: every change to a case goes through here. */
export async function lockCase(tx: Tx, caseId: string): Promise<CaseRow> {
  const [row] = await tx.select().from(cases).where(eq(cases.id, caseId)).for("update");
  if (!row) throw notFound("Case", caseId);
  return row;
}

export function snapshotOf(row: CaseRow): PersistedCaseSnapshot {
  return restoreCaseSnapshot(row.machineSnapshot, row.machineVersion);
}

export async function writeAudit(
  executor: Executor,
  entry: {
    caseId: string;
    type: string;
    actor: Actor;
    fromState?: CaseRow["state"];
    toState?: CaseRow["state"];
    details?: Record<string, unknown>;
    at: Date;
  },
): Promise<number> {
  const [row] = await executor
    .insert(caseEvents)
    .values({
      caseId: entry.caseId,
      type: entry.type,
      fromState: entry.fromState ?? null,
      toState: entry.toState ?? null,
      ...actorColumns(entry.actor),
      details: entry.details ?? {},
      at: entry.at,
    })
    .returning({ id: caseEvents.id });
  return row!.id;
}

/** Columns a caller may set in the same update that records the event (saves a round trip). */
export type CaseChanges = Partial<
  Pick<
    CaseRow,
    | "lastCustomerMessageAt"
    | "customerAddress"
    | "channelAddress"
    | "firstResponseAt"
    | "queueId"
    | "enqueuedAt"
    | "stickyAgentId"
    | "priority"
    | "tags"
    | "subject"
  >
>;

export interface AppliedEvent {
  accepted: boolean;
  row: CaseRow;
}

/**
 * Sends one event to a locked case. Returns `accepted: false` and changes nothing when the
 * machine refuses the event in the current state.
 */
export async function applyCaseEvent(
  tx: Tx,
  uow: UnitOfWork,
  deps: Pick<CaseDeps, "machine" | "routingHooks" | "transitionHooks">,
  row: CaseRow,
  event: CaseEvent,
  actor: Actor,
  details: Record<string, unknown> = {},
  changes: CaseChanges = {},
): Promise<AppliedEvent> {
  const decision = decideCaseEvent(deps.machine, snapshotOf(row), event);
  if (!decision.accepted) {
    if (Object.keys(changes).length === 0) return { accepted: false, row };
    const [changed] = await tx.update(cases).set(changes).where(eq(cases.id, row.id)).returning();
    return { accepted: false, row: changed ?? row };
  }

  const at = new Date(event.at);
  const next = decision.snapshot;
  const stateChanged = next.value !== row.state;
  const assigneeChanged = next.context.assigneeId !== row.assigneeId;

  for (const effect of decision.effects) {
    switch (effect.type) {
      case "cancelPendingOffers": {
        const cancelled = await tx
          .update(offers)
          .set({ status: "cancelled", respondedAt: at })
          .where(and(eq(offers.caseId, row.id), eq(offers.status, "pending")))
          .returning({ id: offers.id, agentId: offers.agentId });
        for (const offer of cancelled) {
          uow.emit({
            type: "offer.closed",
            offerId: offer.id,
            caseId: row.id,
            agentId: offer.agentId,
            status: "cancelled",
          });
        }
        break;
      }
      case "requestRouting":
        uow.requestRouting(changes.queueId ?? row.queueId ?? "all");
        break;
      case "releaseCapacity":
        // A voice case whose call is over gave its capacity back when the call ended.
        if (row.assigneeId && !(await callsFinished(tx, row))) {
          await deps.routingHooks?.capacityReleased(tx, uow, {
            agentId: row.assigneeId,
            caseId: row.id,
            channel: row.channel,
            queueId: row.queueId,
            at,
          });
        }
        uow.requestRouting("all");
        break;
      case "scheduleAutoClose":
        uow.schedule(
          "close-resolved-case",
          { caseId: row.id },
          { jobId: `close-case-${row.id}-${effect.at}`, delayMs: Math.max(0, effect.at - event.at) },
        );
        break;
    }
  }

  // Joining the queue starts the case's wait, except when an offer merely came back.
  const joinsQueue = next.value === "queued" && row.state !== "queued" && row.state !== "offered";
  const [updated] = await tx
    .update(cases)
    .set({
      ...(joinsQueue ? { enqueuedAt: at, routingStepsApplied: 0 } : {}),
      ...changes,
      state: next.value,
      assigneeId: next.context.assigneeId,
      resolvedAt: next.context.resolvedAt === null ? null : new Date(next.context.resolvedAt),
      closedAt: next.value === "closed" ? at : null,
      machineSnapshot: next,
      machineVersion: CASE_MACHINE_VERSION,
      updatedAt: sql`greatest(${cases.updatedAt}, ${at.toISOString()}::timestamptz)`,
    })
    .where(eq(cases.id, row.id))
    .returning();
  if (!updated) throw notFound("Case", row.id);

  let auditId: number | null = null;
  if (stateChanged || assigneeChanged) {
    auditId = await writeAudit(tx, {
      caseId: row.id,
      type: event.type.toLowerCase(),
      actor,
      fromState: row.state,
      toState: next.value,
      details: {
        ...details,
        ...(assigneeChanged ? { fromAssigneeId: row.assigneeId, toAssigneeId: next.context.assigneeId } : {}),
      },
      at,
    });
    uow.emit({
      type: "case.updated",
      caseId: row.id,
      state: updated.state,
      assigneeId: updated.assigneeId,
      ...(assigneeChanged ? { previousAssigneeId: row.assigneeId } : {}),
      case: updated,
    });
  }
  // Every accepted event, state change or not: an agent's reply or a customer's message moves SLA clocks.
  for (const hook of deps.transitionHooks ?? [])
    await hook(tx, uow, { before: row, after: updated, event, auditId, at });
  return { accepted: true, row: updated };
}
