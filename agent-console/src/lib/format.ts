/** Words and numbers as agents read them. */
import type { CaseState, Channel, DeliveryStatus, Priority } from "../api/types.ts";
import { viewerTimeZone } from "./viewer-zone.ts";

export const CHANNEL_LABEL: Record<Channel, string> = {
  chat: "Chat",
  email: "Email",
  sms: "SMS",
  voice: "Voice",
  whatsapp: "WhatsApp",
};
export const CHANNEL_COLOR: Record<Channel, string> = {
  chat: "indigo",
  email: "cyan",
  sms: "teal",
  voice: "grape",
  whatsapp: "green",
};

export const STATE_LABEL: Record<CaseState, string> = {
  new: "New",
  queued: "Queued",
  offered: "Offered",
  assigned: "Open",
  waiting_on_customer: "Waiting on customer",
  resolved: "Resolved",
  closed: "Closed",
};
export const STATE_COLOR: Record<CaseState, string> = {
  new: "blue",
  queued: "orange",
  offered: "orange",
  assigned: "green",
  waiting_on_customer: "yellow",
  resolved: "gray",
  closed: "dark",
};

export const PRIORITY_COLOR: Record<Priority, string> = {
  low: "gray",
  normal: "blue",
  high: "orange",
  urgent: "red",
};

export const DELIVERY_LABEL: Record<DeliveryStatus, string> = {
  received: "Received",
  recorded: "Recorded",
  scheduled: "Scheduled",
  cancelled: "Cancelled",
  queued: "Queued",
  sending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  failed: "Failed",
};

export function contactName(contact: { name: string | null }): string {
  return contact.name?.trim() || "Anonymous visitor";
}

/** "42s", "3m 05s", "1h 12m", "3d 4h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "just now", "5 min ago", "3 h ago", then a date. */
export function formatAgo(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (ms < 45_000) return "just now";
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return new Date(iso).toLocaleDateString(undefined, {
    month: "short",
    day: "numeric",
    timeZone: viewerTimeZone(),
  });
}

/** The calendar day of an instant in the viewer's zone, e.g. "2026-05-01". */
function dayIn(date: Date, timeZone: string | undefined): string {
  return date.toLocaleDateString("en-CA", { timeZone });
}

/** "14:05" today, "May 1, 14:05" on another day: in the viewer's zone, as every time here. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  const timeZone = viewerTimeZone();
  const sameDay = dayIn(date, timeZone) === dayIn(new Date(), timeZone);
  return date.toLocaleString(undefined, {
    ...(sameDay ? {} : { month: "short", day: "numeric" }),
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  });
}

/** "May 1, 2026, 2:05 PM": date and time in the viewer's zone, for tooltips and lists. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: viewerTimeZone(),
  });
}

/** "14:05": the time of day only, in the viewer's zone (chart axes). */
export function formatClock(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: viewerTimeZone(),
  });
}

const ISO_INSTANT = /\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)/g;

/**
 * A server's sentence with the instants in it ("callback at 2026-12-03T15:30:00.000Z") shown in the
 * viewer's zone, with the zone's name, as every time a person reads must be.
 */
export function withLocalTimes(text: string): string {
  return text.replace(ISO_INSTANT, (instant) => {
    const date = new Date(instant);
    if (Number.isNaN(date.getTime())) return instant;
    return date.toLocaleString(undefined, {
      weekday: "short",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
      timeZone: viewerTimeZone(),
    });
  });
}

/**
 * Date and time in the viewer's zone with the zone's name, so a shared screenshot is unambiguous
 * (Intl refuses dateStyle together with timeZoneName, hence the parts).
 */
export function formatDateTimeWithZone(iso: string, options: { seconds?: boolean } = {}): string {
  return new Date(iso).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    ...(options.seconds ? { second: "2-digit" as const } : {}),
    timeZoneName: "short",
    timeZone: viewerTimeZone(),
  });
}
