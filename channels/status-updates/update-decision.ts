/**
 * What becomes of one customer update, decided from the case as it is: which channel and address it
 * goes to (the contact's preferred channel, else the one they wrote on), which template it uses, and
 * whether it is skipped (and why), held through the contact's quiet hours, or sent.
 */
import type { CaseContext, CaseRow, ContactRow, IdentityRow } from "../../cases/case-store.ts";
import type { ChannelSenders } from "../../cases/channel-sender.ts";
import { contactTimeZones } from "../../cases/contact-time-zone.ts";
import type { Clock } from "../../cases/ports.ts";
import { IDENTITY_KIND_OF_CHANNEL } from "../../cases/replies.ts";
import type { Executor } from "../../db/connect.ts";
import type { Channel } from "../../db/schema/cases.ts";
import type { NotificationEvent } from "../../db/schema/channels.ts";
import { nextAllowed, type QuietHours } from "./quiet-hours.ts";
import { statusUrl } from "./status-token.ts";
import type { TemplateCache } from "./template-cache.ts";
import { renderTemplate } from "./templates.ts";

export interface StatusUpdateSettings {
  publicUrl: string;
  secret: string;
  quietHours: QuietHours;
  defaultTimeZone: string;
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
    // An unverified claim (typed into the chat's pre-chat form) is nobody's to mail yet.
    const sameKind = IDENTITY_KIND_OF_CHANNEL[channel] === IDENTITY_KIND_OF_CHANNEL[caseRow.channel];
    const identity = identities.find(
      (i) =>
        i.kind === IDENTITY_KIND_OF_CHANNEL[channel] &&
        i.verifiedAt !== null &&
        (!sameKind || i.address === caseRow.customerAddress),
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
