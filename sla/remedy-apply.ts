/**
 * Applying remedies (sla/remedies.ts recommends them): each kind carried out through the part of
 * the system it acts on, recorded with what it was expected to do and audited on the case; later,
 * whether it worked is judged and recorded.
 */
import { and, eq, lt, ne, sql } from "drizzle-orm";
import { type Actor, lockCase, writeAudit } from "../cases/case-workflow.ts";
import type { CaseDeps } from "../cases/deps.ts";
import { AppError, notFound } from "../cases/errors.ts";
import { deliveryJob } from "../cases/outbox.ts";
import { withUnitOfWork } from "../cases/unit-of-work.ts";
import { cases, interactions } from "../db/schema/cases.ts";
import { agentSkills, queues } from "../db/schema/routing.ts";
import { caseSlaTargets, remedies } from "../db/schema/sla.ts";
import { availableAgents } from "../routing/agent-snapshot.ts";
import type { RoutingDeps } from "../routing/ports.ts";
import type { Router } from "../routing/router.ts";
import { editCase } from "./case-edits.ts";
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

/** Carries out one remedy and records it (with what it was expected to do) for its outcome later. */
export async function applyRemedy(
  deps: RoutingDeps,
  router: Router,
  input: ApplyInput,
  options: RemedyOptions = {},
) {
  const need = (value: unknown, what: string) => {
    if (typeof value !== "string" || !value) throw new AppError("VALIDATION", `This remedy needs ${what}.`);
    return value;
  };
  let params: Record<string, unknown> = input.params;
  switch (input.kind) {
    case "offer_callback": {
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
      params = { ...input.params, offered };
      break;
    }
    case "offer_to_agent":
      await router.offerTo({
        caseId: need(input.caseId, "caseId"),
        agentId: input.params.agentId,
      });
      break;
    case "overflow_to_queue":
      await router.transfer({
        caseId: need(input.caseId, "caseId"),
        toQueueId: input.params.queueId,
        note: "Moved by a supervisor to recover its SLA",
        actor: input.actor,
      });
      break;
    case "widen_routing": {
      const caseId = need(input.caseId, "caseId");
      const { steps } = input.params;
      const [updated] = await deps.db
        .update(cases)
        .set({ routingStepsApplied: sql`greatest(${cases.routingStepsApplied}, ${steps})` })
        .where(and(eq(cases.id, caseId), eq(cases.state, "queued")))
        .returning({ queueId: cases.queueId });
      if (!updated) throw new AppError("CONFLICT", "The case is no longer waiting in a queue.");
      if (updated.queueId) deps.routing?.request(updated.queueId);
      break;
    }
    case "raise_priority": {
      const caseId = need(input.caseId, "caseId");
      const [row] = await deps.db
        .select({ priority: cases.priority })
        .from(cases)
        .where(eq(cases.id, caseId));
      if (!row) throw notFound("Case", caseId);
      await editCase(deps, { caseId, edit: { priority: raisedPriority(row.priority) }, actor: input.actor });
      break;
    }
    case "delay_notice":
      await sendDelayNotice(deps, need(input.caseId, "caseId"));
      break;
    case "move_agents": {
      const queueId = need(input.queueId, "queueId");
      const ids = input.params.agentIds;
      const [queue] = await deps.db.select().from(queues).where(eq(queues.id, queueId));
      if (!queue) throw notFound("Queue", queueId);
      // Give them the queue's required skills at its levels (never lowering a level they have).
      for (const agentId of ids) {
        for (const requirement of queue.requiredSkills) {
          await deps.db
            .insert(agentSkills)
            .values({ agentId, skillId: requirement.skillId, level: requirement.level })
            .onConflictDoUpdate({
              target: [agentSkills.agentId, agentSkills.skillId],
              set: { level: sql`greatest(${agentSkills.level}, ${requirement.level})` },
            });
        }
      }
      deps.events.publish(ids.map((agentId) => ({ type: "agent.updated" as const, agentId })));
      deps.routing?.request(queueId);
      break;
    }
  }
  const at = deps.clock();
  const [row] = await deps.db
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
    await writeAudit(deps.db, {
      caseId: input.caseId,
      type: "remedy_applied",
      actor: input.actor,
      details: { remedyId: row!.id, kind: input.kind, params },
      at,
    });
  return row!;
}

/** An automatic message telling the customer we are late, on the case's channel. */
async function sendDelayNotice(deps: CaseDeps, caseId: string) {
  await withUnitOfWork(deps, async (tx, uow) => {
    const row = await lockCase(tx, caseId);
    const now = deps.clock();
    const [message] = await tx
      .insert(interactions)
      .values({
        caseId,
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
      caseId,
      interactionId: message!.id,
      channel: message!.channel,
      kind: "message",
      direction: "outbound",
      interaction: message!,
      assigneeId: row.assigneeId,
    });
    const delivery = deliveryJob(message!.id);
    uow.schedule(delivery.name, delivery.data, delivery.options);
  });
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
