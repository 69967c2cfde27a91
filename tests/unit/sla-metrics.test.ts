/**
 * The live-metrics figures from hand-built facts: windows, clipping, occupancy over presence that
 * crosses the window, the edge cases (no traffic, everything abandoned), and where "today" starts.
 */
import { describe, expect, it } from "vitest";
import {
  agentTime,
  emptyFacts,
  factsByQueue,
  figuresOf,
  type MetricsFacts,
  mergeSpans,
  overlapMs,
  startOfDay,
  tallyWindow,
} from "../../sla/metrics-figures.ts";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const s = (seconds: number) => T0 + seconds * 1000;
const window = { start: s(0), end: s(900) };

function facts(build: (f: MetricsFacts) => void): MetricsFacts {
  const f = emptyFacts();
  build(f);
  return f;
}

describe("live metrics figures", () => {
  it("gives zeros and nulls for a window without traffic", () => {
    expect(figuresOf(tallyWindow(emptyFacts(), window))).toEqual({
      offered: 0,
      answered: 0,
      abandoned: 0,
      serviceLevel: null,
      asa: null,
      aht: null,
      abandonment: null,
      occupancy: null,
      fcr: null,
      slaMet: null,
    });
  });

  it("computes service level, ASA, abandonment and AHT of the facts inside the window only", () => {
    const f = facts((f) => {
      for (const [id, at] of [
        ["a", 10],
        ["b", 20],
        ["c", 30],
        ["d", 40],
        ["old", -100],
      ] as const)
        f.arrivals.push({ caseId: id, queueId: "q", at: s(at) });
      f.answers.push({ caseId: "a", queueId: "q", at: s(25), waitMs: 15_000, withinTarget: true });
      f.answers.push({ caseId: "b", queueId: "q", at: s(65), waitMs: 45_000, withinTarget: false });
      // Answered before the window: not counted.
      f.answers.push({ caseId: "old", queueId: "q", at: s(-50), waitMs: 50_000, withinTarget: false });
      f.abandons.push({ caseId: "c", queueId: "q", at: s(90), source: "queue" });
      f.handles.push({
        caseId: "a",
        queueId: "q",
        agentId: "x",
        releasedAt: s(300),
        workMs: 240_000,
        wrapUpMs: 30_000,
      });
      f.handles.push({
        caseId: "b",
        queueId: "q",
        agentId: "y",
        releasedAt: s(400),
        workMs: 90_000,
        wrapUpMs: 0,
      });
      // Released at the window's end: the next window's.
      f.handles.push({
        caseId: "z",
        queueId: "q",
        agentId: "y",
        releasedAt: s(900),
        workMs: 1_000,
        wrapUpMs: 0,
      });
    });
    const tally = tallyWindow(f, window);
    expect(tally).toMatchObject({
      offered: 4,
      answered: 2,
      answeredWithinTarget: 1,
      abandoned: 1,
      handled: 2,
    });
    expect(figuresOf(tally)).toMatchObject({
      serviceLevel: 0.3333,
      asa: 30,
      abandonment: 0.3333,
      aht: 180,
    });
  });

  it("counts the contacts carried over from earlier windows that ended in this one, so answered never exceeds what was in the queue", () => {
    const f = facts((f) => {
      f.arrivals.push({ caseId: "new", queueId: "q", at: s(10) });
      f.answers.push({ caseId: "new", queueId: "q", at: s(20), waitMs: 10_000, withinTarget: true });
      // Joined the queue in the previous window, answered in this one.
      f.answers.push({ caseId: "early", queueId: "q", at: s(30), waitMs: 60_000, withinTarget: false });
      // Joined earlier too, gave up in this one.
      f.abandons.push({ caseId: "gone", queueId: "q", at: s(40), source: "queue", joinedAt: s(-120) });
      f.abandons.push({ caseId: "gone", queueId: "q", at: s(40), source: "call", joinedAt: s(-120) });
    });
    const tally = tallyWindow(f, window);
    expect(tally).toMatchObject({ offered: 1, carriedIn: 2, answered: 2, abandoned: 1 });
    expect(tally.answered + tally.abandoned).toBeLessThanOrEqual(tally.offered + tally.carriedIn);
  });

  it("rates everything abandoned as service level 0 and abandonment 1", () => {
    const f = facts((f) => {
      f.arrivals.push({ caseId: "a", queueId: "q", at: s(1) }, { caseId: "b", queueId: "q", at: s(2) });
      f.abandons.push({ caseId: "a", queueId: "q", at: s(50), source: "queue" });
      f.abandons.push({ caseId: "b", queueId: "q", at: s(60), source: "call" });
    });
    expect(figuresOf(tallyWindow(f, window))).toMatchObject({
      offered: 2,
      answered: 0,
      abandoned: 2,
      serviceLevel: 0,
      abandonment: 1,
      asa: null,
    });
  });

  it("counts a caller whose hang-up also closed the case once", () => {
    const f = facts((f) => {
      f.abandons.push({ caseId: "a", queueId: "q", at: s(50), source: "call" });
      f.abandons.push({ caseId: "a", queueId: "q", at: s(50), source: "queue" });
      f.abandons.push({ caseId: "b", queueId: "q", at: s(60), source: "call" });
      f.abandons.push({ caseId: "b", queueId: "q", at: s(500), source: "call" });
    });
    expect(tallyWindow(f, window).abandoned).toBe(3);
  });

  it("counts first-contact resolution per case and SLA met on time", () => {
    const f = facts((f) => {
      f.resolutions.push({ caseId: "a", queueId: "q", at: s(10), firstContact: true });
      f.resolutions.push({ caseId: "b", queueId: "q", at: s(20), firstContact: false });
      f.resolutions.push({ caseId: "b", queueId: "q", at: s(80), firstContact: false });
      f.resolutions.push({ caseId: "c", queueId: "q", at: s(1000), firstContact: true });
      f.sla.push({ caseId: "a", queueId: "q", at: s(5), onTime: true });
      f.sla.push({ caseId: "b", queueId: "q", at: s(6), onTime: false });
      f.sla.push({ caseId: "d", queueId: "q", at: s(7), onTime: true });
    });
    expect(figuresOf(tallyWindow(f, window))).toMatchObject({ fcr: 0.5, slaMet: 0.6667 });
  });

  it("scopes facts to one queue and keeps the team figure recomputed, not averaged", () => {
    const f = facts((f) => {
      f.answers.push({ caseId: "a", queueId: "q1", at: s(10), waitMs: 10_000, withinTarget: true });
      f.answers.push({ caseId: "b", queueId: "q2", at: s(10), waitMs: 30_000, withinTarget: false });
      f.answers.push({ caseId: "c", queueId: "q2", at: s(10), waitMs: 50_000, withinTarget: false });
    });
    expect(figuresOf(tallyWindow(f, window, { queueId: "q1" })).asa).toBe(10);
    const parts = factsByQueue(f, ["q1", "q2", "q3"]);
    expect(figuresOf(tallyWindow(parts.get("q2")!, window)).asa).toBe(40);
    expect(tallyWindow(parts.get("q3")!, window).answered).toBe(0);
    // The mean of all three answers, not the mean of the two queue means (25).
    expect(figuresOf(tallyWindow(f, window)).asa).toBe(30);
  });

  it("merges and intersects stretches of time", () => {
    expect(
      mergeSpans([
        { start: 5, end: 8 },
        { start: 1, end: 3 },
        { start: 2, end: 4 },
        { start: 8, end: 9 },
      ]),
    ).toEqual([
      { start: 1, end: 4 },
      { start: 5, end: 9 },
    ]);
    expect(
      overlapMs(
        [
          { start: 0, end: 10 },
          { start: 20, end: 30 },
        ],
        [{ start: 5, end: 25 }],
      ),
    ).toBe(10);
  });

  it("clips presence and busy time crossing the window for occupancy", () => {
    const spans = {
      // Available from 5 minutes before the window to 10 minutes into it, and again for the last minute and beyond.
      available: [
        { start: s(-300), end: s(600) },
        { start: s(840), end: s(2000) },
      ],
      // Busy on a case since before the window to 2 minutes in, on two overlapping cases later, and still busy.
      busy: [
        { start: s(-600), end: s(120) },
        { start: s(300), end: s(420) },
        { start: s(360), end: s(480) },
        { start: s(870), end: Number.POSITIVE_INFINITY },
      ],
    };
    expect(agentTime(spans, window)).toEqual({ availableMs: 660_000, occupiedMs: (120 + 180 + 30) * 1000 });
    const f = facts((f) => {
      f.agents.set("x", spans);
      // Busy but never available: counts for neither side.
      f.agents.set("y", { available: [], busy: [{ start: s(0), end: s(900) }] });
      f.agents.set("z", { available: [{ start: s(0), end: s(900) }], busy: [] });
    });
    expect(figuresOf(tallyWindow(f, window, { agentIds: new Set(["x"]) })).occupancy).toBe(0.5);
    expect(figuresOf(tallyWindow(f, window)).occupancy).toBe(Math.round((330 / 1560) * 10_000) / 10_000);
    expect(figuresOf(tallyWindow(f, window, { agentIds: new Set(["y"]) })).occupancy).toBeNull();
  });
});

describe("start of the day", () => {
  it("is midnight in the time zone", () => {
    const at = Date.parse("2026-03-02T03:30:00Z");
    expect(new Date(startOfDay("UTC", at)).toISOString()).toBe("2026-03-02T00:00:00.000Z");
    expect(new Date(startOfDay("America/New_York", at)).toISOString()).toBe("2026-03-01T05:00:00.000Z");
    expect(new Date(startOfDay("Asia/Kathmandu", at)).toISOString()).toBe("2026-03-01T18:15:00.000Z");
  });

  it("takes the offset in force at midnight, not now, on a day the clocks change", () => {
    // New York moved from -05:00 to -04:00 at 02:00 on 8 March 2026.
    const at = Date.parse("2026-03-08T15:00:00Z");
    expect(new Date(startOfDay("America/New_York", at)).toISOString()).toBe("2026-03-08T05:00:00.000Z");
  });

  it("starts a day whose midnight was skipped when the clocks jumped", () => {
    // São Paulo jumped from 00:00 to 01:00 (-03:00 to -02:00) on 4 November 2018.
    const at = Date.parse("2018-11-04T15:00:00Z");
    expect(new Date(startOfDay("America/Sao_Paulo", at)).toISOString()).toBe("2018-11-04T03:00:00.000Z");
  });

  it("takes the first of two midnights when the clocks went back over it", () => {
    // Havana went from 01:00 back to 00:00 (-04:00 to -05:00) on 2 November 2025.
    const at = Date.parse("2025-11-02T15:00:00Z");
    expect(new Date(startOfDay("America/Havana", at)).toISOString()).toBe("2025-11-02T04:00:00.000Z");
  });
});
