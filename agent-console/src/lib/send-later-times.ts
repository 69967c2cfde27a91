/**
 * Times for "Send later": wall-clock times in the customer's zone turned into instants, and an
 * instant described in both the customer's and the agent's zone ("Tomorrow 9:00 customer time
 * (14:00 yours)").
 */
import { effectiveTimeZone } from "./viewer-zone.ts";

function partsIn(
  instant: Date,
  zone: string,
): { y: number; m: number; d: number; h: number; min: number; wd: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  return {
    y: Number(parts.year),
    m: Number(parts.month),
    d: Number(parts.day),
    h: Number(parts.hour),
    min: Number(parts.minute),
    wd: weekdays.indexOf(parts.weekday ?? "Sun"),
  };
}

/** The instant when the wall clock in `zone` reads y-m-d h:min (DST gaps resolve forward). */
export function instantInZone(y: number, m: number, d: number, h: number, min: number, zone: string): Date {
  const wanted = Date.UTC(y, m - 1, d, h, min);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const seen = partsIn(new Date(guess), zone);
    const seenUtc = Date.UTC(seen.y, seen.m - 1, seen.d, seen.h, seen.min);
    if (seenUtc === wanted) break;
    guess += wanted - seenUtc;
  }
  return new Date(guess);
}

/** `daysAhead` days from today in `zone`, at hour:00 there. */
export function atCustomerHour(now: Date, zone: string, daysAhead: number, hour: number): Date {
  const today = partsIn(now, zone);
  const day = new Date(Date.UTC(today.y, today.m - 1, today.d + daysAhead));
  return instantInZone(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour, 0, zone);
}

/** Days from today (in `zone`) to the next Monday, 1–7. */
export function daysToMonday(now: Date, zone: string): number {
  const { wd } = partsIn(now, zone);
  return (8 - wd) % 7 || 7;
}

const clock = (instant: Date, zone: string) => {
  const { h, min } = partsIn(instant, zone);
  return `${h}:${String(min).padStart(2, "0")}`;
};

/** "Today", "Tomorrow", or the weekday and date, as seen in `zone`. */
function dayWord(instant: Date, now: Date, zone: string): string {
  const a = partsIn(instant, zone);
  const b = partsIn(now, zone);
  const days = Math.round((Date.UTC(a.y, a.m - 1, a.d) - Date.UTC(b.y, b.m - 1, b.d)) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Tomorrow";
  return instant.toLocaleDateString("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
  });
}

/** "Tomorrow 9:00 customer time (14:00 yours)"; one clock when both zones agree. */
export function describeSendAt(instant: Date, customerZone: string, now = new Date()): string {
  const mine = effectiveTimeZone();
  const customer = `${dayWord(instant, now, customerZone)} ${clock(instant, customerZone)}`;
  if (
    clock(instant, mine) === clock(instant, customerZone) &&
    dayWord(instant, now, mine) === dayWord(instant, now, customerZone)
  )
    return `${customer} customer time (yours too)`;
  const yourDay =
    dayWord(instant, now, mine) === dayWord(instant, now, customerZone)
      ? ""
      : `${dayWord(instant, now, mine)} `;
  return `${customer} customer time (${yourDay}${clock(instant, mine)} yours)`;
}
