/**
 * Applies machine events to a case. A decision is a `CasePlan` (cases/case-plan.ts): the machine's
 * next snapshot, the rows it writes (case, audit row, and what the transition hooks add: SLA clocks,
 * customer updates, agents' bookkeeping) and what happens after the write (domain events, jobs,
 * routing). The plan is made in memory from the case's context (cases/case-store.ts) and written in
 * one statement.
 *
 * Two ways in: `changeCase` reads without a lock, decides and writes only if the case has not moved
 * on (reading and deciding again if it has); `applyCaseEvent` is for transactions that already hold
 * the case's row lock and write other rows in the same transaction.
 */
import { eq } from "drizzle-orm";
import type { Executor, Tx } from "../db/connect.ts";
import { caseEvents, cases } from "../db/schema/cases.ts";
import { actingThroughDetails } from "./acting-through.ts";
import { FINISHED_CALL_PHASES } from "./calls.ts";
import {
  CASE_MACHINE_VERSION,
  type CaseEffect,
  type CaseEvent,
  caseColumnsOf,
  decideCaseEvent,
  type PersistedCaseSnapshot,
  restoreCaseSnapshot,
} from "./case-machine.ts";
import { CasePlan, type SnapshotColumns } from "./case-plan.ts";
import { caseStateHas } from "./case-states.ts";
import {
  type CaseContext,
  type CaseRow,
  type CaseWrite,
  type CaseWriteRefusal,
  type CaseWritten,
  readCaseContext,
  writeCase,
} from "./case-store.ts";
import type { CaseDeps } from "./deps.ts";
import { AppError, notFound } from "./errors.ts";
import { publishAfterCommit, UnitOfWork } from "./unit-of-work.ts";

export type { CaseRow } from "./case-store.ts";

export type Actor = { type: "system" } | { type: "agent"; id: string } | { type: "customer"; id?: string };

export function actorColumns(actor: Actor) {
  return { actorType: actor.type, actorId: actor.type === "system" ? null : (actor.id ?? null) };
}

/** Reads a case and locks its row until the transaction ends. */
export async function lockCase(tx: Tx, caseId: string): Promise<CaseRow> {
  const [row] = await tx.select().from(cases).where(eq(cases.id, caseId)).for("update");
  if (!row) throw notFound("Case", caseId);
  return row;
}

/** The case's machine snapshot, upgraded to the current version: the authority on its state. */
export function snapshotOf(row: Pick<CaseRow, "machineSnapshot" | "machineVersion">): PersistedCaseSnapshot {
  return restoreCaseSnapshot(row.machineSnapshot, row.machineVersion);
}

/** One audit row on its own, for changes that are not machine events (merges, edits, remedies). */
export async function writeAudit(
  executor: Executor,
  entry: {
    caseId: string;
    type: string;
    actor: Actor;
    fromState?: CaseRow["state"] | null;
    toState?: CaseRow["state"] | null;
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
      details: {
        ...entry.details,
        ...actingThroughDetails(entry.actor.type === "agent" ? entry.actor.id : null),
      },
      at: entry.at,
    })
    .returning({ id: caseEvents.id });
  return row!.id;
}

/** Columns a caller may set in the same write that records the event. */
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
    | "customFields"
  >
>;

export interface PlannedEvent {
  accepted: boolean;
  plan: CasePlan;
}

const callIsOver = (context: CaseContext) =>
  context.row.channel === "voice" &&
  (FINISHED_CALL_PHASES as readonly (string | null)[]).includes(context.callPhase);

/** Writes the snapshot and the columns it decides: the one place they are written. */
function writeSnapshot(plan: CasePlan, next: PersistedCaseSnapshot): void {
  Object.assign(plan.write.set, {
    ...caseColumnsOf(next),
    machineSnapshot: next,
    machineVersion: CASE_MACHINE_VERSION,
  } satisfies Pick<CaseRow, SnapshotColumns>);
}

/** What the case was before the event, as the steps of its plan need it. */
interface Before {
  /** The case as its machine saw it. */
  row: CaseRow;
  state: CaseRow["state"];
  assigneeId: string | null;
}

/** The machine's effects of the event: offers withdrawn, routing asked, an agent's capacity freed. */
async function planEffects(
  deps: Pick<CaseDeps, "routingHooks">,
  plan: CasePlan,
  effects: readonly CaseEffect[],
  before: Before,
  changes: CaseChanges,
  at: Date,
): Promise<void> {
  const { row } = before;
  const context = plan.context;
  for (const effect of effects) {
    switch (effect.type) {
      case "cancelPendingOffers":
        plan.write.cancelPendingOffersAt = at;
        plan.afterWrite((written, uow) => {
          for (const offer of written.cancelledOffers)
            uow.emit({
              type: "offer.closed",
              offerId: offer.id,
              caseId: row.id,
              agentId: offer.agentId,
              status: "cancelled",
            });
        });
        break;
      case "requestRouting": {
        const queueId = changes.queueId ?? row.queueId ?? "all";
        const firstTime = caseStateHas(before.state, "intake");
        plan.afterWrite((written, uow) =>
          uow.requestRouting(queueId, {
            row: written.case,
            firstTime,
            ...(context.contact ? { contactName: context.contact.name } : {}),
          }),
        );
        break;
      }
      case "releaseCapacity": {
        const agentId = before.assigneeId;
        // A voice case whose call is over gave its capacity back when the call ended.
        if (agentId && !callIsOver(context)) {
          await deps.routingHooks?.capacityReleased(plan, {
            agentId,
            caseId: row.id,
            channel: row.channel,
            queueId: row.queueId,
            at,
          });
        }
        if (agentId) plan.afterWrite((_written, uow) => uow.agentFreed(agentId));
        break;
      }
      case "scheduleAutoClose":
        // The periodic sweep closes resolved cases whose time has come (cases/auto-close.ts).
        break;
    }
  }
}

/**
 * When the state or the assignee changed: the audit row, and `case.updated` once written. Returns
 * the audit row's position in the plan, or null.
 */
function auditTransition(
  plan: CasePlan,
  before: Before,
  next: PersistedCaseSnapshot,
  entry: { event: CaseEvent; actor: Actor; details: Record<string, unknown>; at: Date },
): number | null {
  const assigneeChanged = next.context.assigneeId !== before.assigneeId;
  if (next.value === before.state && !assigneeChanged) return null;
  const audit = plan.audit({
    type: entry.event.type.toLowerCase(),
    actor: entry.actor,
    fromState: before.state,
    toState: next.value,
    details: {
      ...entry.details,
      ...(assigneeChanged
        ? { fromAssigneeId: before.assigneeId, toAssigneeId: next.context.assigneeId }
        : {}),
    },
    at: entry.at,
  });
  const movedFrom = assigneeChanged ? before.assigneeId : undefined;
  const stateFrom = next.value !== before.state ? before.state : undefined;
  const contact = plan.context.contact;
  plan.afterWrite((written, uow) =>
    uow.emit({
      type: "case.updated",
      caseId: before.row.id,
      state: written.case.state,
      assigneeId: written.case.assigneeId,
      ...(movedFrom !== undefined ? { previousAssigneeId: movedFrom } : {}),
      ...(stateFrom !== undefined ? { previousState: stateFrom } : {}),
      case: written.case,
      ...(contact ? { contactName: contact.name } : {}),
    }),
  );
  return audit;
}

/**
 * Decides one event on a case: the machine's transition, its effects and the hooks' rows, added to
 * `plan`. An event the machine refuses adds nothing, not even `changes`: they come with the event
 * (a reply's first-response time, a requeued case's place in line), and a change nobody audited
 * must not land on a case whose machine said no. Callers that need to say why refuse themselves.
 */
export async function planCaseEvent(
  deps: Pick<CaseDeps, "machine" | "routingHooks" | "transitionHooks">,
  plan: CasePlan,
  event: CaseEvent,
  actor: Actor,
  details: Record<string, unknown> = {},
  changes: CaseChanges = {},
): Promise<PlannedEvent> {
  const current = plan.after;
  const snapshot = snapshotOf(current);
  // The case as its machine sees it (the same columns, unless an older snapshot was just upgraded).
  const row: CaseRow = { ...current, ...caseColumnsOf(snapshot) };
  const decision = decideCaseEvent(deps.machine, snapshot, event);
  if (!decision.accepted) return { accepted: false, plan };

  const at = new Date(event.at);
  const next = decision.snapshot;
  const before: Before = { row, state: snapshot.value, assigneeId: snapshot.context.assigneeId };
  await planEffects(deps, plan, decision.effects, before, changes, at);

  // Joining the queue starts the case's wait, except when an offer merely came back.
  const joinsQueue = caseStateHas(next.value, "routable") && !caseStateHas(before.state, "inQueue");
  plan.set({
    ...(joinsQueue ? { enqueuedAt: at, routingStepsApplied: 0 } : {}),
    ...changes,
    closedAt: caseStateHas(next.value, "final") ? at : null,
    updatedAt: row.updatedAt > at ? row.updatedAt : at,
  });
  writeSnapshot(plan, next);
  const after = plan.after;
  const audit = auditTransition(plan, before, next, { event, actor, details, at });
  // Every accepted event, state change or not: an agent's reply or a customer's message moves SLA clocks.
  for (const hook of deps.transitionHooks ?? [])
    await hook({ before: row, after, event, audit, at, context: plan.context }, plan);
  return { accepted: true, plan };
}

/**
 * An audit row saying the machine refused `event` in the case's state: for a caller that writes its
 * own rows about the event even so (an offer that must end although its case has moved on).
 */
export function refusalAudit(
  row: Pick<CaseRow, "state">,
  event: CaseEvent,
  actor: Actor,
  details: Record<string, unknown> = {},
): CaseWrite["audits"][number] {
  return {
    type: "refused",
    actor,
    fromState: row.state,
    toState: row.state,
    details: { event: event.type, ...details },
    at: new Date(event.at),
  };
}

export interface AppliedEvent {
  accepted: boolean;
  row: CaseRow;
}

function expectWritten(result: CaseWritten | CaseWriteRefusal, caseId: string): CaseWritten {
  if (result.status === "ok") return result;
  if (result.status === "missing") throw notFound("Case", caseId);
  // Under the case's row lock the revision cannot move; anything else is a bug worth seeing.
  throw new Error(`A locked write of case ${caseId} was refused (${result.status}).`);
}

/**
 * Sends one event to a case whose row this transaction has locked. Returns `accepted: false` and
 * writes nothing (not `changes` either) when the machine refuses the event in the current state.
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
  const context = await readCaseContext(tx, row.id);
  if (!context) throw notFound("Case", row.id);
  const { accepted, plan } = await planCaseEvent(
    deps,
    new CasePlan(context, tx),
    event,
    actor,
    details,
    changes,
  );
  if (!accepted) return { accepted: false, row: context.row };
  const written = expectWritten(await writeCase(tx, plan.write), row.id);
  plan.finish(written, uow);
  return { accepted, row: written.case };
}

/** How often a decision is re-made when the case keeps moving under it before giving up. */
const MAX_DECISIONS = 20;

export interface Decision<T> {
  plan: CasePlan;
  /** The caller's answer, from what was written. */
  result: (written: CaseWritten) => T;
}

/**
 * Reads (`read`), lets `decide` plan a change (or throw to refuse), and writes it if what it read
 * still holds; otherwise reads and decides again. Events and jobs leave after the write.
 */
export async function decideAndWrite<C, T>(
  deps: CaseDeps,
  read: () => Promise<C>,
  decide: (read: C) => Promise<Decision<T>>,
): Promise<T> {
  for (let attempt = 1; attempt <= MAX_DECISIONS; attempt++) {
    const { plan, result } = await decide(await read());
    const written = await writeCase(deps.db, plan.write);
    if (written.status === "missing") throw notFound("Case", plan.write.caseId);
    // The case or the offer moved on: what was decided may no longer hold.
    if (written.status !== "ok") continue;
    const uow = new UnitOfWork();
    plan.finish(written, uow);
    await publishAfterCommit(deps, uow);
    return result(written);
  }
  throw new AppError("CONFLICT", "The case kept changing while this change was decided; try again.");
}

/** `decideAndWrite` on one case's context. */
export function changeCase<T>(
  deps: CaseDeps,
  caseId: string,
  decide: (context: CaseContext) => Promise<Decision<T>>,
): Promise<T> {
  return decideAndWrite(
    deps,
    async () => {
      const context = await readCaseContext(deps.db, caseId);
      if (!context) throw notFound("Case", caseId);
      return context;
    },
    decide,
  );
}
