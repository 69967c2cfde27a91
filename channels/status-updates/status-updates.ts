/**
 * Customer updates: when a case is created, waits on the customer, is resolved or reopened, the
 * customer gets one short message on the channel they wrote on (or their preferred one).
 *
 * The update is decided with the transition itself and written in the same statement (a
 * `case_notifications` row, unique per audit row and event): skipped with its reason, held through
 * the contact's quiet hours, or sent as a queued outbound message that the outbox delivers. So an
 * update is never lost and never decided twice, and nothing is scheduled for one that goes nowhere.
 * An update waits while an earlier one of the same case is still held; that one's outcome releases
 * it (a job), and the sweep finds any whose job was lost. Nothing goes to an address that opted out,
 * nothing answers a mail that must not be answered (auto-replies, bounces, lists).
 */
import { and, asc, desc, eq, gt, lt, lte } from "drizzle-orm";
import { caseStateHas } from "../../cases/case-states.ts";
import type { CaseContext, CaseRow } from "../../cases/case-store.ts";
import { newInteraction, readCaseContext } from "../../cases/case-store.ts";
import type { ChannelSenders } from "../../cases/channel-sender.ts";
import type { CaseDeps } from "../../cases/deps.ts";
import { handOver } from "../../cases/outbox.ts";
import type { CaseTransition, TransitionHook } from "../../cases/ports.ts";
import { type UnitOfWork, withUnitOfWork } from "../../cases/unit-of-work.ts";
import type { Tx } from "../../db/connect.ts";
import { interactions } from "../../db/schema/cases.ts";
import { caseNotifications, type NotificationEvent } from "../../db/schema/channels.ts";
import { decideUpdate, type StatusUpdateOptions, type UpdateDecision } from "./update-decision.ts";

/** Which customer update a transition calls for, if any. Pure. */
export function updateEventFor(transition: {
  before: Pick<CaseTransition["before"], "state">;
  after: Pick<CaseTransition["after"], "state" | "channel">;
}): NotificationEvent | null {
  const from = transition.before.state;
  const to = transition.after.state;
  if (from === to) return null;
  // A caller is on the line when their case is created: no message about it.
  if (caseStateHas(from, "intake") && caseStateHas(to, "open"))
    return transition.after.channel === "voice" ? null : "created";
  if (caseStateHas(to, "awaitingCustomer")) return "waiting_on_customer";
  if (caseStateHas(to, "resolved")) return "resolved";
  if (caseStateHas(from, "resolved") && caseStateHas(to, "open")) return "reopened";
  return null;
}

export const STATUS_UPDATE_JOB = "send-status-update";

declare module "../../cases/ports.ts" {
  interface JobCatalogue {
    /** Send (or hold through quiet hours, or skip with a reason) one decided customer update. */
    [STATUS_UPDATE_JOB]: { notificationId: string };
  }
}

/** `after` names the update whose outcome released this one. */
const updateJob = (notificationId: string, delayMs = 0, after?: string) =>
  [
    STATUS_UPDATE_JOB,
    { notificationId },
    {
      jobId: after
        ? `status-update-${notificationId}-after-${after}`
        : `status-update-${notificationId}-${delayMs > 0 ? "later" : "now"}`,
      delayMs,
    },
  ] as const;

/** The queued outbound message an update sends. */
function updateMessage(
  decision: Extract<UpdateDecision, { status: "send" }>,
  event: NotificationEvent,
  now: Date,
): Partial<typeof interactions.$inferSelect> {
  return newInteraction({
    channel: decision.channel,
    kind: "message",
    direction: "outbound",
    body: decision.body,
    status: "queued",
    metadata: {
      automatic: true,
      statusUpdate: event,
      to: decision.address,
      ...(decision.subject ? { subject: decision.subject } : {}),
    },
    createdAt: now,
    statusChangedAt: now,
  });
}

/** After the write: the update's message is announced and handed to its channel. */
function announce(
  uow: UnitOfWork,
  senders: ChannelSenders,
  caseRow: CaseRow,
  message: typeof interactions.$inferSelect,
): void {
  uow.emit({
    type: "interaction.created",
    caseId: caseRow.id,
    interactionId: message.id,
    channel: message.channel,
    kind: "message",
    direction: "outbound",
    interaction: message,
    assigneeId: caseRow.assigneeId,
  });
  handOver(uow, senders, { interaction: message, caseRow });
}

/** Decides the update a transition calls for, in the transition's own write. */
export function createStatusUpdateHook(options: StatusUpdateOptions): TransitionHook {
  return async (transition, plan) => {
    const event = updateEventFor(transition);
    if (!event || transition.audit === null) return;
    const audit = transition.audit;
    const now = options.clock();
    // A customer hears about their case in the order things happened: behind an update still held,
    // this one waits, and is not due before it.
    const waitingBehind = [
      transition.context.heldUpdateUntil,
      ...plan.write.notifications.filter((n) => n.status === "pending").map((n) => n.sendAfter),
    ].reduce<Date | null>((latest, at) => (at && (!latest || at > latest) ? at : latest), null);
    if (waitingBehind) {
      const sendAfter = waitingBehind > transition.at ? waitingBehind : transition.at;
      plan.write.notifications.push({ audit, event, status: "pending", sendAfter });
      return;
    }
    const decision = await decideUpdate(options, {
      executor: plan.executor,
      event,
      context: transition.context,
      caseRow: transition.after,
      now,
    });
    const index = plan.write.notifications.length;
    switch (decision.status) {
      case "skipped":
        plan.write.notifications.push({
          audit,
          event,
          status: "skipped",
          reason: decision.reason,
          channel: decision.channel,
          sendAfter: transition.at,
        });
        return;
      case "held":
        plan.write.notifications.push({
          audit,
          event,
          status: "pending",
          channel: "sms",
          sendAfter: decision.sendAfter,
        });
        plan.afterWrite((written, uow) => {
          const id = written.notificationIds[index];
          if (id) uow.schedule(...updateJob(id, decision.sendAfter.getTime() - now.getTime()));
        });
        return;
      case "send": {
        const message = updateMessage(decision, event, now);
        plan.write.interactions.push(message);
        plan.write.notifications.push({
          audit,
          event,
          status: "sent",
          channel: decision.channel,
          sendAfter: transition.at,
          interactionId: message.id!,
        });
        plan.afterWrite((written, uow) => {
          // Another process may have decided the same update first: then it sends, not this one.
          if (!written.notificationIds[index]) return;
          const stored = written.interactions.find((row) => row.id === message.id);
          if (stored) announce(uow, options.senders, written.case, stored);
        });
        return;
      }
    }
  };
}

type Outcome = "sent" | "skipped" | "held" | "waiting" | "nothing";

type NotificationRow = typeof caseNotifications.$inferSelect;

const pendingOfCase = (caseId: string) =>
  and(eq(caseNotifications.caseId, caseId), eq(caseNotifications.status, "pending"));

/** The update, locked, if it is still pending. */
async function lockPending(tx: Tx, notificationId: string): Promise<NotificationRow | null> {
  const [notification] = await tx
    .select()
    .from(caseNotifications)
    .where(eq(caseNotifications.id, notificationId))
    .for("update");
  return notification?.status === "pending" ? notification : null;
}

/**
 * Whether an earlier update of the same case is still pending: then this one waits for it, and is
 * not due before it (the sweep leaves it alone until then).
 */
async function waitsBehindEarlier(tx: Tx, notification: NotificationRow): Promise<boolean> {
  const [earlier] = await tx
    .select({ sendAfter: caseNotifications.sendAfter })
    .from(caseNotifications)
    .where(
      and(pendingOfCase(notification.caseId), lt(caseNotifications.caseEventId, notification.caseEventId)),
    )
    .orderBy(desc(caseNotifications.sendAfter))
    .limit(1);
  if (!earlier) return false;
  if (earlier.sendAfter > notification.sendAfter)
    await tx
      .update(caseNotifications)
      .set({ sendAfter: earlier.sendAfter })
      .where(eq(caseNotifications.id, notification.id));
  return true;
}

/** This update has its outcome: the next pending one of the case may go. */
async function releaseNextUpdate(tx: Tx, uow: UnitOfWork, notification: NotificationRow): Promise<void> {
  const [next] = await tx
    .select({ id: caseNotifications.id })
    .from(caseNotifications)
    .where(
      and(pendingOfCase(notification.caseId), gt(caseNotifications.caseEventId, notification.caseEventId)),
    )
    .orderBy(asc(caseNotifications.caseEventId))
    .limit(1);
  if (next) uow.schedule(...updateJob(next.id, 0, notification.id));
}

/** Decides the update again from the case as it is now. */
async function decideNow(
  tx: Tx,
  options: StatusUpdateOptions,
  notification: NotificationRow,
  now: Date,
): Promise<{ decision: UpdateDecision; context: CaseContext | null }> {
  const context = await readCaseContext(tx, notification.caseId);
  const decision = context
    ? await decideUpdate(options, {
        executor: tx,
        event: notification.event,
        context,
        caseRow: context.row,
        now,
      })
    : ({ status: "skipped", reason: "the case no longer exists", channel: null } as const);
  return { decision, context };
}

/** Queues the update's message and marks the update sent with it. */
async function recordSent(
  tx: Tx,
  notification: NotificationRow,
  decision: Extract<UpdateDecision, { status: "send" }>,
  now: Date,
): Promise<typeof interactions.$inferSelect> {
  const [message] = await tx
    .insert(interactions)
    .values({
      ...updateMessage(decision, notification.event, now),
      caseId: notification.caseId,
    } as typeof interactions.$inferInsert)
    .returning();
  await tx
    .update(caseNotifications)
    .set({ status: "sent", channel: decision.channel, interactionId: message!.id })
    .where(eq(caseNotifications.id, notification.id));
  return message!;
}

/** A held or waiting update whose time has come: decided now, as at transition time. */
export async function sendStatusUpdate(
  deps: CaseDeps,
  options: StatusUpdateOptions,
  notificationId: string,
): Promise<Outcome> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const notification = await lockPending(tx, notificationId);
    if (!notification) return "nothing";
    if (await waitsBehindEarlier(tx, notification)) return "waiting";
    const now = deps.clock();
    if (notification.sendAfter.getTime() > now.getTime()) {
      uow.schedule(...updateJob(notification.id, notification.sendAfter.getTime() - now.getTime()));
      return "held";
    }
    const { decision, context } = await decideNow(tx, options, notification, now);
    switch (decision.status) {
      case "held":
        await tx
          .update(caseNotifications)
          .set({ sendAfter: decision.sendAfter, channel: "sms" })
          .where(eq(caseNotifications.id, notification.id));
        uow.schedule(...updateJob(notification.id, decision.sendAfter.getTime() - now.getTime()));
        return "held";
      case "skipped":
        await tx
          .update(caseNotifications)
          .set({ status: "skipped", reason: decision.reason, channel: decision.channel })
          .where(eq(caseNotifications.id, notification.id));
        await releaseNextUpdate(tx, uow, notification);
        return "skipped";
      case "send": {
        const message = await recordSent(tx, notification, decision, now);
        await releaseNextUpdate(tx, uow, notification);
        announce(uow, options.senders, context!.row, message);
        return "sent";
      }
    }
  });
}

/** Sweep: pending updates whose time has come but whose job was lost. */
export async function findDueStatusUpdates(
  deps: CaseDeps,
  olderThanMs: number,
  limit: number,
): Promise<string[]> {
  const cutoff = new Date(deps.clock().getTime() - olderThanMs);
  const rows = await deps.db
    .select({ id: caseNotifications.id })
    .from(caseNotifications)
    .where(
      and(
        eq(caseNotifications.status, "pending"),
        lte(caseNotifications.sendAfter, cutoff),
        lt(caseNotifications.createdAt, cutoff),
      ),
    )
    .limit(limit);
  return rows.map((row) => row.id);
}
