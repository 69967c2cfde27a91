/**
 * A `Calendar` checked and compiled into wall-clock rules: merged openings per weekday and holidays as
 * local day numbers, with the open time of a run of days answered in closed form (weeks times the
 * weekly total, less the holidays in the run) rather than day by day.
 */
import type { Calendar } from "./business-calendar.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A local date as whole days since 1970-01-01 (local), so day 0 is a Thursday. */
export type DayNumber = number;
/** An opening within a day: [start, end) in ms after local midnight. */
export type Opening = readonly [start: number, end: number];

export type CalendarRules = {
  timeZone: string;
  /** Open ms in a week without holidays. */
  weekTotal: number;
  /** The day's openings, sorted and merged; none on a holiday. */
  openingsOf(day: DayNumber): readonly Opening[];
  /** Open ms in the whole local days [from, to). */
  openMsInDays(from: DayNumber, to: DayNumber): number;
};

const NO_OPENINGS: readonly Opening[] = [];

export function compileCalendar(calendar: Calendar): CalendarRules {
  if (typeof calendar !== "object" || calendar === null) throw new RangeError("calendar must be an object");
  const { timeZone, weekly, holidays } = calendar;
  if (typeof timeZone !== "string" || timeZone === "") {
    throw new RangeError("calendar.timeZone must be an IANA time zone name such as 'Europe/Berlin'");
  }
  if (!Array.isArray(weekly)) throw new RangeError("calendar.weekly must be an array");
  if (!Array.isArray(holidays)) throw new RangeError("calendar.holidays must be an array");

  const byWeekday = mergeWeekly(weekly);
  const weekdayTotals = byWeekday.map((openings) =>
    openings.reduce((sum, [start, end]) => sum + end - start, 0),
  );
  const weekTotal = weekdayTotals.reduce((sum, total) => sum + total, 0);
  const { dates, yearly } = parseHolidays(holidays);
  const sortedDates = [...dates].sort((a, b) => a - b);
  const yearlyKeys = new Set(yearly.map(({ month, day }) => month * 100 + day));

  const isHoliday = (day: DayNumber): boolean =>
    dates.has(day) || (yearlyKeys.size > 0 && yearlyKeys.has(monthDayKey(day)));

  /** Open ms lost to holidays in [from, to), each holiday counted once. */
  const holidayMsInDays = (from: DayNumber, to: DayNumber): number => {
    let lost = 0;
    for (let i = lowerBound(sortedDates, from); i < sortedDates.length && sortedDates[i]! < to; i++) {
      lost += weekdayTotals[weekdayOf(sortedDates[i]!)]!;
    }
    if (yearly.length === 0) return lost;
    const lastYear = yearOf(to - 1);
    for (let year = yearOf(from); year <= lastYear; year++) {
      for (const { month, day: dayOfMonth } of yearly) {
        const day = dayNumberOf(year, month, dayOfMonth);
        if (day !== null && day >= from && day < to && !dates.has(day)) {
          lost += weekdayTotals[weekdayOf(day)]!;
        }
      }
    }
    return lost;
  };

  return {
    timeZone,
    weekTotal,
    openingsOf: (day) => (isHoliday(day) ? NO_OPENINGS : byWeekday[weekdayOf(day)]!),
    openMsInDays(from, to) {
      if (to <= from || weekTotal === 0) return 0;
      const weeks = Math.floor((to - from) / 7);
      let total = weeks * weekTotal;
      for (let day = from + weeks * 7; day < to; day++) total += weekdayTotals[weekdayOf(day)]!;
      return total - holidayMsInDays(from, to);
    },
  };
}

function mergeWeekly(weekly: Calendar["weekly"]): Opening[][] {
  const byWeekday: Opening[][] = [[], [], [], [], [], [], []];
  weekly.forEach((interval, index) => {
    const where = `calendar.weekly[${index}]`;
    if (typeof interval !== "object" || interval === null) throw new RangeError(`${where} must be an object`);
    const { day, start, end } = interval;
    if (!Number.isInteger(day) || day < 0 || day > 6) {
      throw new RangeError(`${where}.day must be an integer 0 (Sunday) to 6 (Saturday), got ${String(day)}`);
    }
    const open = parseClock(start, `${where}.start`, false);
    const close = parseClock(end, `${where}.end`, true);
    if (close <= open) {
      throw new RangeError(
        `${where} ends (${end}) before it starts (${start}); split an interval across midnight into two days`,
      );
    }
    byWeekday[day]!.push([open, close]);
  });
  return byWeekday.map((openings) => {
    const merged: [number, number][] = [];
    for (const [start, end] of [...openings].sort((a, b) => a[0] - b[0])) {
      const last = merged.at(-1);
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    return merged;
  });
}

const CLOCK = /^(\d{2}):(\d{2})$/;

/** "HH:MM" as ms after midnight; "24:00" only where `allowMidnightEnd`. */
function parseClock(value: unknown, where: string, allowMidnightEnd: boolean): number {
  const match = typeof value === "string" ? CLOCK.exec(value) : null;
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  const valid =
    match !== null && minutes < 60 && (hours < 24 || (allowMidnightEnd && hours === 24 && minutes === 0));
  if (!valid) {
    const allowed = allowMidnightEnd ? "00:00 to 24:00" : "00:00 to 23:59";
    throw new RangeError(
      `${where} must be a local time "HH:MM" from ${allowed}, got ${JSON.stringify(value)}`,
    );
  }
  return (hours * 60 + minutes) * MINUTE_MS;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAY = /^(\d{2})-(\d{2})$/;

function parseHolidays(holidays: string[]): {
  dates: Set<DayNumber>;
  yearly: { month: number; day: number }[];
} {
  const dates = new Set<DayNumber>();
  const yearly = new Map<number, { month: number; day: number }>();
  holidays.forEach((holiday, index) => {
    const invalid = () =>
      new RangeError(
        `calendar.holidays[${index}] must be a local date "YYYY-MM-DD" or a yearly date "MM-DD", got ${JSON.stringify(holiday)}`,
      );
    if (typeof holiday !== "string") throw invalid();
    const date = DATE.exec(holiday);
    if (date) {
      const day = dayNumberOf(Number(date[1]), Number(date[2]), Number(date[3]));
      if (day === null) throw invalid();
      dates.add(day);
      return;
    }
    const monthDay = MONTH_DAY.exec(holiday);
    // 2000 is a leap year, so "02-29" is accepted and then matches leap years only.
    if (!monthDay || dayNumberOf(2000, Number(monthDay[1]), Number(monthDay[2])) === null) throw invalid();
    const month = Number(monthDay[1]);
    const day = Number(monthDay[2]);
    yearly.set(month * 100 + day, { month, day });
  });
  return { dates, yearly: [...yearly.values()] };
}

/** The day number of a calendar date, or null when there is no such date (e.g. 2023-02-29). */
function dayNumberOf(year: number, month: number, day: number): DayNumber | null {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as they are.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return date.getTime() / DAY_MS;
}

function weekdayOf(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

function yearOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function monthDayKey(day: DayNumber): number {
  const date = new Date(day * DAY_MS);
  return (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

function lowerBound(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
