import { describe, expect, it } from "vitest";
import { linesToDial, predictiveRatio } from "../../outbound/pacing.ts";
import { simulatePacing } from "../../outbound/pacing-simulation.ts";
import { nextStep, shouldRecycle } from "../../outbound/retry-rules.ts";

const at = new Date("2026-07-15T15:00:00Z");
const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);

describe("retry rules", () => {
  it("tries a no-answer again after 2 hours, at most 3 times", () => {
    expect(nextStep({ outcome: "no_answer", at, previousSameOutcome: 0, totalAttempts: 1 })).toEqual({
      status: "pending",
      nextAttemptAt: later(120),
      explanation: "retry after 120 min (no_answer 1 of 3)",
    });
    expect(nextStep({ outcome: "no_answer", at, previousSameOutcome: 1, totalAttempts: 2 }).status).toBe(
      "pending",
    );
    expect(nextStep({ outcome: "no_answer", at, previousSameOutcome: 2, totalAttempts: 3 })).toEqual({
      status: "done",
      nextAttemptAt: null,
      explanation: "done: no_answer 3 times (at most 3)",
    });
  });

  it("tries busy after 15 minutes and an answering machine the next day", () => {
    expect(nextStep({ outcome: "busy", at, previousSameOutcome: 0, totalAttempts: 1 }).nextAttemptAt).toEqual(
      later(15),
    );
    expect(
      nextStep({ outcome: "answering_machine", at, previousSameOutcome: 0, totalAttempts: 1 }).nextAttemptAt,
    ).toEqual(later(24 * 60));
  });

  it("calls back at the time the agent set", () => {
    const callbackAt = new Date("2026-07-16T14:30:00Z");
    expect(
      nextStep({ outcome: "callback", at, previousSameOutcome: 0, totalAttempts: 1, callbackAt }),
    ).toMatchObject({
      status: "callback",
      nextAttemptAt: callbackAt,
    });
  });

  it("finishes a record on a sale, interest, refusal, wrong number or do-not-call request", () => {
    for (const outcome of ["sale", "interested", "not_interested", "wrong_number", "dnc_request"] as const) {
      expect(nextStep({ outcome, at, previousSameOutcome: 0, totalAttempts: 1 })).toEqual({
        status: "done",
        nextAttemptAt: null,
        explanation: `done: ${outcome}`,
      });
    }
  });

  it("applies a campaign's own rules and the cap on attempts per record", () => {
    const rules = { no_answer: { retryAfterMinutes: 30, maxAttempts: 10 } };
    expect(
      nextStep({ outcome: "no_answer", at, previousSameOutcome: 4, totalAttempts: 5, rules }).nextAttemptAt,
    ).toEqual(later(30));
    expect(
      nextStep({ outcome: "busy", at, previousSameOutcome: 1, totalAttempts: 8, maxAttemptsPerRecord: 8 })
        .explanation,
    ).toBe("done: 8 attempts (at most 8 per record)");
  });

  it("recycles only records finished without reaching anyone", () => {
    expect(shouldRecycle({ status: "done", lastOutcome: "no_answer" })).toBe(true);
    expect(shouldRecycle({ status: "done", lastOutcome: "answering_machine" })).toBe(true);
    expect(shouldRecycle({ status: "done", lastOutcome: "sale" })).toBe(false);
    expect(shouldRecycle({ status: "done", lastOutcome: "dnc_request" })).toBe(false);
    expect(shouldRecycle({ status: "pending", lastOutcome: "no_answer" })).toBe(false);
    expect(shouldRecycle({ status: "done", lastOutcome: "busy" }, ["no_answer"])).toBe(false);
  });
});

describe("pacing", () => {
  const stats = { dialed: 0, answered: 0, abandoned: 0 };

  it("dials nothing by itself in preview mode", () => {
    expect(
      linesToDial({ mode: "preview", freeAgents: 5, callsInFlight: 0, stats, abandonLimit: 0.03 }).lines,
    ).toBe(0);
  });

  it("dials one line per free agent in progressive mode, counting calls already ringing", () => {
    expect(
      linesToDial({ mode: "progressive", freeAgents: 4, callsInFlight: 1, stats, abandonLimit: 0.03 }).lines,
    ).toBe(3);
    expect(
      linesToDial({ mode: "progressive", freeAgents: 1, callsInFlight: 3, stats, abandonLimit: 0.03 }).lines,
    ).toBe(0);
    expect(
      linesToDial({ mode: "progressive", freeAgents: 0, callsInFlight: 0, stats, abandonLimit: 0.03 }).lines,
    ).toBe(0);
  });

  it("dials ahead in predictive mode once the answer rate is known", () => {
    expect(predictiveRatio({ dialed: 20, answered: 10, abandoned: 0 }, 0.03).ratio).toBe(1);
    const known = predictiveRatio({ dialed: 400, answered: 100, abandoned: 0 }, 0.03);
    expect(known.ratio).toBeCloseTo(3, 5);
    expect(
      linesToDial({
        mode: "predictive",
        freeAgents: 4,
        callsInFlight: 2,
        stats: { dialed: 400, answered: 200, abandoned: 0 },
        abandonLimit: 0.03,
      }).lines,
    ).toBe(6);
  });

  it("backs the ratio off to 1 as abandonment nears the limit", () => {
    const near = predictiveRatio({ dialed: 1000, answered: 300, abandoned: 7 }, 0.03);
    expect(near.ratio).toBe(1);
    expect(near.why).toContain("backed off to 1");
    const some = predictiveRatio({ dialed: 1000, answered: 300, abandoned: 3 }, 0.03).ratio;
    const none = predictiveRatio({ dialed: 1000, answered: 300, abandoned: 0 }, 0.03).ratio;
    expect(some).toBeGreaterThan(1);
    expect(some).toBeLessThan(none);
  });

  const base = {
    agents: 20,
    calls: 10_000,
    ringSeconds: [5, 25] as [number, number],
    meanTalkSeconds: 120,
    wrapUpSeconds: 10,
    abandonLimit: 0.03,
  };

  it("keeps predictive abandonment at or under 3 % over 10,000 calls and uses agents better than progressive", () => {
    for (const answerProbability of [0.2, 0.35, 0.6]) {
      for (const seed of [1, 2]) {
        const predictive = simulatePacing({ ...base, mode: "predictive", answerProbability, seed });
        const progressive = simulatePacing({ ...base, mode: "progressive", answerProbability, seed });
        expect(predictive.dialed).toBe(10_000);
        expect(predictive.abandonRate).toBeLessThanOrEqual(0.03);
        expect(progressive.abandoned).toBe(0);
        expect(predictive.utilisation).toBeGreaterThan(progressive.utilisation);
      }
    }
  });
});
