/**
 * Applying remedies (sla/remedies.ts recommends them): each kind carried out through the part of
 * the system it acts on, recorded with what it was expected to do and audited on the case; later,
 * whether it worked is judged and recorded.
 */
import { and, desc, eq, getTableColumns, lt, ne, sql } from "drizzle-orm";
import { stateIn } from "../cases/case-states.ts";
import { type Actor, type CaseRow, lockCase, writeAudit } from "../cases/case-workflow.ts";
import type { CaseDeps } from "../cases/deps.ts";
import { AppError, notFound } from "../cases/errors.ts";
import { deliveryJob } from "../cases/outbox.ts";
import { type UnitOfWork, withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Db, Tx } from "../db/connect.ts";
import { cases, interactions } from "../db/schema/cases.ts";
import { agentSkills, queues } from "../db/schema/routing.ts";
import { caseSlaTargets, remedies } from "../db/schema/sla.ts";
import { availableAgents } from "../routing/agent-snapshot.ts";
import { offerCaseToIn } from "../routing/offer-to.ts";
import type { RoutingDeps } from "../routing/ports.ts";
import type { Router } from "../routing/router.ts";
import { transferCaseIn } from "../routing/transfers.ts";
import { editCaseIn } from "./case-edits.ts";
import { raisedPriority } from "./escalation.ts";
import type { RemedyAction, RemedyOptions } from "./remedies.ts";
import { queueLoads, staffOf, verdict } from "./staffing.ts";

/** A remedy to apply: its kind with that kind's params (sla/remedies.ts `RemedyParams`). */
export type ApplyInput = RemedyAction & {
  caseId?: string | undefined;
  queueId?: string | undefined;
  predicted?: Record<string, unknown> | undefined;
  actor: Actor & { type: "agent" };
};

/**
 * Carries out one remedy and records it (with what it was expected to do) for its outcome later:
 * the change, the remedy row and its audit row are one transaction, under the case's lock when the
 * remedy is about a case, and what it tells others (events, routing) leaves only after the commit.
 * `_router` is no longer needed (each change runs in this transaction); callers still pass it.
 */
export async function applyRemedy(
  deps: RoutingDeps,
  _router: Router,
  input: ApplyInput,
  options: RemedyOptions = {},
) {
  // Offering callbacks rings through the provider, which no rollback can take back: it goes first,
  // and only its record joins the transaction.
  const offered = input.kind === "offer_callback" ? await offerCallbacks(input, options) : undefined;
  return withUnitOfWork(deps, async (tx, uow) => {
    // The case's lock before anything else, as every change of a case takes it first.
    const locked = input.caseId ? await lockCase(tx, input.caseId) : undefined;
    const params: Record<string, unknown> =
      offered === undefined ? input.params : { ...input.params, offered };
    if (offered === undefined) await carryOut(tx, uow, deps, input, locked);
    const at = deps.clock();
    const [row] = await tx
      .insert(remedies)
      .values({
        kind: input.kind,
        caseId: input.caseId ?? null,
        queueId: input.queueId ?? null,
        params,
        predicted: input.predicted ?? {},
        appliedBy: input.actor.id,
        appliedAt: at,
      })
      .returning();
    if (input.caseId)
      await writeAudit(tx, {
        caseId: input.caseId,
        type: "remedy_applied",
        actor: input.actor,
        details: { remedyId: row!.id, kind: input.kind, params },
        at,
      });
    return row!;
  });
}

const need = (value: unknown, what: string) => {
  if (typeof value !== "string" || !value) throw new AppError("VALIDATION", `This remedy needs ${what}.`);
  return value;
};

/** How many waiting callers were offered a callback; refuses when there is nobody to offer it to. */
async function offerCallbacks(input: ApplyInput, options: RemedyOptions): Promise<number> {
  if (!options.callbacks)
    throw new AppError(
      "CONFLICT",
      "Callbacks need the voice channel: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and restart.",
    );
  if (!input.caseId && !input.queueId)
    throw new AppError("VALIDATION", "This remedy needs a caseId or a queueId.");
  const offered = await options.callbacks.offer(
    input.caseId ? { caseIds: [input.caseId] } : { queueId: input.queueId! },
  );
  if (offered === 0) throw new AppError("CONFLICT", "No caller is holding on the line there any more.");
  return offered;
}

/** The change a remedy makes, inside the remedy's transaction; `locked` is its case, when it has one. */
async function carryOut(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  input: ApplyInput,
  locked: CaseRow | undefined,
): Promise<void> {
  switch (input.kind) {
    case "offer_callback":
      return;
    case "offer_to_agent":
      await offerCaseToIn(tx, uow, deps, {
        caseId: need(input.caseId, "caseId"),
        agentId: input.params.agentId,
      });
      return;
    case "overflow_to_queue":
      await transferCaseIn(tx, uow, deps, {
        caseId: need(input.caseId, "caseId"),
        toQueueId: input.params.queueId,
        note: "Moved by a supervisor to recover its SLA",
        actor: input.actor,
      });
      return;
    case "widen_routing":
      return widenRouting(tx, uow, need(input.caseId, "caseId"), input.params.steps);
    case "raise_priority": {
      const caseId = need(input.caseId, "caseId");
      const edit = { priority: raisedPriority(locked!.priority) };
      await editCaseIn(tx, uow, deps, { caseId, edit, actor: input.actor });
      return;
    }
    case "delay_notice":
      need(input.caseId, "caseId");
      return queueDelayNotice(tx, uow, deps, locked!);
    case "move_agents":
      return moveAgents(tx, uow, need(input.queueId, "queueId"), input.params.agentIds);
  }
}

async function widenRouting(tx: Tx, uow: UnitOfWork, caseId: string, steps: number): Promise<void> {
  const [updated] = await tx
    .update(cases)
    .set({ routingStepsApplied: sql`greatest(${cases.routingStepsApplied}, ${steps})` })
    .where(and(eq(cases.id, caseId), stateIn(cases.state, "routable")))
    .returning({ queueId: cases.queueId });
  if (!updated) throw new AppError("CONFLICT", "The case is no longer waiting in a queue.");
  if (updated.queueId) uow.requestRouting(updated.queueId);
}

/** Gives the agents the queue's required skills at its levels (never lowering a level they have). */
async function moveAgents(tx: Tx, uow: UnitOfWork, queueId: string, ids: string[]): Promise<void> {
  const [queue] = await tx.select().from(queues).where(eq(queues.id, queueId));
  if (!queue) throw notFound("Queue", queueId);
  for (const agentId of ids) {
    for (const requirement of queue.requiredSkills) {
      await tx
        .insert(agentSkills)
        .values({ agentId, skillId: requirement.skillId, level: requirement.level })
        .onConflictDoUpdate({
          target: [agentSkills.agentId, agentSkills.skillId],
          set: { level: sql`greatest(${agentSkills.level}, ${requirement.level})` },
        });
    }
  }
  uow.emit(...ids.map((agentId) => ({ type: "agent.updated" as const, agentId })));
  uow.requestRouting(queueId);
}

/** An automatic message telling the customer we are late, on the case's channel. */
async function queueDelayNotice(tx: Tx, uow: UnitOfWork, deps: CaseDeps, row: CaseRow): Promise<void> {
  const now = deps.clock();
  const [message] = await tx
    .insert(interactions)
    .values({
      caseId: row.id,
      channel: row.channel === "voice" ? "sms" : row.channel,
      kind: "message",
      direction: "outbound",
      body: `We are sorry for the wait on your request #${row.number}. It is taking longer than we would like, and we are on it.`,
      status: "queued",
      metadata: { automatic: true, delayNotice: true },
      createdAt: now,
      statusChangedAt: now,
    })
    .returning();
  uow.emit({
    type: "interaction.created",
    caseId: row.id,
    interactionId: message!.id,
    channel: message!.channel,
    kind: "message",
    direction: "outbound",
    interaction: message!,
    assigneeId: row.assigneeId,
  });
  const delivery = deliveryJob(message!.id);
  uow.schedule(delivery.name, delivery.data, delivery.options);
}

/**
 * Records whether applied remedies worked, once they have had time to: a case remedy worked when the
 * case has no breached target still open; a queue remedy when the queue now has the agents it needs.
 */
export async function judgeRemedies(deps: RoutingDeps, afterMs = 10 * 60_000): Promise<number> {
  const now = deps.clock();
  const pending = await deps.db
    .select()
    .from(remedies)
    .where(and(eq(remedies.outcome, "pending"), lt(remedies.appliedAt, new Date(now.getTime() - afterMs))))
    .limit(100);
  for (const remedy of pending) {
    let recovered = false;
    let details: Record<string, unknown> = {};
    if (remedy.caseId) {
      const open = await deps.db
        .select({ metric: caseSlaTargets.metric })
        .from(caseSlaTargets)
        .where(
          and(
            eq(caseSlaTargets.caseId, remedy.caseId),
            eq(caseSlaTargets.status, "breached"),
            ne(caseSlaTargets.paused, true),
          ),
        );
      recovered = open.length === 0;
      details = { breachedOpen: open.map((t) => t.metric) };
    } else if (remedy.queueId) {
      const config = await deps.config.get(deps.db);
      const queue = config.queues.get(remedy.queueId);
      if (queue) {
        const staffing = verdict(
          queue,
          (await queueLoads(deps.db, [queue.id], now)).get(queue.id)!,
          staffOf(await availableAgents(deps.db, now), queue).length,
        );
        recovered = staffing.staffed >= staffing.needed;
        details = { staffed: staffing.staffed, needed: staffing.needed, serviceLevel: staffing.serviceLevel };
      }
    }
    await deps.db
      .update(remedies)
      .set({ outcome: recovered ? "recovered" : "not_recovered", outcomeAt: now, outcomeDetails: details })
      .where(eq(remedies.id, remedy.id));
  }
  return pending.length;
}

/** The remedies applied most recently, newest first, with their outcome so far. */
/** The latest applied remedies, each with its case's number so history can name the case. */
export async function recentRemedies(db: Db, limit = 100) {
  return db
    .select({ ...getTableColumns(remedies), caseNumber: cases.number })
    .from(remedies)
    .leftJoin(cases, eq(cases.id, remedies.caseId))
    .orderBy(desc(remedies.appliedAt))
    .limit(limit);
}
