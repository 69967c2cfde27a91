/**
 * Business-hours calendar maths. Every instant here is written with an explicit UTC offset, and the
 * slow reference below reads wall-clock time through Intl in the calendar's zone, so the results must
 * not depend on the machine's zone: run with TZ=UTC and with a non-UTC TZ.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addBusinessTime, businessMinutesBetween, type Calendar } from "../../sla/business-calendar.ts";

const MINUTE_MS = 60_000;
const WEEKDAYS = [1, 2, 3, 4, 5];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

const hours = (days: number[], ...spans: [string, string][]): Calendar["weekly"] =>
  days.flatMap((day) => spans.map(([start, end]) => ({ day, start, end })));

const officeHours = (timeZone: string, holidays: string[] = []): Calendar => ({
  timeZone,
  weekly: hours(WEEKDAYS, ["09:00", "17:00"]),
  holidays,
});

/** 08:00–12:00 and 13:00–17:00, Monday to Friday. */
const withLunch = (timeZone: string, holidays: string[] = []): Calendar => ({
  timeZone,
  weekly: hours(WEEKDAYS, ["08:00", "12:00"], ["13:00", "17:00"]),
  holidays,
});

const allWeek = (timeZone: string): Calendar => ({
  timeZone,
  weekly: hours(EVERY_DAY, ["00:00", "24:00"]),
  holidays: [],
});

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

// --- A slow, independent reference: looks at the local wall clock every 15 minutes through Intl. ---

const STEP_MS = 15 * MINUTE_MS;
const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function wallClock(ms: number, timeZone: string) {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    partsFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(ms).map((part) => [part.type, part.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    monthDay: `${parts.month}-${parts.day}`,
    weekday: WEEKDAY_NAMES.indexOf(parts.weekday!),
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const clockMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Open throughout the 15 minutes that start at `ms` (all boundaries in these tests are on that grid). */
function referenceIsOpen(ms: number, calendar: Calendar): boolean {
  const clock = wallClock(ms, calendar.timeZone);
  if (calendar.holidays.includes(clock.date) || calendar.holidays.includes(clock.monthDay)) return false;
  return calendar.weekly.some(
    (interval) =>
      interval.day === clock.weekday &&
      clockMinutes(interval.start) <= clock.minuteOfDay &&
      clock.minuteOfDay < clockMinutes(interval.end),
  );
}

function referenceBetween(start: Date, end: Date, calendar: Calendar): number {
  let open = 0;
  for (let ms = start.getTime(); ms < end.getTime(); ms += STEP_MS) if (referenceIsOpen(ms, calendar)) open++;
  return open * 15;
}

function referenceAdd(start: Date, minutes: number, calendar: Calendar): Date {
  if (minutes <= 0 || minutes % 15 !== 0) throw new Error("the reference adds whole quarter hours only");
  let steps = minutes / 15;
  for (let ms = start.getTime(); ; ms += STEP_MS) {
    if (referenceIsOpen(ms, calendar) && --steps === 0) return new Date(ms + STEP_MS);
  }
}

describe("addBusinessTime", () => {
  it("carries Friday 16:30 plus 60 minutes over the weekend to Monday 09:30", () => {
    const due = addBusinessTime(at("2025-03-07T16:30:00-05:00"), 60, officeHours("America/New_York"));
    expect(iso(due)).toBe(iso(at("2025-03-10T09:30:00-04:00")));
    const berlin = addBusinessTime(at("2025-06-13T16:30:00+02:00"), 60, officeHours("Europe/Berlin"));
    expect(iso(berlin)).toBe(iso(at("2025-06-16T09:30:00+02:00")));
  });

  it("answers the closing time when the target is used up exactly at closing", () => {
    const due = addBusinessTime(at("2025-03-07T16:00:00-05:00"), 60, officeHours("America/New_York"));
    expect(iso(due)).toBe(iso(at("2025-03-07T17:00:00-05:00")));
  });

  it("with 0 minutes keeps a start inside business hours and moves any other to the next opening", () => {
    const calendar = withLunch("Europe/London");
    const inside = at("2025-06-11T10:15:30.250+01:00");
    expect(iso(addBusinessTime(inside, 0, calendar))).toBe(iso(inside));
    expect(iso(addBusinessTime(at("2025-06-11T12:00:00+01:00"), 0, calendar))).toBe(
      iso(at("2025-06-11T13:00:00+01:00")),
    );
    expect(iso(addBusinessTime(at("2025-06-13T17:00:00+01:00"), 0, calendar))).toBe(
      iso(at("2025-06-16T08:00:00+01:00")),
    );
  });

  describe("starting outside business hours counts from the next opening", () => {
    const calendar = withLunch("Europe/Berlin", ["2025-06-09"]);
    const cases: [string, string, string][] = [
      ["before opening", "2025-06-11T06:10:00+02:00", "2025-06-11T08:30:00+02:00"],
      ["in the lunch gap", "2025-06-11T12:20:00+02:00", "2025-06-11T13:30:00+02:00"],
      ["after close", "2025-06-11T19:00:00+02:00", "2025-06-12T08:30:00+02:00"],
      ["at the weekend", "2025-06-14T10:00:00+02:00", "2025-06-16T08:30:00+02:00"],
      ["on a holiday", "2025-06-09T10:00:00+02:00", "2025-06-10T08:30:00+02:00"],
      ["on the weekend before a holiday", "2025-06-07T10:00:00+02:00", "2025-06-10T08:30:00+02:00"],
    ];
    it.each(cases)("%s", (_, start, expected) => {
      expect(iso(addBusinessTime(at(start), 30, calendar))).toBe(iso(at(expected)));
    });
  });

  it("skips the gap between several intervals of a day", () => {
    const calendar = withLunch("Europe/Berlin");
    expect(iso(addBusinessTime(at("2025-06-11T11:30:00+02:00"), 60, calendar))).toBe(
      iso(at("2025-06-11T13:30:00+02:00")),
    );
    // 7.5 of the day's 8 hours are left at 08:30, so 8 hours end at 08:30 the next day.
    expect(iso(addBusinessTime(at("2025-06-11T08:30:00+02:00"), 480, calendar))).toBe(
      iso(at("2025-06-12T08:30:00+02:00")),
    );
  });

  it("accepts intervals unsorted and merges overlapping ones", () => {
    const messy: Calendar = {
      timeZone: "America/Chicago",
      weekly: WEEKDAYS.flatMap((day) => [
        { day, start: "13:00", end: "17:00" },
        { day, start: "09:00", end: "12:00" },
        { day, start: "11:00", end: "14:00" },
        { day, start: "15:00", end: "16:00" },
      ]),
      holidays: [],
    };
    const tidy = officeHours("America/Chicago");
    const start = at("2025-06-10T10:00:00-05:00");
    expect(businessMinutesBetween(start, at("2025-06-17T10:00:00-05:00"), messy)).toBe(5 * 8 * 60);
    for (const minutes of [1, 420, 480, 10_000]) {
      expect(iso(addBusinessTime(start, minutes, messy))).toBe(iso(addBusinessTime(start, minutes, tidy)));
    }
  });

  it('treats "24:00" as midnight and runs on through an opening at the next midnight', () => {
    const nights: Calendar = {
      timeZone: "Asia/Tokyo",
      weekly: [
        { day: 1, start: "22:00", end: "24:00" },
        { day: 2, start: "00:00", end: "06:00" },
      ],
      holidays: [],
    };
    expect(iso(addBusinessTime(at("2025-06-09T23:00:00+09:00"), 120, nights))).toBe(
      iso(at("2025-06-10T01:00:00+09:00")),
    );
    expect(iso(addBusinessTime(at("2025-06-10T05:00:00+09:00"), 120, nights))).toBe(
      iso(at("2025-06-16T23:00:00+09:00")),
    );
  });

  it("skips one-off and yearly holidays", () => {
    // One-off: 2025-12-24. Every year: 12-25 and 12-26.
    const calendar = officeHours("Europe/London", ["2025-12-24", "12-25", "12-26"]);
    // Tuesday 23rd 16:00: one hour that day, then Wed–Fri are holidays and Sat–Sun closed.
    expect(iso(addBusinessTime(at("2025-12-23T16:00:00Z"), 120, calendar))).toBe(
      iso(at("2025-12-29T10:00:00Z")),
    );
    // In 2030 the 24th (a Tuesday) is a working day, the 25th and 26th are still holidays.
    expect(iso(addBusinessTime(at("2030-12-24T16:00:00Z"), 120, calendar))).toBe(
      iso(at("2030-12-27T10:00:00Z")),
    );
    expect(businessMinutesBetween(at("2025-12-22T00:00:00Z"), at("2026-01-05T00:00:00Z"), calendar)).toBe(
      (10 - 3) * 480,
    );
  });

  it('counts a yearly "02-29" holiday in leap years only', () => {
    const calendar = officeHours("UTC", ["02-29"]);
    // 2028-02-29 is a Tuesday, 2029-03-01 a Thursday after an ordinary 28 February.
    expect(businessMinutesBetween(at("2028-02-29T00:00:00Z"), at("2028-03-01T00:00:00Z"), calendar)).toBe(0);
    expect(businessMinutesBetween(at("2029-02-28T00:00:00Z"), at("2029-03-02T00:00:00Z"), calendar)).toBe(
      960,
    );
  });

  it("rejects negative, non-finite and impossible input with a RangeError", () => {
    const calendar = officeHours("Europe/Paris");
    const start = at("2025-06-11T10:00:00+02:00");
    expect(() => addBusinessTime(start, -1, calendar)).toThrow(RangeError);
    expect(() => addBusinessTime(start, Number.NaN, calendar)).toThrow(RangeError);
    expect(() => addBusinessTime(start, Number.POSITIVE_INFINITY, calendar)).toThrow(RangeError);
    expect(() => addBusinessTime(new Date(Number.NaN), 10, calendar)).toThrow(RangeError);
    expect(() => addBusinessTime(start, 10, { ...calendar, timeZone: "Mars/Olympus_Mons" })).toThrow(
      /time zone/,
    );
    const weekly = (start: string, end: string, day = 1) => ({ ...calendar, weekly: [{ day, start, end }] });
    for (const bad of [
      weekly("9:00", "17:00"),
      weekly("09:00", "24:30"),
      weekly("24:00", "24:00"),
      weekly("09:60", "17:00"),
      weekly("17:00", "09:00"),
      weekly("09:00", "09:00"),
      weekly("09:00", "17:00", 7),
      { ...calendar, holidays: ["2025-02-29"] },
      { ...calendar, holidays: ["13-01"] },
      { ...calendar, holidays: ["12/25"] },
    ]) {
      expect(() => addBusinessTime(start, 10, bad)).toThrow(RangeError);
      expect(() => businessMinutesBetween(start, start, bad)).toThrow(RangeError);
    }
  });

  it("throws when the calendar has no business hours at all", () => {
    const start = at("2025-06-11T10:00:00Z");
    const closed: Calendar = { timeZone: "UTC", weekly: [], holidays: [] };
    expect(() => addBusinessTime(start, 10, closed)).toThrow(
      new RangeError("the calendar has no business hours: its weekly schedule is empty"),
    );
    expect(() => addBusinessTime(start, 0, closed)).toThrow(/the calendar has no business hours/);
    expect(businessMinutesBetween(start, at("2026-06-11T10:00:00Z"), closed)).toBe(0);
  });

  it("throws when every day is a holiday for more than 10 years, and not when it is fewer", () => {
    const everyMonthDay: string[] = [];
    for (let day = 0; day < 366; day++)
      everyMonthDay.push(new Date(Date.UTC(2000, 0, 1 + day)).toISOString().slice(5, 10));
    const yearlyAll = officeHours("Europe/Berlin", everyMonthDay);
    const start = at("2025-06-11T10:00:00Z");
    expect(() => addBusinessTime(start, 10, yearlyAll)).toThrow(/the calendar has no business hours/);
    expect(() => addBusinessTime(start, 1_000_000, yearlyAll)).toThrow(/the calendar has no business hours/);
    expect(() => addBusinessTime(start, 0, yearlyAll)).toThrow(/the calendar has no business hours/);

    // Open on Mondays only, and every Monday a one-off holiday for 9 or for 11 years.
    const mondaysUntil = (endYear: number) => {
      const dates: string[] = [];
      for (let ms = Date.UTC(2025, 5, 16); new Date(ms).getUTCFullYear() < endYear; ms += 7 * 86_400_000) {
        dates.push(new Date(ms).toISOString().slice(0, 10));
      }
      return dates;
    };
    const mondays = (holidays: string[]): Calendar => ({
      timeZone: "UTC",
      weekly: [{ day: 1, start: "09:00", end: "17:00" }],
      holidays,
    });
    expect(iso(addBusinessTime(start, 10, mondays(mondaysUntil(2034))))).toBe("2034-01-02T09:10:00.000Z");
    expect(() => addBusinessTime(start, 10, mondays(mondaysUntil(2037)))).toThrow(
      /the calendar has no business hours/,
    );
  });

  // How long these take (without walking minute by minute: ~0.1 ms and ~0.5 ms a call) is measured
  // by `npm run bench:time-maths`, not here: a unit test checks answers, never a machine's speed.
  it("reaches months and years ahead, landing exactly that much business time later", () => {
    const calendar = withLunch("America/New_York", ["01-01", "07-04", "12-25", "2025-11-27", "2026-11-26"]);
    const start = at("2025-01-02T08:00:00-05:00");
    for (const minutes of [200_000, 1_000_000]) {
      const due = addBusinessTime(start, minutes, calendar);
      // Eight business hours a weekday, seven days for five: over 1.4 (7.2) years of calendar time on.
      expect(due.getTime() - start.getTime()).toBeGreaterThan((minutes / 480) * 1.3 * 86_400_000);
      expect(businessMinutesBetween(start, due, calendar)).toBe(minutes);
    }
  });
});

describe("across daylight-saving changes", () => {
  // Sunday 01:00–04:00 every week: the interval crosses the changed hour in both zones.
  const nightShift = (timeZone: string): Calendar => ({
    timeZone,
    weekly: [{ day: 0, start: "01:00", end: "04:00" }],
    holidays: [],
  });

  const changes: [string, string, number][] = [
    // zone, the Sunday of the change, real minutes inside 01:00–04:00 local on that day
    ["America/New_York", "2025-03-09", 120], // 02:00 EST -> 03:00 EDT: 02:00–03:00 never happens
    ["America/New_York", "2025-11-02", 240], // 02:00 EDT -> 01:00 EST: 01:00–02:00 happens twice
    ["Europe/Berlin", "2025-03-30", 120], // 02:00 CET -> 03:00 CEST
    ["Europe/Berlin", "2025-10-26", 240], // 03:00 CEST -> 02:00 CET: 02:00–03:00 twice
    ["Europe/London", "2025-03-30", 120], // 01:00 GMT -> 02:00 BST
    ["Europe/London", "2025-10-26", 240], // 02:00 BST -> 01:00 GMT
    ["Australia/Lord_Howe", "2025-10-05", 150], // 02:00 -> 02:30: a half-hour change
  ];

  it.each(changes)("%s on %s: the interval lasts %i real minutes", (timeZone, sunday, minutes) => {
    const calendar = nightShift(timeZone);
    const dayStart = new Date(`${sunday}T00:00:00Z`);
    const window = [
      new Date(dayStart.getTime() - 86_400_000),
      new Date(dayStart.getTime() + 2 * 86_400_000),
    ] as const;
    expect(businessMinutesBetween(window[0], window[1], calendar)).toBe(minutes);
    expect(referenceBetween(window[0], window[1], calendar)).toBe(minutes);
    // The first business instant of the day plus the whole interval ends at its close.
    const opening = addBusinessTime(window[0], 0, calendar);
    expect(iso(addBusinessTime(opening, minutes, calendar))).toBe(
      iso(referenceAdd(opening, minutes, calendar)),
    );
  });

  it("counts real elapsed time through the skipped and the repeated hour (New York)", () => {
    const calendar = nightShift("America/New_York");
    // Spring: 01:30 EST + 60 min = 30 min to 02:00 EST, which is 03:00 EDT, then 30 more.
    expect(iso(addBusinessTime(at("2025-03-09T01:30:00-05:00"), 60, calendar))).toBe(
      iso(at("2025-03-09T03:30:00-04:00")),
    );
    // Autumn: 01:30 EDT + 60 min = the second 01:30, now EST.
    expect(iso(addBusinessTime(at("2025-11-02T01:30:00-04:00"), 60, calendar))).toBe(
      iso(at("2025-11-02T01:30:00-05:00")),
    );
    // Autumn: the three wall-clock hours 01:00–04:00 hold four real hours.
    expect(iso(addBusinessTime(at("2025-11-02T01:00:00-04:00"), 180, calendar))).toBe(
      iso(at("2025-11-02T03:00:00-05:00")),
    );
    expect(iso(addBusinessTime(at("2025-11-02T01:00:00-04:00"), 240, calendar))).toBe(
      iso(at("2025-11-02T04:00:00-05:00")),
    );
  });

  it("counts real elapsed time through the skipped and the repeated hour (Berlin)", () => {
    const calendar = nightShift("Europe/Berlin");
    expect(iso(addBusinessTime(at("2025-03-30T01:45:00+01:00"), 30, calendar))).toBe(
      iso(at("2025-03-30T03:15:00+02:00")),
    );
    expect(iso(addBusinessTime(at("2025-10-26T02:45:00+02:00"), 30, calendar))).toBe(
      iso(at("2025-10-26T02:15:00+01:00")),
    );
    expect(
      businessMinutesBetween(at("2025-10-26T02:30:00+02:00"), at("2025-10-26T02:30:00+01:00"), calendar),
    ).toBe(60);
  });

  it("keeps office hours at the same wall-clock times on both sides of a change", () => {
    const calendar = officeHours("America/New_York");
    expect(iso(addBusinessTime(at("2025-03-07T16:00:00-05:00"), 120, calendar))).toBe(
      iso(at("2025-03-10T10:00:00-04:00")),
    );
    expect(iso(addBusinessTime(at("2025-10-31T16:00:00-04:00"), 120, calendar))).toBe(
      iso(at("2025-11-03T10:00:00-05:00")),
    );
    expect(
      businessMinutesBetween(at("2025-03-07T09:00:00-05:00"), at("2025-03-14T09:00:00-04:00"), calendar),
    ).toBe(2400);
    const london = officeHours("Europe/London");
    expect(businessMinutesBetween(at("2025-10-24T12:00:00+01:00"), at("2025-10-27T12:00:00Z"), london)).toBe(
      480,
    );
  });

  it("a 24/7 calendar counts real elapsed minutes, 23 hours on a spring-forward day", () => {
    const calendar = allWeek("Europe/Berlin");
    expect(
      businessMinutesBetween(at("2025-03-30T00:00:00+01:00"), at("2025-03-31T00:00:00+02:00"), calendar),
    ).toBe(23 * 60);
    expect(
      businessMinutesBetween(at("2025-10-26T00:00:00+02:00"), at("2025-10-27T00:00:00+01:00"), calendar),
    ).toBe(25 * 60);
    expect(iso(addBusinessTime(at("2025-03-29T12:00:00+01:00"), 1440, calendar))).toBe(
      iso(at("2025-03-30T13:00:00+02:00")),
    );
  });
});

describe("businessMinutesBetween", () => {
  it("counts fractional minutes exactly to the millisecond", () => {
    const calendar = officeHours("Asia/Kolkata");
    expect(
      businessMinutesBetween(
        at("2025-06-11T16:59:30.000+05:30"),
        at("2025-06-12T09:00:00.090+05:30"),
        calendar,
      ),
    ).toBe(30_090 / MINUTE_MS);
    expect(iso(addBusinessTime(at("2025-06-11T16:59:30+05:30"), 0.5015, calendar))).toBe(
      iso(at("2025-06-12T09:00:00.090+05:30")),
    );
  });

  it("answers the negative of the reverse when end is before start", () => {
    const calendar = withLunch("Europe/Berlin");
    const monday = at("2025-06-09T08:00:00+02:00");
    const wednesday = at("2025-06-11T10:00:00+02:00");
    expect(businessMinutesBetween(monday, wednesday, calendar)).toBe(2 * 480 + 120);
    expect(businessMinutesBetween(wednesday, monday, calendar)).toBe(-(2 * 480 + 120));
    expect(businessMinutesBetween(monday, monday, calendar)).toBe(0);
    expect(businessMinutesBetween(at("2025-06-14T10:00:00Z"), at("2025-06-13T18:00:00Z"), calendar)).toBe(0);
  });

  it("over two years matches the slow reference walk", () => {
    const calendar = withLunch("Europe/London", ["01-01", "12-25", "12-26", "2025-04-18", "2026-04-03"]);
    const start = at("2024-11-20T10:15:00Z");
    const end = at("2026-12-01T16:45:00Z");
    expect(businessMinutesBetween(start, end, calendar)).toBe(referenceBetween(start, end, calendar));
  });
});

describe("against the slow reference walk", () => {
  const calendars: Calendar[] = [
    withLunch("America/New_York", ["01-01", "07-04", "12-25", "2025-11-27", "2026-11-26"]),
    {
      timeZone: "Europe/Berlin",
      weekly: [...hours(WEEKDAYS, ["07:30", "12:00"], ["12:45", "18:15"]), ...hours([6], ["10:00", "14:00"])],
      holidays: ["01-01", "05-01", "10-03", "12-25", "12-26", "2025-04-18", "2025-04-21"],
    },
    { ...officeHours("Australia/Lord_Howe", ["2025-12-25"]), weekly: hours(EVERY_DAY, ["00:00", "03:00"]) },
  ];

  it.each([60_000, 199_995])("adds %i minutes (months to years ahead) like the reference", (minutes) => {
    for (const calendar of calendars) {
      const start = at("2025-01-03T11:45:00Z");
      expect(iso(addBusinessTime(start, minutes, calendar))).toBe(
        iso(referenceAdd(start, minutes, calendar)),
      );
    }
  });

  it("agrees on random starts, targets and spans", () => {
    const quarterHour = fc.integer({
      min: Date.UTC(2024, 0, 1) / STEP_MS,
      max: Date.UTC(2027, 0, 1) / STEP_MS,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...calendars),
        quarterHour,
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 3000 }),
        (calendar, startStep, quarters, spanSteps) => {
          const start = new Date(startStep * STEP_MS);
          const due = addBusinessTime(start, quarters * 15, calendar);
          expect(iso(due)).toBe(iso(referenceAdd(start, quarters * 15, calendar)));
          const end = new Date(start.getTime() + spanSteps * STEP_MS);
          expect(businessMinutesBetween(start, end, calendar)).toBe(referenceBetween(start, end, calendar));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("properties", () => {
  const calendars: Calendar[] = [
    officeHours("America/New_York", ["12-25", "2026-01-02"]),
    withLunch("Europe/Berlin", ["01-01", "2025-10-03"]),
    allWeek("Europe/London"),
    { timeZone: "Australia/Lord_Howe", weekly: hours(EVERY_DAY, ["01:00", "04:00"]), holidays: [] },
    {
      timeZone: "Asia/Kolkata",
      weekly: hours([0, 3], ["00:00", "02:30"], ["20:00", "24:00"]),
      holidays: ["02-29"],
    },
  ];
  const instant = fc
    .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) })
    .map((ms) => new Date(ms));
  const minutes = fc.double({ min: 0, max: 300_000, noNaN: true });

  it("businessMinutesBetween(start, addBusinessTime(start, m)) equals m to the millisecond", () => {
    fc.assert(
      fc.property(fc.constantFrom(...calendars), instant, minutes, (calendar, start, m) => {
        const due = addBusinessTime(start, m, calendar);
        expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
        expect(Math.abs(businessMinutesBetween(start, due, calendar) - m)).toBeLessThanOrEqual(
          0.5 / MINUTE_MS,
        );
      }),
      { numRuns: 500 },
    );
  });

  it("due times grow with the target, and spans add up", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...calendars),
        instant,
        minutes,
        minutes,
        instant,
        (calendar, start, a, b, end) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(addBusinessTime(start, low, calendar).getTime()).toBeLessThanOrEqual(
            addBusinessTime(start, high, calendar).getTime(),
          );
          const middle = addBusinessTime(start, low, calendar);
          const whole = businessMinutesBetween(start, end, calendar);
          const parts =
            businessMinutesBetween(start, middle, calendar) + businessMinutesBetween(middle, end, calendar);
          expect(Math.abs(whole - parts)).toBeLessThan(1e-6);
          expect(businessMinutesBetween(end, start, calendar)).toBe(0 - whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a 24/7 calendar counts exactly the elapsed minutes", () => {
    const calendar = allWeek("America/New_York");
    fc.assert(
      fc.property(instant, instant, (start, end) => {
        expect(businessMinutesBetween(start, end, calendar)).toBe(
          (end.getTime() - start.getTime()) / MINUTE_MS,
        );
        const later = new Date(Math.max(start.getTime(), end.getTime()));
        const earlier = new Date(Math.min(start.getTime(), end.getTime()));
        expect(
          addBusinessTime(earlier, (later.getTime() - earlier.getTime()) / MINUTE_MS, calendar).getTime(),
        ).toBe(later.getTime());
      }),
      { numRuns: 300 },
    );
  });
});
