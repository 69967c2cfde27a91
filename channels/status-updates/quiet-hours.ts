/**
 * Quiet hours: no SMS update between, say, 21:00 and 08:00 in the contact's local time. Pure. With
 * several candidate zones (a number that does not say where its owner is) it is quiet when it is
 * quiet in any of them, and the update waits until it is allowed in all.
 */
export interface QuietHours {
  /** Minutes after local midnight. `start > end` wraps past midnight (21:00–08:00). */
  start: number;
  end: number;
}

function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return hour * 60 + minute;
}

export function isQuiet(at: Date, timeZone: string, quiet: QuietHours): boolean {
  if (quiet.start === quiet.end) return false;
  const now = localMinutes(at, timeZone);
  return quiet.start < quiet.end
    ? now >= quiet.start && now < quiet.end
    : now >= quiet.start || now < quiet.end;
}

/**
 * The first instant at or after `at` that is outside quiet hours in every zone. Steps a minute at a
 * time from the earliest candidate (a quiet period is at most a day, so this is bounded), which is
 * exact across DST changes without date arithmetic.
 */
export function nextAllowed(at: Date, timeZones: string[], quiet: QuietHours): Date {
  let candidate = new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
  if (timeZones.every((zone) => !isQuiet(at, zone, quiet))) return at;
  for (let step = 0; step < 3 * 24 * 60; step++) {
    if (timeZones.every((zone) => !isQuiet(candidate, zone, quiet))) return candidate;
    candidate = new Date(candidate.getTime() + 60_000);
  }
  // Zones so far apart that no minute is allowed in all of them: send when the first one allows it.
  return at;
}
