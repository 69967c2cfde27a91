import { describe, expect, it } from "vitest";
import { isOpenAt } from "../../sla/business-calendar.ts";

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));

describe("queue business hours for callers", () => {
  const calendar = { timeZone: "Europe/Berlin", weekly: weekdays("09:00", "17:00"), holidays: ["12-25"] };

  it("is open inside the hours, in the calendar's time zone", () => {
    // Monday 2024-05-13 10:00 in Berlin is 08:00 UTC.
    expect(isOpenAt(calendar, new Date("2024-05-13T08:00:00Z"))).toBe(true);
    expect(isOpenAt(calendar, new Date("2024-05-13T14:59:59Z"))).toBe(true);
  });

  it("is closed before opening, at closing time, at weekends and on holidays", () => {
    expect(isOpenAt(calendar, new Date("2024-05-13T06:59:00Z"))).toBe(false);
    expect(isOpenAt(calendar, new Date("2024-05-13T15:00:00Z"))).toBe(false);
    expect(isOpenAt(calendar, new Date("2024-05-18T10:00:00Z"))).toBe(false);
    expect(isOpenAt(calendar, new Date("2024-12-25T10:00:00Z"))).toBe(false);
  });

  it("is never open without weekly hours", () => {
    expect(isOpenAt({ timeZone: "UTC", weekly: [], holidays: [] }, new Date())).toBe(false);
  });
});
