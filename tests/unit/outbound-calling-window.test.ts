import { describe, expect, it } from "vitest";
import { decideCallingWindow, localTime, zonedInstant } from "../../outbound/calling-window.ts";

const at = (iso: string) => new Date(iso);

describe("calling window", () => {
  it("skips a contact after 21:00 local and says why", () => {
    const decision = decideCallingWindow({ at: at("2026-07-15T02:14:00Z"), zones: ["America/Chicago"] });
    expect(decision.allowed).toBe(false);
    expect(decision.explanation).toBe("skipped: 21:14 local in America/Chicago (calling hours 08:00–21:00)");
    // 08:00 CDT the same local morning.
    expect(decision.nextOpenAt?.toISOString()).toBe("2026-07-15T13:00:00.000Z");
  });

  it("allows a contact inside the hours and names the local time", () => {
    const decision = decideCallingWindow({ at: at("2026-07-15T15:05:00Z"), zones: ["America/New_York"] });
    expect(decision).toEqual({ allowed: true, explanation: "allowed: 11:05 local in America/New_York" });
  });

  it("treats 21:00 itself as closed and 08:00 as open", () => {
    expect(decideCallingWindow({ at: at("2026-01-15T20:00:00Z"), zones: ["Europe/Paris"] }).allowed).toBe(
      false,
    );
    expect(decideCallingWindow({ at: at("2026-01-15T07:00:00Z"), zones: ["Europe/Paris"] }).allowed).toBe(
      true,
    );
    expect(decideCallingWindow({ at: at("2026-01-15T06:59:00Z"), zones: ["Europe/Paris"] }).allowed).toBe(
      false,
    );
  });

  it("follows the US spring-forward change (America/Chicago, 2026-03-08)", () => {
    // 13:30 UTC is 07:30 CST on Saturday and 08:30 CDT on Sunday.
    expect(decideCallingWindow({ at: at("2026-03-07T13:30:00Z"), zones: ["America/Chicago"] })).toMatchObject(
      {
        allowed: false,
        explanation: "skipped: 07:30 local in America/Chicago (calling hours 08:00–21:00)",
        nextOpenAt: at("2026-03-07T14:00:00Z"),
      },
    );
    expect(decideCallingWindow({ at: at("2026-03-08T13:30:00Z"), zones: ["America/Chicago"] }).allowed).toBe(
      true,
    );
    // Closed Saturday 21:00 CST; opens Sunday 08:00 CDT, which is 13:00 UTC (not 14:00).
    expect(
      decideCallingWindow({ at: at("2026-03-08T03:00:00Z"), zones: ["America/Chicago"] }).nextOpenAt,
    ).toEqual(at("2026-03-08T13:00:00Z"));
  });

  it("follows the US fall-back change (America/Los_Angeles, 2026-11-01)", () => {
    // 15:30 UTC is 08:30 PDT on Saturday and 07:30 PST on Sunday.
    expect(
      decideCallingWindow({ at: at("2026-10-31T15:30:00Z"), zones: ["America/Los_Angeles"] }).allowed,
    ).toBe(true);
    const sunday = decideCallingWindow({ at: at("2026-11-01T15:30:00Z"), zones: ["America/Los_Angeles"] });
    expect(sunday.explanation).toBe(
      "skipped: 07:30 local in America/Los_Angeles (calling hours 08:00–21:00)",
    );
    expect(sunday.nextOpenAt).toEqual(at("2026-11-01T16:00:00Z"));
  });

  it("follows the European changes in both directions (Berlin in March, London in October)", () => {
    expect(decideCallingWindow({ at: at("2026-03-28T06:30:00Z"), zones: ["Europe/Berlin"] }).allowed).toBe(
      false,
    );
    expect(decideCallingWindow({ at: at("2026-03-29T06:30:00Z"), zones: ["Europe/Berlin"] }).allowed).toBe(
      true,
    );
    expect(decideCallingWindow({ at: at("2026-10-24T07:30:00Z"), zones: ["Europe/London"] }).allowed).toBe(
      true,
    );
    const after = decideCallingWindow({ at: at("2026-10-25T07:30:00Z"), zones: ["Europe/London"] });
    expect(after.explanation).toBe("skipped: 07:30 local in Europe/London (calling hours 08:00–21:00)");
    expect(after.nextOpenAt).toEqual(at("2026-10-25T08:00:00Z"));
  });

  it("judges a number with several zones conservatively: every zone must allow the call", () => {
    const zones = ["America/New_York", "America/Los_Angeles"];
    const early = decideCallingWindow({ at: at("2026-07-15T13:00:00Z"), zones });
    expect(early.allowed).toBe(false);
    expect(early.explanation).toBe("skipped: 06:00 local in America/Los_Angeles (calling hours 08:00–21:00)");
    expect(early.nextOpenAt).toEqual(at("2026-07-15T15:00:00Z"));
    const late = decideCallingWindow({ at: at("2026-07-16T01:30:00Z"), zones });
    expect(late.explanation).toBe("skipped: 21:30 local in America/New_York (calling hours 08:00–21:00)");
    expect(late.allowed).toBe(false);
    expect(decideCallingWindow({ at: at("2026-07-15T18:00:00Z"), zones }).allowed).toBe(true);
  });

  it("lets a campaign narrow the hours but never widen them", () => {
    const narrow = decideCallingWindow({
      at: at("2026-07-15T18:30:00Z"),
      zones: ["Europe/Madrid"],
      campaignHours: { start: "09:00", end: "20:00" },
    });
    expect(narrow.explanation).toBe("skipped: 20:30 local in Europe/Madrid (calling hours 09:00–20:00)");
    const wide = decideCallingWindow({
      at: at("2026-07-15T05:30:00Z"),
      zones: ["Europe/Madrid"],
      campaignHours: { start: "06:00", end: "23:00" },
    });
    expect(wide.explanation).toBe("skipped: 07:30 local in Europe/Madrid (calling hours 08:00–21:00)");
  });

  it("keeps to the campaign's schedule in the campaign's zone", () => {
    const schedule = {
      timeZone: "America/New_York",
      windows: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }],
    };
    // Saturday 2026-07-18, 12:00 in Berlin: the contact's hours allow it, the schedule does not.
    const saturday = decideCallingWindow({
      at: at("2026-07-18T10:00:00Z"),
      zones: ["Europe/Berlin"],
      schedule,
    });
    expect(saturday.allowed).toBe(false);
    expect(saturday.explanation).toBe(
      "skipped: the campaign's schedule is closed at Sat 06:00 in America/New_York",
    );
    // Monday 09:00 in New York is 15:00 in Berlin: both open.
    expect(saturday.nextOpenAt).toEqual(at("2026-07-20T13:00:00Z"));
    // Monday 16:30 New York is 22:30 Berlin: the contact's hours close first.
    const evening = decideCallingWindow({
      at: at("2026-07-20T20:30:00Z"),
      zones: ["Europe/Berlin"],
      schedule,
    });
    expect(evening.explanation).toBe("skipped: 22:30 local in Europe/Berlin (calling hours 08:00–21:00)");
    expect(evening.nextOpenAt).toEqual(at("2026-07-21T13:00:00Z"));
  });

  it("skips a contact without any zone", () => {
    expect(decideCallingWindow({ at: at("2026-07-15T15:00:00Z"), zones: [] })).toMatchObject({
      allowed: false,
      explanation: "skipped: the contact's time zone is unknown",
    });
  });

  it("converts wall-clock times across gaps and overlaps", () => {
    expect(zonedInstant({ year: 2026, month: 3, day: 8 }, 8 * 60, "America/New_York")).toEqual(
      at("2026-03-08T12:00:00Z"),
    );
    // 02:30 does not exist that night in New York: it moves forward by the hour skipped.
    expect(zonedInstant({ year: 2026, month: 3, day: 8 }, 150, "America/New_York")).toEqual(
      at("2026-03-08T07:30:00Z"),
    );
    // 01:30 happens twice on 2026-11-01: the earlier (EDT) one.
    expect(zonedInstant({ year: 2026, month: 11, day: 1 }, 90, "America/New_York")).toEqual(
      at("2026-11-01T05:30:00Z"),
    );
    expect(zonedInstant({ year: 2026, month: 10, day: 25 }, 8 * 60, "Europe/London")).toEqual(
      at("2026-10-25T08:00:00Z"),
    );
    expect(localTime(at("2026-10-25T00:30:00Z"), "Europe/London").clock).toBe("01:30");
  });
});
