/**
 * Customer updates: when a case is created, waits on the customer, is resolved or reopened, the
 * customer gets one short message on the channel they wrote on (or their preferred one).
 *
 * The decision is written inside the transaction of the transition itself (a `case_notifications`
 * row, unique per audit row and event), so an update is never lost and never decided twice; a job
 * sends it after commit, and the sweep finds any whose job was lost. Nothing goes to an address that
 * opted out, nothing answers a mail that must not be answered (auto-replies, bounces, lists), and an
 * SMS waits out the contact's quiet hours.
 */
import { and, desc, eq, gt, lt, lte } from "drizzle-orm";
import { contactTimeZones } from "../../cases/contact-time-zone.ts";
import type { CaseDeps } from "../../cases/deps.ts";
import { type ChannelSenders, deliveryJob } from "../../cases/outbox.ts";
import type { CaseTransition, TransitionHook } from "../../cases/ports.ts";
import { IDENTITY_KIND_OF_CHANNEL } from "../../cases/replies.ts";
import { type UnitOfWork, withUnitOfWork } from "../../cases/unit-of-work.ts";
import type { Tx } from "../../db/connect.ts";
import { type Channel, cases, interactions } from "../../db/schema/cases.ts";
import {
  caseNotifications,
  type NotificationEvent,
  notificationTemplates,
} from "../../db/schema/channels.ts";
import { contactIdentities, contacts } from "../../db/schema/contacts.ts";
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
  if (from === "new" && to !== "resolved" && to !== "closed")
    return transition.after.channel === "voice" ? null : "created";
  if (to === "waiting_on_customer") return "waiting_on_customer";
  if (to === "resolved") return "resolved";
  if (from === "resolved" && (to === "assigned" || to === "queued")) return "reopened";
  return null;
}

export const STATUS_UPDATE_JOB = "send-status-update";

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

/** Decides the update inside the transition's transaction. */
export const decideStatusUpdate: TransitionHook = async (
  tx: Tx,
  uow: UnitOfWork,
  transition: CaseTransition,
) => {
  const event = updateEventFor(transition);
  if (!event || transition.auditId === null) return;
  const [row] = await tx
    .insert(caseNotifications)
    .values({ caseId: transition.after.id, event, caseEventId: transition.auditId, sendAfter: transition.at })
    .onConflictDoNothing()
    .returning({ id: caseNotifications.id });
  if (row) uow.schedule(...updateJob(row.id));
};

type Outcome = "sent" | "skipped" | "held" | "waiting" | "nothing";

const pendingOfCase = (caseId: string) =>
  and(eq(caseNotifications.caseId, caseId), eq(caseNotifications.status, "pending"));

/** Where an update about this case goes: channel and address, or why it cannot go anywhere. */
async function destination(
  tx: Tx,
  caseRow: typeof cases.$inferSelect,
  contact: typeof contacts.$inferSelect,
  senders: ChannelSenders,
): Promise<{ channel: Channel; address: string; optedOut: boolean } | { skip: string }> {
  const identities = await tx
    .select()
    .from(contactIdentities)
    .where(eq(contactIdentities.contactId, contact.id));
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

export async function sendStatusUpdate(
  deps: CaseDeps,
  senders: ChannelSenders,
  settings: StatusUpdateSettings,
  notificationId: string,
): Promise<Outcome> {
  return withUnitOfWork(deps, async (tx, uow) => {
    const [notification] = await tx
      .select()
      .from(caseNotifications)
      .where(eq(caseNotifications.id, notificationId))
      .for("update");
    if (notification?.status !== "pending") return "nothing";
    // A customer hears about their case in the order things happened: while an earlier update is
    // undecided (or held through quiet hours) this one waits, and that one's outcome releases it.
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
        .orderBy(caseNotifications.caseEventId)
        .limit(1);
      if (next) uow.schedule(...updateJob(next.id, 0, notification.id));
    };
    const now = deps.clock();
    if (notification.sendAfter.getTime() > now.getTime()) {
      uow.schedule(...updateJob(notification.id, notification.sendAfter.getTime() - now.getTime()));
      return "held";
    }
    const skip = async (reason: string, channel: string | null = null) => {
      await tx
        .update(caseNotifications)
        .set({ status: "skipped", reason, channel })
        .where(eq(caseNotifications.id, notification.id));
      await releaseNext();
      return "skipped" as const;
    };
    const [caseRow] = await tx.select().from(cases).where(eq(cases.id, notification.caseId));
    const [contact] = caseRow
      ? await tx.select().from(contacts).where(eq(contacts.id, caseRow.contactId))
      : [];
    if (!caseRow || !contact) return skip("the case no longer exists");

    // Mail that must never be answered automatically (auto-replies, bounces, lists) gets no update.
    const [lastInbound] = await tx
      .select({ metadata: interactions.metadata })
      .from(interactions)
      .where(and(eq(interactions.caseId, caseRow.id), eq(interactions.direction, "inbound")))
      .orderBy(desc(interactions.createdAt))
      .limit(1);
    if (lastInbound?.metadata.noAutoReply === true)
      return skip(
        `the customer's message must not be answered automatically (${lastInbound.metadata.loopReason ?? "auto-submitted"})`,
      );

    const target = await destination(tx, caseRow, contact, senders);
    if ("skip" in target) return skip(target.skip);
    if (target.optedOut)
      return skip(`${target.address} opted out of ${target.channel} messages`, target.channel);
    const [template] = await tx
      .select()
      .from(notificationTemplates)
      .where(
        and(
          eq(notificationTemplates.event, notification.event),
          eq(notificationTemplates.channel, target.channel),
          eq(notificationTemplates.enabled, true),
        ),
      );
    if (!template)
      return skip(`no enabled ${notification.event} template for ${target.channel}`, target.channel);

    if (target.channel === "sms") {
      const zones = await contactTimeZones({
        timeZone: contact.timeZone,
        phone: target.address,
        fallback: settings.defaultTimeZone,
      });
      const allowedAt = nextAllowed(now, zones, settings.quietHours);
      if (allowedAt.getTime() > now.getTime()) {
        await tx
          .update(caseNotifications)
          .set({ sendAfter: allowedAt, channel: "sms" })
          .where(eq(caseNotifications.id, notification.id));
        uow.schedule(...updateJob(notification.id, allowedAt.getTime() - now.getTime()));
        return "held";
      }
    }

    const values = {
      case: { number: caseRow.number, subject: caseRow.subject, state: caseRow.state },
      contact: { name: contact.name },
      statusUrl: statusUrl(settings.publicUrl, settings.secret, caseRow.id),
    };
    const [message] = await tx
      .insert(interactions)
      .values({
        caseId: caseRow.id,
        channel: target.channel,
        kind: "message",
        direction: "outbound",
        body: renderTemplate(template.body, values),
        status: "queued",
        metadata: {
          automatic: true,
          statusUpdate: notification.event,
          to: target.address,
          ...(template.subject ? { subject: renderTemplate(template.subject, values) } : {}),
        },
        createdAt: now,
        statusChangedAt: now,
      })
      .returning();
    await tx
      .update(caseNotifications)
      .set({ status: "sent", channel: target.channel, interactionId: message!.id })
      .where(eq(caseNotifications.id, notification.id));
    await releaseNext();
    uow.emit({
      type: "interaction.created",
      caseId: caseRow.id,
      interactionId: message!.id,
      channel: target.channel,
      kind: "message",
      direction: "outbound",
      interaction: message!,
      assigneeId: caseRow.assigneeId,
    });
    const delivery = deliveryJob(message!.id);
    uow.schedule(delivery.name, delivery.data, delivery.options);
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
