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

/**
 * The instant the current day began in the viewer's zone: "today" on the supervisor's wall is the
 * agent's today, not the browser's.
 */
export function startOfTodayInViewerZone(now = new Date()): Date {
  const zone = effectiveTimeZone();
  const parts = Object.fromEntries(
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
      .formatToParts(now)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  // The zone's wall clock read as if it were UTC, minus the real instant: the zone's offset now.
  const wallAsUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  const offset = wallAsUtc - Math.floor(now.getTime() / 1000) * 1000;
  return new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day!) - offset);
}
