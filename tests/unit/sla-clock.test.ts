import { describe, expect, it } from "vitest";
import {
  meetClock,
  pauseClock,
  reopenClock,
  resumeClock,
  retarget,
  startClock,
  statusAt,
} from "../../sla/sla-clock.ts";

const nineToFive = {
  timeZone: "America/New_York",
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })),
  holidays: [],
};
const at = (iso: string) => new Date(iso);

describe("SLA clock", () => {
  it("schedules due and at-risk times in calendar time", () => {
    const clock = startClock(
      { targetMinutes: 60, business: false, calendar: null, atRiskPercent: 25 },
      at("2026-06-01T10:00:00Z"),
    );
    expect(clock.dueAt!.toISOString()).toBe("2026-06-01T11:00:00.000Z");
    expect(clock.atRiskAt!.toISOString()).toBe("2026-06-01T10:45:00.000Z");
    expect(statusAt(clock, at("2026-06-01T10:44:00Z"))).toBe("active");
    expect(statusAt(clock, at("2026-06-01T10:45:00Z"))).toBe("at_risk");
    expect(statusAt(clock, at("2026-06-01T11:00:00Z"))).toBe("breached");
  });

  it("schedules in business time: Friday 16:30 + 60 business minutes is Monday 09:30", () => {
    // Friday 5 June 2026 16:30 EDT = 20:30Z.
    const clock = startClock(
      { targetMinutes: 60, business: true, calendar: nineToFive, atRiskPercent: 25 },
      at("2026-06-05T20:30:00Z"),
    );
    expect(clock.dueAt!.toISOString()).toBe("2026-06-08T13:30:00.000Z");
    expect(clock.atRiskAt!.toISOString()).toBe("2026-06-08T13:15:00.000Z");
  });

  it("pauses while waiting on the customer and carries the time spent over", () => {
    const spec = { targetMinutes: 60, business: false, calendar: null, atRiskPercent: 25 };
    let clock = startClock(spec, at("2026-06-01T10:00:00Z"));
    clock = pauseClock(clock, at("2026-06-01T10:20:00Z"));
    expect(clock).toMatchObject({ paused: true, elapsedMinutes: 20, dueAt: null, atRiskAt: null });
    expect(statusAt(clock, at("2026-06-02T10:00:00Z"))).toBe("active");
    clock = resumeClock(clock, at("2026-06-01T15:00:00Z"));
    expect(clock.dueAt!.toISOString()).toBe("2026-06-01T15:40:00.000Z");
    expect(clock.atRiskAt!.toISOString()).toBe("2026-06-01T15:25:00.000Z");
  });

  it("is at risk at once when resumed inside the at-risk share", () => {
    const spec = { targetMinutes: 60, business: false, calendar: null, atRiskPercent: 25 };
    let clock = pauseClock(startClock(spec, at("2026-06-01T10:00:00Z")), at("2026-06-01T10:50:00Z"));
    clock = resumeClock(clock, at("2026-06-01T12:00:00Z"));
    expect(clock.atRiskAt!.toISOString()).toBe("2026-06-01T12:00:00.000Z");
    expect(clock.dueAt!.toISOString()).toBe("2026-06-01T12:10:00.000Z");
  });

  it("meets on time, late after the due time, and late once breached", () => {
    const spec = { targetMinutes: 30, business: false, calendar: null, atRiskPercent: 25 };
    const started = startClock(spec, at("2026-06-01T10:00:00Z"));
    expect(meetClock(started, at("2026-06-01T10:29:00Z")).status).toBe("met");
    expect(meetClock(started, at("2026-06-01T10:31:00Z")).status).toBe("met_late");
    expect(meetClock({ ...started, status: "breached" }, at("2026-06-01T10:10:00Z")).status).toBe("met_late");
  });

  it("runs again with the time spent when a met target's case reopens", () => {
    const spec = { targetMinutes: 120, business: false, calendar: null, atRiskPercent: 25 };
    const met = meetClock(startClock(spec, at("2026-06-01T10:00:00Z")), at("2026-06-01T11:00:00Z"));
    expect(met.elapsedMinutes).toBe(60);
    const reopened = reopenClock(met, at("2026-06-02T09:00:00Z"));
    expect(reopened).toMatchObject({ status: "active", metAt: null });
    expect(reopened.dueAt!.toISOString()).toBe("2026-06-02T10:00:00.000Z");
  });

  it("keeps the time spent when the target changes", () => {
    const clock = startClock(
      { targetMinutes: 240, business: false, calendar: null, atRiskPercent: 25 },
      at("2026-06-01T10:00:00Z"),
    );
    const urgent = retarget(
      clock,
      { targetMinutes: 60, business: false, calendar: null, atRiskPercent: 25 },
      at("2026-06-01T10:30:00Z"),
    );
    expect(urgent.dueAt!.toISOString()).toBe("2026-06-01T11:00:00.000Z");
    expect(urgent.elapsedMinutes).toBe(30);
  });
});
