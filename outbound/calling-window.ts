/**
 * May a contact be called now? The legal calling hours (08:00–21:00 in the contact's local time),
 * narrowed by the campaign's own calling hours, and the campaign's schedule (when its agents work,
 * in the campaign's zone). A number with several candidate zones is judged in every one of them:
 * the call is allowed only when every zone allows it. Every answer carries a sentence saying why.
 */

/** "HH:MM" on a 24-hour clock; "24:00" as an end means midnight. */
export type ClockTime = string;

export interface HoursRange {
  start: ClockTime;
  end: ClockTime;
}

/** Weekly windows in one zone; days 0 (Sunday) to 6 (Saturday). */
export interface CampaignSchedule {
  timeZone: string;
  windows: { days: number[]; start: ClockTime; end: ClockTime }[];
}

export const LEGAL_CALLING_HOURS: HoursRange = { start: "08:00", end: "21:00" };

export interface CallingWindowInput {
  at: Date;
  /** The contact's candidate zones; at least one. */
  zones: readonly string[];
  /** The campaign's calling hours in the contact's local time; only ever narrows the legal hours. */
  campaignHours?: HoursRange | null;
  schedule?: CampaignSchedule | null;
}

export interface CallingWindowDecision {
  allowed: boolean;
  /** e.g. "skipped: 21:14 local in America/Chicago (calling hours 08:00–21:00)". */
  explanation: string;
  /** When the window next opens (absent when allowed now, or nothing opens within 8 days). */
  nextOpenAt?: Date;
}

export function minutesOf(time: ClockTime): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) throw new Error(`'${time}' is not HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** Minutes since local midnight. */
  minutes: number;
  weekday: number;
  /** "HH:MM". */
  clock: string;
}

export function localTime(at: Date, zone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(at)) parts[part.type] = part.value;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    minutes: hour * 60 + minute,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ""),
    clock: `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`,
  };
}

/** The zone's offset from UTC at `at`, in milliseconds. */
function offsetAt(at: number, zone: string): number {
  const local = localTime(new Date(at), zone);
  const seconds = new Date(at).getUTCSeconds();
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes, seconds);
  return asUtc - (at - (at % 1000));
}

/**
 * The instant a local wall-clock time happens in a zone. A time in a fall-back overlap is the
 * earlier of its two instants; one in a spring-forward gap does not exist and moves forward by the
 * gap's length (02:30 becomes 03:30), as Temporal's "compatible" disambiguation does.
 */
export function zonedInstant(
  date: { year: number; month: number; day: number },
  minutes: number,
  zone: string,
): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const first = wall - offsetAt(wall, zone);
  const second = wall - offsetAt(first, zone);
  if (second === first) return new Date(first);
  // Offsets disagree around a change: take the earlier candidate that really shows this wall time,
  // else (a gap) the later one, which is the first instant after it.
  const [early, late] = first < second ? [first, second] : [second, first];
  for (const candidate of [early, late]) {
    if (candidate + offsetAt(candidate, zone) === wall) return new Date(candidate);
  }
  return new Date(late);
}

function inRange(minutes: number, start: number, end: number): boolean {
  return minutes >= start && minutes < end;
}

function effectiveHours(campaignHours?: HoursRange | null): { start: number; end: number; label: string } {
  let start = minutesOf(LEGAL_CALLING_HOURS.start);
  let end = minutesOf(LEGAL_CALLING_HOURS.end);
  if (campaignHours) {
    start = Math.max(start, minutesOf(campaignHours.start));
    end = Math.min(end, minutesOf(campaignHours.end));
  }
  const label = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  return { start, end, label: `${label(start)}–${label(end)}` };
}

interface Verdict {
  allowed: boolean;
  explanation: string;
}

function judge(input: CallingWindowInput): Verdict {
  if (!input.zones.length)
    return { allowed: false, explanation: "skipped: the contact's time zone is unknown" };
  const hours = effectiveHours(input.campaignHours);
  if (hours.start >= hours.end)
    return { allowed: false, explanation: `skipped: the campaign's calling hours leave no time to call` };
  const seen: string[] = [];
  for (const zone of input.zones) {
    const local = localTime(input.at, zone);
    seen.push(`${local.clock} local in ${zone}`);
    if (!inRange(local.minutes, hours.start, hours.end)) {
      return {
        allowed: false,
        explanation: `skipped: ${local.clock} local in ${zone} (calling hours ${hours.label})`,
      };
    }
  }
  if (input.schedule) {
    const local = localTime(input.at, input.schedule.timeZone);
    const open = input.schedule.windows.some(
      (window) =>
        window.days.includes(local.weekday) &&
        inRange(local.minutes, minutesOf(window.start), minutesOf(window.end)),
    );
    if (!open) {
      return {
        allowed: false,
        explanation: `skipped: the campaign's schedule is closed at ${WEEKDAYS[local.weekday]} ${local.clock} in ${input.schedule.timeZone}`,
      };
    }
  }
  return { allowed: true, explanation: `allowed: ${seen.join(", ")}` };
}

/** Days ahead searched for the next opening. */
const SEARCH_DAYS = 8;

/**
 * The next instant after `at` when the window is open. An open stretch of an intersection of daily
 * windows always begins at one of their starts, so only those instants need checking.
 */
function nextOpening(input: CallingWindowInput): Date | undefined {
  const hours = effectiveHours(input.campaignHours);
  const candidates: number[] = [];
  const addStarts = (zone: string, starts: { minutes: number; days?: number[] }[]) => {
    for (let offset = 0; offset <= SEARCH_DAYS; offset++) {
      const day = localTime(new Date(input.at.getTime() + offset * 24 * 3600_000), zone);
      for (const start of starts) {
        if (start.days && !start.days.includes(day.weekday)) continue;
        const instant = zonedInstant(day, start.minutes, zone).getTime();
        if (instant > input.at.getTime()) candidates.push(instant);
      }
    }
  };
  for (const zone of input.zones) addStarts(zone, [{ minutes: hours.start }]);
  if (input.schedule) {
    addStarts(
      input.schedule.timeZone,
      input.schedule.windows.map((window) => ({ minutes: minutesOf(window.start), days: window.days })),
    );
  }
  const unique = [...new Set(candidates)].sort((a, b) => a - b);
  for (const candidate of unique) {
    if (judge({ ...input, at: new Date(candidate) }).allowed) return new Date(candidate);
  }
  return undefined;
}

export function decideCallingWindow(input: CallingWindowInput): CallingWindowDecision {
  const verdict = judge(input);
  if (verdict.allowed) return verdict;
  const nextOpenAt = nextOpening(input);
  return nextOpenAt ? { ...verdict, nextOpenAt } : verdict;
}
