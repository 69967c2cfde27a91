/**
 * Local hours and days of a period in an IANA time zone, as instants: pure. A bucket is named by its
 * local start with the offset then in force, so the two 01:00 hours of an autumn clock change are
 * two buckets ("01:00-04:00" and "01:00-05:00") and a spring night simply has no 02:00.
 */
import { offsetStretchAt } from "../sla/business-calendar-zone.ts";
import { startOfDay } from "../sla/metrics-figures.ts";

export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A half-open stretch of time in epoch milliseconds. */
export interface Window {
  start: number;
  end: number;
}

/** `+HH:MM` / `-HH:MM` for an offset in milliseconds. */
export function offsetText(offsetMs: number): string {
  const sign = offsetMs < 0 ? "-" : "+";
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** The instant as local ISO 8601 with its offset, to the second: `2026-03-08T03:00:00-04:00`. */
export function isoInZone(timeZone: string, at: number): string {
  const { offset } = offsetStretchAt(timeZone, at);
  return `${new Date(at + offset).toISOString().slice(0, 19)}${offsetText(offset)}`;
}

/**
 * `isoInZone` for many instants (an export's million rows): the offset stretch is looked up once
 * and reused while the instants stay inside it.
 */
export function zoneFormatter(timeZone: string): (at: number) => string {
  let stretch = { offset: 0, end: -Infinity, start: Infinity };
  return (at) => {
    if (at >= stretch.end || at < stretch.start) {
      const found = offsetStretchAt(timeZone, at);
      stretch = { offset: found.offset, end: found.end, start: at };
    }
    return `${new Date(at + stretch.offset).toISOString().slice(0, 19)}${offsetText(stretch.offset)}`;
  };
}

/** The instant the local hour holding `at` began (the wall clock's last full hour). */
export function localHourStart(timeZone: string, at: number): number {
  const { offset } = offsetStretchAt(timeZone, at);
  return Math.floor((at + offset) / HOUR_MS) * HOUR_MS - offset;
}

/** Every local hour touching [from, to), in order, each clipped to the period. */
export function localHours(timeZone: string, period: Window): Window[] {
  const hours: Window[] = [];
  let start = localHourStart(timeZone, period.start);
  while (start < period.end) {
    // The next wall-clock hour: an hour on, then back to its local start (a half-hour shift lands inside).
    let next = localHourStart(timeZone, start + HOUR_MS);
    if (next <= start) next = start + HOUR_MS;
    hours.push({ start: Math.max(start, period.start), end: Math.min(next, period.end) });
    start = next;
  }
  return hours;
}

/** Every local day touching [from, to), in order, each clipped to the period (23, 24 or 25 hours long). */
export function localDays(timeZone: string, period: Window): Window[] {
  const days: Window[] = [];
  let start = startOfDay(timeZone, period.start);
  while (start < period.end) {
    // A day is at most 25 hours: 25 hours on is inside (or at the start of) the next day.
    const next = startOfDay(timeZone, start + DAY_MS + HOUR_MS);
    days.push({ start: Math.max(start, period.start), end: Math.min(next, period.end) });
    start = next;
  }
  return days;
}

/** The index of the window holding `at` (windows sorted and touching), or -1. */
export function windowIndex(windows: readonly Window[], at: number): number {
  let low = 0;
  let high = windows.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const window = windows[middle]!;
    if (at < window.start) high = middle - 1;
    else if (at >= window.end) low = middle + 1;
    else return middle;
  }
  return -1;
}
