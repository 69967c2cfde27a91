/**
 * The one check of an IANA time zone name, for every place that accepts one: config, contacts,
 * calendars, call lists and campaigns. Pure; route and config schemas wrap it in a zod refinement
 * (`timeZoneName` in server/http/schemas.ts).
 */

export interface TimeZoneRules {
  /**
   * Only region names ("America/Chicago") and "UTC": refuses the abbreviations `Intl` also knows
   * ("EST", "CET"), which in a list typed by people usually mean a different zone than the one named.
   */
  regionOnly?: boolean;
}

/** True when `Intl` knows `zone` as a time zone (so every date formatter here can use it). */
export function isTimeZone(zone: unknown, rules: TimeZoneRules = {}): zone is string {
  if (typeof zone !== "string" || zone === "") return false;
  if (rules.regionOnly && !zone.includes("/") && zone !== "UTC") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
