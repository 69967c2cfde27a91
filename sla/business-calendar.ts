/**
 * Business-hours calendar maths: due times and elapsed business time, pure.
 *
 * Business time is real elapsed time during which the calendar's local wall clock shows an open hour
 * on a day that is not a holiday. So across daylight-saving changes an interval 01:00–04:00 lasts two
 * real hours on a spring-forward day in America/New_York (02:00–03:00 never happens) and four on the
 * fall-back day (01:00–02:00 happens twice). The instant line is cut into stretches of constant UTC
 * offset (./business-calendar-zone.ts); inside one stretch wall-clock time is UTC plus a constant, so
 * the rest is arithmetic on wall-clock milliseconds, skipping whole weeks rather than walking minutes.
 *
 * Precision: business time is exact to the millisecond. Minutes in and out may be fractional;
 * `addBusinessTime` rounds its `minutes` to the nearest millisecond.
 */

import { type CalendarRules, compileCalendar, type DayNumber } from "./business-calendar-rules.ts";
import { assertTimeZone, offsetStretchAt } from "./business-calendar-zone.ts";

export type Calendar = {
  /** IANA time zone the hours and holidays are written in, e.g. "Europe/Berlin". */
  timeZone: string;
  /**
   * Opening hours per weekday, `day` 0 = Sunday … 6 = Saturday, `start` and `end` "HH:MM" local time
   * with `end` "24:00" for midnight. A day may have several intervals, in any order; overlapping or
   * touching ones are merged. An interval cannot cross midnight: write 22:00–24:00 and 00:00–06:00.
   */
  weekly: { day: number; start: string; end: string }[];
  /**
   * Local dates without business hours: "YYYY-MM-DD" for one date, "MM-DD" for the same date every
   * year (e.g. "12-25"; "02-29" counts in leap years only).
   */
  holidays: string[];
};

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Skips of whole weeks go at most this far at once, which bounds how late a holiday drought is seen. */
const MAX_SKIP_WEEKS = 52;
/** addBusinessTime gives up after this many consecutive local days without business time (10 years). */
const MAX_IDLE_DAYS = 3653;
const MAX_INSTANT_MS = 8.64e15;

/**
 * The instant `minutes` of business time after `start`.
 *
 * - A start outside business hours counts from the next opening: Friday 16:30 plus 60 minutes in a
 *   Monday–Friday 09:00–17:00 calendar is Monday 09:30.
 * - The answer is the earliest instant at which that much business time has passed, so a target that
 *   is used up exactly at a closing time answers the closing time (Friday 16:00 + 60 → Friday 17:00).
 * - `minutes` 0 answers `start` itself when it is inside business hours, otherwise the next opening.
 *   Intervals are half-open: at 17:00 a 09:00–17:00 day is closed.
 *
 * Throws a RangeError for negative or non-finite `minutes`, an invalid date or calendar, an empty
 * weekly schedule, and when more than 10 years in a row pass without business time (every day a
 * holiday), since the answer would then be meaningless or not exist.
 */
export function addBusinessTime(start: Date, minutes: number, calendar: Calendar): Date {
  const from = instantOf(start, "start");
  if (typeof minutes !== "number" || !Number.isFinite(minutes)) {
    throw new RangeError(`minutes must be a finite number, got ${String(minutes)}`);
  }
  if (minutes < 0) throw new RangeError(`minutes must be >= 0, got ${minutes}`);
  const rules = compileCalendar(calendar);
  assertTimeZone(rules.timeZone);
  if (rules.weekTotal === 0) {
    throw new RangeError("the calendar has no business hours: its weekly schedule is empty");
  }
  let need = Math.round(minutes * MINUTE_MS);
  const walk: Walk = { idleDays: 0, origin: from };
  let at = from;
  for (;;) {
    const stretch = offsetStretchAt(rules.timeZone, at);
    const step = advance(rules, at + stretch.offset, stretch.end + stretch.offset, need, walk);
    if (step.reachedAt !== undefined) return dateOf(step.reachedAt - stretch.offset);
    need -= step.consumed;
    at = stretch.end;
  }
}

/**
 * Business minutes in [start, end), fractional and exact to the millisecond. With `end` before
 * `start` it answers the negative of the reverse, so `businessMinutesBetween(a, b) ===
 * -businessMinutesBetween(b, a)`. A calendar without business hours answers 0.
 */
export function businessMinutesBetween(start: Date, end: Date, calendar: Calendar): number {
  const from = instantOf(start, "start");
  const to = instantOf(end, "end");
  const rules = compileCalendar(calendar);
  assertTimeZone(rules.timeZone);
  if (to < from) return 0 - businessMs(rules, to, from) / MINUTE_MS;
  return businessMs(rules, from, to) / MINUTE_MS;
}

function businessMs(rules: CalendarRules, from: number, to: number): number {
  if (rules.weekTotal === 0) return 0;
  let total = 0;
  for (let at = from; at < to; ) {
    const stretch = offsetStretchAt(rules.timeZone, at);
    const end = Math.min(stretch.end, to);
    total += wallBusinessMs(rules, at + stretch.offset, end + stretch.offset);
    at = end;
  }
  return total;
}

/** Business ms between two wall-clock times (local ms since 1970-01-01T00:00 local), from <= to. */
function wallBusinessMs(rules: CalendarRules, from: number, to: number): number {
  const firstDay = Math.floor(from / DAY_MS);
  const lastDay = Math.floor(to / DAY_MS);
  if (firstDay === lastDay) return openMsOfDay(rules, firstDay, from, to);
  return (
    openMsOfDay(rules, firstDay, from, (firstDay + 1) * DAY_MS) +
    rules.openMsInDays(firstDay + 1, lastDay) +
    openMsOfDay(rules, lastDay, lastDay * DAY_MS, to)
  );
}

/** Open ms of local day `day` that fall in the wall-clock range [from, to). */
function openMsOfDay(rules: CalendarRules, day: DayNumber, from: number, to: number): number {
  const midnight = day * DAY_MS;
  let total = 0;
  for (const [open, close] of rules.openingsOf(day)) {
    total += Math.max(0, Math.min(midnight + close, to) - Math.max(midnight + open, from));
  }
  return total;
}

type Walk = { idleDays: number; origin: number };
type Step = { reachedAt: number; consumed?: undefined } | { reachedAt?: undefined; consumed: number };

/**
 * Walks wall-clock time from `from` towards `to` until `need` ms of business time have passed (or,
 * with `need` 0, until the first open instant). Answers the wall-clock time reached, or how much
 * business time the range held when it falls short.
 */
function advance(rules: CalendarRules, from: number, to: number, need: number, walk: Walk): Step {
  let consumed = 0;
  let day = Math.floor(from / DAY_MS);
  while (day * DAY_MS < to) {
    const midnight = day * DAY_MS;
    const left = need - consumed;
    // Skipping whole weeks never overshoots: k weeks hold at most k·weekTotal < left, holidays or not.
    if (left > rules.weekTotal && midnight >= from) {
      const weeks = Math.min(
        MAX_SKIP_WEEKS,
        Math.floor((to - midnight) / WEEK_MS),
        Math.ceil(left / rules.weekTotal) - 1,
      );
      if (weeks >= 1) {
        const open = rules.openMsInDays(day, day + 7 * weeks);
        consumed += open;
        if (open > 0) walk.idleDays = 0;
        else countIdleDays(walk, 7 * weeks);
        day += 7 * weeks;
        continue;
      }
    }
    let openToday = false;
    for (const [open, close] of rules.openingsOf(day)) {
      const begin = Math.max(midnight + open, from);
      const end = Math.min(midnight + close, to);
      if (end <= begin) continue;
      openToday = true;
      const still = need - consumed;
      if (still === 0) return { reachedAt: begin };
      if (still <= end - begin) return { reachedAt: begin + still };
      consumed += end - begin;
    }
    if (openToday) walk.idleDays = 0;
    else if (midnight >= from && midnight + DAY_MS <= to) countIdleDays(walk, 1);
    day += 1;
  }
  return { consumed };
}

function countIdleDays(walk: Walk, days: number): void {
  walk.idleDays += days;
  if (walk.idleDays > MAX_IDLE_DAYS) {
    throw new RangeError(
      `the calendar has no business hours for more than 10 years after ${new Date(walk.origin).toISOString()}: every day is a holiday`,
    );
  }
}

function instantOf(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}

function dateOf(ms: number): Date {
  if (Math.abs(ms) > MAX_INSTANT_MS) throw new RangeError("the business time reaches past the range of Date");
  return new Date(ms);
}

/**
 * Open at `at` when no business time has to pass before it: `addBusinessTime(at, 0)` is `at` itself.
 * Used to decide whether a live channel (a call, a chat) can be answered now.
 */
export function isOpenAt(calendar: Calendar, at: Date): boolean {
  if (!calendar.weekly.length) return false;
  try {
    return addBusinessTime(at, 0, calendar).getTime() === at.getTime();
  } catch {
    // A calendar we cannot read (validated on input, so only ever a stored oddity) turns nobody away.
    return true;
  }
}
