/** The report's pure parts: local hours and days across clock changes, volume buckets, cells. */
import { describe, expect, it } from "vitest";
import { compactJson, guardCell } from "../../reports/csv-cells.ts";
import { slaAttainment, volumeByHour } from "../../reports/report-shape.ts";
import { splitDay } from "../../reports/report-tallies.ts";
import { isoInZone, localDays, localHours, zoneFormatter } from "../../reports/zone-time.ts";

const H = 3_600_000;
const ms = (iso: string) => Date.parse(iso);
const NEW_YORK = "America/New_York";

describe("local hours and days", () => {
  it("has two 01:00 hours on the night the clocks go back, told apart by their offset", () => {
    // 2026-11-01 00:00 EDT (04:00Z) to 04:00 EST (09:00Z): five real hours.
    const hours = localHours(NEW_YORK, {
      start: ms("2026-11-01T04:00:00Z"),
      end: ms("2026-11-01T09:00:00Z"),
    });
    expect(hours.map((hour) => isoInZone(NEW_YORK, hour.start))).toEqual([
      "2026-11-01T00:00:00-04:00",
      "2026-11-01T01:00:00-04:00",
      "2026-11-01T01:00:00-05:00",
      "2026-11-01T02:00:00-05:00",
      "2026-11-01T03:00:00-05:00",
    ]);
    for (const hour of hours) expect(hour.end - hour.start).toBe(H);
  });

  it("has no 02:00 on the night the clocks go forward", () => {
    const hours = localHours(NEW_YORK, {
      start: ms("2026-03-08T05:00:00Z"),
      end: ms("2026-03-08T09:00:00Z"),
    });
    expect(hours.map((hour) => isoInZone(NEW_YORK, hour.start))).toEqual([
      "2026-03-08T00:00:00-05:00",
      "2026-03-08T01:00:00-05:00",
      "2026-03-08T03:00:00-04:00",
      "2026-03-08T04:00:00-04:00",
    ]);
  });

  it("cuts days at local midnight: 23, 24 and 25 hours long around the changes", () => {
    const spring = localDays(NEW_YORK, {
      start: ms("2026-03-07T05:00:00Z"),
      end: ms("2026-03-10T04:00:00Z"),
    });
    expect(spring.map((day) => (day.end - day.start) / H)).toEqual([24, 23, 24]);
    const autumn = localDays(NEW_YORK, {
      start: ms("2026-10-31T04:00:00Z"),
      end: ms("2026-11-03T05:00:00Z"),
    });
    expect(autumn.map((day) => (day.end - day.start) / H)).toEqual([24, 25, 24]);
    expect(autumn.map((day) => isoInZone(NEW_YORK, day.start))).toEqual([
      "2026-10-31T00:00:00-04:00",
      "2026-11-01T00:00:00-04:00",
      "2026-11-02T00:00:00-05:00",
    ]);
  });

  it("keeps half-hour zones' hours on their own clock", () => {
    const hours = localHours("Asia/Kolkata", {
      start: ms("2026-03-01T00:00:00Z"),
      end: ms("2026-03-01T02:00:00Z"),
    });
    expect(hours.map((hour) => isoInZone("Asia/Kolkata", hour.start))).toEqual([
      "2026-03-01T05:30:00+05:30",
      "2026-03-01T06:00:00+05:30",
      "2026-03-01T07:00:00+05:30",
    ]);
    expect(hours[0]!.end - hours[0]!.start).toBe(H / 2);
  });

  it("formats many instants as one at a time does", () => {
    const format = zoneFormatter(NEW_YORK);
    for (let at = ms("2026-11-01T03:00:00Z"); at < ms("2026-11-01T08:00:00Z"); at += 7 * 60_000)
      expect(format(at)).toBe(isoInZone(NEW_YORK, at));
    expect(zoneFormatter("UTC")(ms("2026-03-01T10:00:00Z"))).toBe("2026-03-01T10:00:00+00:00");
  });
});

describe("report sections", () => {
  it("puts each 15-minute count into its local hour, the repeated hour twice", () => {
    const period = { start: ms("2026-11-01T04:00:00Z"), end: ms("2026-11-01T09:00:00Z") };
    const hours = volumeByHour(
      [
        { bucket: ms("2026-11-01T05:15:00Z"), channel: "chat", count: 2 }, // 01:15 EDT
        { bucket: ms("2026-11-01T05:45:00Z"), channel: "sms", count: 1 }, // 01:45 EDT
        { bucket: ms("2026-11-01T06:00:00Z"), channel: "chat", count: 3 }, // 01:00 EST
        { bucket: ms("2026-11-01T08:45:00Z"), channel: "voice", count: 4 }, // 03:45 EST
      ],
      NEW_YORK,
      period,
    );
    expect(hours.map(({ start, total, chat }) => [start.slice(11), total, chat])).toEqual([
      ["00:00:00-04:00", 0, 0],
      ["01:00:00-04:00", 3, 2],
      ["01:00:00-05:00", 3, 3],
      ["02:00:00-05:00", 0, 0],
      ["03:00:00-05:00", 4, 0],
    ]);
  });

  it("reads stored intervals where they are and counts the runs between them live", () => {
    const day = { start: ms("2026-03-02T00:00:00Z"), end: ms("2026-03-02T01:10:00Z") };
    const stored = new Map([
      [ms("2026-03-02T00:15:00Z"), []],
      [ms("2026-03-02T00:30:00Z"), []],
      [ms("2026-03-02T01:00:00Z"), []],
    ]);
    expect(splitDay(day, stored)).toEqual({
      stored: [ms("2026-03-02T00:15:00Z"), ms("2026-03-02T00:30:00Z")],
      live: [
        { start: ms("2026-03-02T00:00:00Z"), end: ms("2026-03-02T00:15:00Z") },
        // 01:00 is stored but the day ends at 01:10: the part interval is counted live.
        { start: ms("2026-03-02T00:45:00Z"), end: ms("2026-03-02T01:10:00Z") },
      ],
    });
  });

  it("rates SLA targets met on time per metric", () => {
    expect(
      slaAttainment([
        { metric: "first_response", type: "met", count: 3 },
        { metric: "first_response", type: "met_late", count: 1 },
        { metric: "resolution", type: "breached", count: 2 },
      ]),
    ).toEqual([
      { metric: "first_response", met: 3, metLate: 1, breached: 0, attainment: 0.75 },
      { metric: "resolution", met: 0, metLate: 0, breached: 2, attainment: 0 },
    ]);
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "plain", "a=b"].map(guardCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      "plain",
      "a=b",
    ]);
    expect(compactJson('{"a": 1, "b": [1, 2]}')).toBe('{"a":1,"b":[1,2]}');
    expect(compactJson({ a: 1 })).toBe('{"a":1}');
  });
});
