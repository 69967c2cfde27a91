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
import type { CaseContext, CaseRow, ContactRow, IdentityRow } from "../../cases/case-store.ts";
import { newInteraction, readCaseContext } from "../../cases/case-store.ts";
import { contactTimeZones } from "../../cases/contact-time-zone.ts";
import type { CaseDeps } from "../../cases/deps.ts";
import { type ChannelSenders, handOver } from "../../cases/outbox.ts";
import type { CaseTransition, Clock, TransitionHook } from "../../cases/ports.ts";
import { IDENTITY_KIND_OF_CHANNEL } from "../../cases/replies.ts";
import { type UnitOfWork, withUnitOfWork } from "../../cases/unit-of-work.ts";
import type { Executor } from "../../db/connect.ts";
import { type Channel, interactions } from "../../db/schema/cases.ts";
import {
  caseNotifications,
  type NotificationEvent,
  notificationTemplates,
} from "../../db/schema/channels.ts";
import { nextAllowed, type QuietHours } from "./quiet-hours.ts";
import { statusUrl } from "./status-token.ts";
import { renderTemplate } from "./templates.ts";

export interface StatusUpdateSettings {
  publicUrl: string;
  secret: string;
  quietHours: QuietHours;
  defaultTimeZone: string;
}

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

/** Enabled templates by event and channel, kept a moment: every transition may look one up. */
export interface TemplateCache {
  get(
    executor: Executor,
    event: NotificationEvent,
    channel: Channel,
  ): Promise<typeof notificationTemplates.$inferSelect | null>;
  invalidate(): void;
}

export function createTemplateCache(ttlMs = 2000): TemplateCache {
  let cached: { byKey: Map<string, typeof notificationTemplates.$inferSelect>; at: number } | undefined;
  let generation = 0;
  return {
    async get(executor, event, channel) {
      if (!cached || Date.now() - cached.at >= ttlMs) {
        const started = generation;
        const rows = await executor
          .select()
          .from(notificationTemplates)
          .where(eq(notificationTemplates.enabled, true));
        const byKey = new Map(rows.map((row) => [`${row.event}:${row.channel}`, row]));
        if (started !== generation) return byKey.get(`${event}:${channel}`) ?? null;
        cached = { byKey, at: Date.now() };
      }
      return cached.byKey.get(`${event}:${channel}`) ?? null;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
    },
  };
}

export interface StatusUpdateOptions {
  /** The channels that can send (filled in as channels are set up). */
  senders: ChannelSenders;
  settings: StatusUpdateSettings;
  templates: TemplateCache;
  clock: Clock;
}

/** What becomes of one update. */
export type UpdateDecision =
  | { status: "skipped"; reason: string; channel: Channel | null }
  | { status: "held"; channel: "sms"; sendAfter: Date }
  | { status: "send"; channel: Channel; address: string; body: string; subject: string | null };

/** Where an update about this case goes: channel and address, or why it cannot go anywhere. */
function destination(
  caseRow: CaseRow,
  contact: ContactRow,
  identities: IdentityRow[],
  senders: ChannelSenders,
): { channel: Channel; address: string; optedOut: boolean } | { skip: string } {
  const addressOn = (channel: Channel): { address: string; optedOut: boolean } | null => {
    // The address the customer used on this case wins; otherwise any they have on that channel.
    const sameKind = IDENTITY_KIND_OF_CHANNEL[channel] === IDENTITY_KIND_OF_CHANNEL[caseRow.channel];
    const identity = identities.find(
      (i) =>
        i.kind === IDENTITY_KIND_OF_CHANNEL[channel] && (!sameKind || i.address === caseRow.customerAddress),
    );
    return identity ? { address: identity.address, optedOut: identity.optedOutAt !== null } : null;
  };
  // A call has no message thread: its updates go by SMS to the caller.
  const natural: Channel = caseRow.channel === "voice" ? "sms" : caseRow.channel;
  const preferred = contact.preferredChannel as Channel | null;
  for (const channel of [preferred, natural]) {
    if (!channel || !senders[channel]) continue;
    const target = addressOn(channel);
    if (target) return { channel, ...target };
  }
  return {
    skip: senders[natural]
      ? `no ${natural} address for this contact`
      : `the ${natural} channel is not configured`,
  };
}

/** Decides one update from the case as it is now: skip (and why), hold until quiet hours end, or send. */
export async function decideUpdate(
  options: StatusUpdateOptions,
  input: { executor: Executor; event: NotificationEvent; context: CaseContext; caseRow: CaseRow; now: Date },
): Promise<UpdateDecision> {
  const { caseRow, context, now } = input;
  const skip = (reason: string, channel: Channel | null = null) =>
    ({ status: "skipped", reason, channel }) as const;
  if (!context.contact) return skip("the case no longer exists");
  // Mail that must never be answered automatically (auto-replies, bounces, lists) gets no update.
  if (context.lastInbound?.noAutoReply === true)
    return skip(
      `the customer's message must not be answered automatically (${context.lastInbound.loopReason ?? "auto-submitted"})`,
    );
  const target = destination(caseRow, context.contact, context.identities, options.senders);
  if ("skip" in target) return skip(target.skip);
  if (target.optedOut)
    return skip(`${target.address} opted out of ${target.channel} messages`, target.channel);
  const template = await options.templates.get(input.executor, input.event, target.channel);
  if (!template) return skip(`no enabled ${input.event} template for ${target.channel}`, target.channel);
  if (target.channel === "sms") {
    const zones = await contactTimeZones({
      timeZone: context.contact.timeZone,
      phone: target.address,
      fallback: options.settings.defaultTimeZone,
    });
    const allowedAt = nextAllowed(now, zones, options.settings.quietHours);
    if (allowedAt.getTime() > now.getTime()) return { status: "held", channel: "sms", sendAfter: allowedAt };
  }
  const values = {
    case: { number: caseRow.number, subject: caseRow.subject, state: caseRow.state },
    contact: { name: context.contact.name },
    statusUrl: statusUrl(options.settings.publicUrl, options.settings.secret, caseRow.id),
  };
  return {
    status: "send",
    channel: target.channel,
    address: target.address,
    body: renderTemplate(template.body, values),
    subject: template.subject ? renderTemplate(template.subject, values) : null,
  };
}

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

const pendingOfCase = (caseId: string) =>
  and(eq(caseNotifications.caseId, caseId), eq(caseNotifications.status, "pending"));

/** A held or waiting update whose time has come: decided now, as at transition time. */
export async function sendStatusUpdate(
  deps: CaseDeps,
  options: StatusUpdateOptions,
  notificationId: string,
): Promise<Outcome> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const [notification] = await tx
      .select()
      .from(caseNotifications)
      .where(eq(caseNotifications.id, notificationId))
      .for("update");
    if (notification?.status !== "pending") return "nothing";
    const [earlier] = await tx
      .select({ sendAfter: caseNotifications.sendAfter })
      .from(caseNotifications)
      .where(
        and(pendingOfCase(notification.caseId), lt(caseNotifications.caseEventId, notification.caseEventId)),
      )
      .orderBy(desc(caseNotifications.sendAfter))
      .limit(1);
    if (earlier) {
      // Not due before the one it waits for: the sweep leaves it alone until then.
      if (earlier.sendAfter > notification.sendAfter)
        await tx
          .update(caseNotifications)
          .set({ sendAfter: earlier.sendAfter })
          .where(eq(caseNotifications.id, notification.id));
      return "waiting";
    }
    const releaseNext = async () => {
      const [next] = await tx
        .select({ id: caseNotifications.id })
        .from(caseNotifications)
        .where(
          and(
            pendingOfCase(notification.caseId),
            gt(caseNotifications.caseEventId, notification.caseEventId),
          ),
        )
        .orderBy(asc(caseNotifications.caseEventId))
        .limit(1);
      if (next) uow.schedule(...updateJob(next.id, 0, notification.id));
    };
    const now = deps.clock();
    if (notification.sendAfter.getTime() > now.getTime()) {
      uow.schedule(...updateJob(notification.id, notification.sendAfter.getTime() - now.getTime()));
      return "held";
    }
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
    if (decision.status === "held") {
      await tx
        .update(caseNotifications)
        .set({ sendAfter: decision.sendAfter, channel: "sms" })
        .where(eq(caseNotifications.id, notification.id));
      uow.schedule(...updateJob(notification.id, decision.sendAfter.getTime() - now.getTime()));
      return "held";
    }
    if (decision.status === "skipped") {
      await tx
        .update(caseNotifications)
        .set({ status: "skipped", reason: decision.reason, channel: decision.channel })
        .where(eq(caseNotifications.id, notification.id));
      await releaseNext();
      return "skipped";
    }
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
    await releaseNext();
    announce(uow, options.senders, context!.row, message!);
    return "sent";
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
