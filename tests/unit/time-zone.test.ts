/** The one time-zone check every input goes through (config, contacts, calendars, call lists). */
import { describe, expect, it } from "vitest";
import { isTimeZone } from "../../cases/time-zone.ts";

describe("isTimeZone", () => {
  it("accepts the zones Intl knows, in any case", () => {
    for (const zone of ["Europe/Berlin", "America/Chicago", "UTC", "Etc/GMT+5", "europe/paris", "EST"])
      expect(isTimeZone(zone), zone).toBe(true);
  });

  it("refuses what Intl does not know, and what is not a string", () => {
    for (const zone of ["Mars/Olympus", "+01:00", "", " Europe/Berlin", null, undefined, 42])
      expect(isTimeZone(zone), String(zone)).toBe(false);
  });

  it("accepts only region names and UTC when asked to (call lists typed by people)", () => {
    expect(isTimeZone("America/Chicago", { regionOnly: true })).toBe(true);
    expect(isTimeZone("UTC", { regionOnly: true })).toBe(true);
    expect(isTimeZone("EST", { regionOnly: true })).toBe(false);
    expect(isTimeZone("CET", { regionOnly: true })).toBe(false);
  });
});
