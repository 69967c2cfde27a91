/**
 * Replies sent later. A scheduled reply waits as `scheduled` with its `send_at`; at its time a
 * delayed job, or the maintenance sweep if that job was lost with a crashed process, moves it to
 * `queued` with a conditional update (only one of them wins) and hands it to the outbox like any
 * reply. Until then the agent may cancel it. What could not be checked at scheduling time is checked
 * again at release: the case still takes replies, the customer has not opted out, and on WhatsApp the
 * 24-hour window is open; a reply that fails a check is marked failed with the reason, never dropped.
 */
import { and, asc, eq, lte } from "drizzle-orm";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { interactions } from "../db/schema/cases.ts";
import type { CaseEvent } from "./case-machine.ts";
import { canAccept } from "./case-machine.ts";
import { applyCaseEvent, type CaseRow, lockCase, snapshotOf } from "./case-workflow.ts";
import type { CaseDeps } from "./deps.ts";
import { AppError, isAppError, notFound } from "./errors.ts";
import type { InteractionRow } from "./ingest.ts";
import { handOver } from "./outbox.ts";
import { assertNotOptedOut } from "./replies.ts";
import { scheduledReplyJob } from "./scheduled-reply-job.ts";
import { type UnitOfWork, withUnitOfWork } from "./unit-of-work.ts";
import { whatsappWindow, windowClosedMessage } from "./whatsapp-window.ts";

export type ReleaseOutcome = "released" | "failed" | "not_due" | "skipped";

/** Why a due reply cannot go now; null when it can. */
async function refusal(tx: Tx, deps: CaseDeps, row: CaseRow, reply: InteractionRow, now: Date) {
  const replied: CaseEvent = { type: "AGENT_REPLIED", agentId: reply.authorAgentId ?? "", at: now.getTime() };
  if (!canAccept(deps.machine, snapshotOf(row), replied))
    return `Not sent: case #${row.number} was ${row.state} at the send time, so it no longer takes replies.`;
  try {
    await assertNotOptedOut(tx, row);
  } catch (error) {
    if (isAppError(error, "CONFLICT")) return `Not sent: ${error.message}`;
    throw error;
  }
  if (row.channel === "whatsapp" && !reply.metadata.template) {
    const window = await whatsappWindow(tx, row.id, now);
    if (!window.open) return `Not sent: ${windowClosedMessage(window, now, now)}`;
  }
  return null;
}

function announceStatus(uow: UnitOfWork, row: CaseRow, reply: InteractionRow, reason: string | null) {
  uow.emit({
    type: "interaction.status",
    caseId: row.id,
    interactionId: reply.id,
    status: reply.status,
    reason,
    assigneeId: row.assigneeId,
  });
}

/**
 * Moves one due scheduled reply into the outbox (the `send-scheduled-reply` job and the sweep):
 * exactly once, however many times it is called.
 */
export async function releaseScheduledReply(deps: CaseDeps, interactionId: string): Promise<ReleaseOutcome> {
  const [peek] = await deps.db
    .select({ caseId: interactions.caseId, status: interactions.status, sendAt: interactions.sendAt })
    .from(interactions)
    .where(eq(interactions.id, interactionId));
  if (peek?.status !== "scheduled") return "skipped";
  const now = deps.clock();
  if (peek.sendAt && peek.sendAt.getTime() > now.getTime()) {
    // Fired early (a clock changed, or the job was re-enqueued): wait for the rest of the time.
    const job = scheduledReplyJob(interactionId, peek.sendAt.getTime() - now.getTime());
    await deps.jobs.enqueue(job.name, job.data, {
      ...job.options,
      jobId: `${job.options.jobId}-${now.getTime()}`,
    });
    return "not_due";
  }
  return withUnitOfWork(deps, async (tx, uow) => {
    // The case first, as every reply does, then the reply: one lock order, no deadlock.
    const row = await lockCase(tx, peek.caseId);
    const [reply] = await tx
      .select()
      .from(interactions)
      .where(and(eq(interactions.id, interactionId), eq(interactions.status, "scheduled")))
      .for("update");
    if (!reply) return "skipped";
    const reason = await refusal(tx, deps, row, reply, now);
    const [moved] = await tx
      .update(interactions)
      .set({ status: reason ? "failed" : "queued", statusReason: reason, statusChangedAt: now })
      .where(and(eq(interactions.id, interactionId), eq(interactions.status, "scheduled")))
      .returning();
    if (!moved) return "skipped";
    announceStatus(uow, row, moved, reason);
    if (reason) return "failed";
    const agentId = moved.authorAgentId;
    if (agentId) {
      const replied: CaseEvent = { type: "AGENT_REPLIED", agentId, at: now.getTime() };
      await applyCaseEvent(
        tx,
        uow,
        deps,
        row,
        replied,
        { type: "agent", id: agentId },
        { scheduled: true },
        {
          ...(row.firstResponseAt ? {} : { firstResponseAt: now }),
        },
      );
    }
    const [author] = agentId
      ? await tx.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, agentId))
      : [];
    handOver(uow, deps.senders, { interaction: moved, caseRow: row, author: author ?? null });
    return "released";
  });
}

/** Scheduled replies whose time has come (read through the partial index on `status = 'scheduled'`). */
export async function findDueScheduledReplies(deps: CaseDeps, limit: number): Promise<string[]> {
  const rows = await deps.db
    .select({ id: interactions.id })
    .from(interactions)
    .where(and(eq(interactions.status, "scheduled"), lte(interactions.sendAt, deps.clock())))
    .orderBy(asc(interactions.sendAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** Withdraws a scheduled reply before it leaves; 409 once it has been released (or cancelled). */
export function cancelScheduledReply(
  deps: CaseDeps,
  input: { caseId: string; interactionId: string; agentId: string; agentName: string },
): Promise<InteractionRow> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const row = await lockCase(tx, input.caseId);
    const now = deps.clock();
    const reason = `Cancelled by ${input.agentName} before its send time.`;
    const [cancelled] = await tx
      .update(interactions)
      .set({ status: "cancelled", statusReason: reason, statusChangedAt: now })
      .where(
        and(
          eq(interactions.id, input.interactionId),
          eq(interactions.caseId, input.caseId),
          eq(interactions.status, "scheduled"),
        ),
      )
      .returning();
    if (cancelled) {
      announceStatus(uow, row, cancelled, reason);
      return cancelled;
    }
    const [existing] = await tx
      .select({ status: interactions.status, sendAt: interactions.sendAt })
      .from(interactions)
      .where(and(eq(interactions.id, input.interactionId), eq(interactions.caseId, input.caseId)));
    if (!existing) throw notFound("Scheduled reply", input.interactionId);
    throw new AppError(
      "CONFLICT",
      existing.status === "cancelled"
        ? "This reply was already cancelled."
        : existing.sendAt
          ? `Too late to cancel: this reply already left the schedule (it is ${existing.status}).`
          : `This reply was not scheduled (it is ${existing.status}); only a scheduled reply can be cancelled.`,
      { status: existing.status },
    );
  });
}
