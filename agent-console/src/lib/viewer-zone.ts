/**
 * The one zone the console shows times in: the signed-in agent's own (a profile setting), or the
 * browser's when they chose none. The session store sets it at sign-in and when the agent changes
 * it; every formatter in lib/format.ts reads it, and the signed-in tree re-renders when it changes.
 */
import { create } from "zustand";

interface ViewerZoneState {
  /** The agent's chosen IANA zone; null: the browser's. */
  zone: string | null;
}

export const useViewerZone = create<ViewerZoneState>(() => ({ zone: null }));

/** The browser's own zone, e.g. "Europe/Paris". */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Whether this browser can format times in `zone` (a zone its Intl data lacks falls back to the browser's). */
function usable(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function setViewerZone(zone: string | null): void {
  useViewerZone.setState({ zone: zone && usable(zone) ? zone : null });
}

/** The zone to pass to `Intl` (`timeZone`): the agent's, or undefined for the browser's own. */
export function viewerTimeZone(): string | undefined {
  return useViewerZone.getState().zone ?? undefined;
}

/** The zone times are shown in, by name, whichever it is. */
export function effectiveTimeZone(): string {
  return viewerTimeZone() ?? browserTimeZone();
}

/** The zone's wall clock at `instant`, as numbers. */
function wallClock(instant: Date, zone: string): Record<string, number> {
  return Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    })
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)]),
  );
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: Date, zone: string): number {
  const wall = wallClock(instant, zone);
  const wallAsUtc = Date.UTC(wall.year!, wall.month! - 1, wall.day!, wall.hour!, wall.minute!, wall.second!);
  return wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant the current day began in the viewer's zone: "today" on the supervisor's wall is the
 * agent's today, not the browser's. The offset is the one at midnight, which on a daylight-saving
 * day differs from the one now.
 */
export function startOfTodayInViewerZone(now = new Date()): Date {
  const zone = effectiveTimeZone();
  const today = wallClock(now, zone);
  const midnightAsUtc = Date.UTC(today.year!, today.month! - 1, today.day!);
  const guess = new Date(midnightAsUtc - offsetAt(now, zone));
  return new Date(midnightAsUtc - offsetAt(guess, zone));
}
