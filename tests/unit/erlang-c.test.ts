/**
 * Erlang C. Every figure is checked against an independent computation: closed forms for one and
 * two agents, the textbook sum A^k/k! in exact BigInt fractions, or the same sum in log space for
 * thousands of Erlangs. None of these shares the Erlang B recursion used by the code under test.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentsNeeded, erlangC } from "../../sla/erlang-c.ts";

/**
 * Erlang C from its definition, exactly, for traffic p/q Erlangs and n agents (n > p/q):
 *   C = (A^n/n! · n/(n−A)) / (Σ_{k<n} A^k/k! + A^n/n! · n/(n−A)).
 * Multiplying every term by n!·q^n·(nq − p) leaves whole numbers.
 */
function exactErlangC(p: bigint, q: bigint, n: number): number {
  const agents = BigInt(n);
  let sum = 0n;
  let factorialRatio = 1n; // n!/k!, built from k = n down to 0
  for (let k = n; k >= 0; k--) {
    if (k < n) sum += p ** BigInt(k) * q ** BigInt(n - k) * factorialRatio;
    factorialRatio *= BigInt(k === 0 ? 1 : k);
  }
  const numerator = p ** agents * agents * q;
  const denominator = (agents * q - p) * sum + numerator;
  const scale = 10n ** 30n;
  return Number((numerator * scale) / denominator) / 1e30;
}

/** The same definition with logarithms of the terms, for traffic far beyond what factorials allow. */
function logSpaceErlangC(traffic: number, agents: number): number {
  const logTerms: number[] = [];
  let logFactorial = 0;
  for (let k = 0; k <= agents; k++) {
    if (k > 0) logFactorial += Math.log(k);
    logTerms.push(k * Math.log(traffic) - logFactorial);
  }
  const logLast = logTerms[agents]! + Math.log(agents / (agents - traffic));
  const largest = Math.max(logLast, ...logTerms);
  let sum = 0;
  for (let k = 0; k < agents; k++) sum += Math.exp(logTerms[k]! - largest);
  const last = Math.exp(logLast - largest);
  return last / (sum + last);
}

describe("erlangC", () => {
  it("matches the closed forms of a single agent (M/M/1)", () => {
    // One agent: P(wait) = ρ, ASA = ρ·AHT/(1 − ρ), P(wait > t) = ρ·e^(−(1−ρ)t/AHT).
    for (const utilisation of [0.1, 0.5, 0.9]) {
      const result = erlangC({ arrivalsPerHour: utilisation * 60, ahtSeconds: 60, agents: 1 });
      expect(result.trafficErlangs).toBeCloseTo(utilisation, 12);
      expect(result.probabilityOfWaiting).toBeCloseTo(utilisation, 12);
      expect(result.asa).toBeCloseTo((utilisation * 60) / (1 - utilisation), 9);
      expect(result.occupancy).toBeCloseTo(utilisation, 12);
      expect(result.serviceLevel(30)).toBeCloseTo(
        1 - utilisation * Math.exp((-(1 - utilisation) * 30) / 60),
        12,
      );
    }
  });

  it("matches a two-agent case worked by hand", () => {
    // A = 1, N = 2: the terms 1, 1 and (1/2)·2/(2−1) = 1, so C = 1/3; ASA = C·AHT/(N − A) = 100 s.
    const result = erlangC({ arrivalsPerHour: 12, ahtSeconds: 300, agents: 2 });
    expect(result.trafficErlangs).toBe(1);
    expect(result.probabilityOfWaiting).toBeCloseTo(1 / 3, 14);
    expect(result.asa).toBeCloseTo(100, 10);
    expect(result.occupancy).toBe(0.5);
    expect(result.serviceLevel(0)).toBeCloseTo(2 / 3, 14);
  });

  it("matches the published table for 10 Erlangs and the exact sum", () => {
    // Erlang C tables give, for A = 10: N = 11 → 0.6821, 12 → 0.4494, 13 → 0.2853, 14 → 0.1741.
    const published: [number, number][] = [
      [11, 0.6821],
      [12, 0.4494],
      [13, 0.2853],
      [14, 0.1741],
    ];
    for (const [agents, probability] of published) {
      const result = erlangC({ arrivalsPerHour: 200, ahtSeconds: 180, agents });
      expect(result.probabilityOfWaiting).toBeCloseTo(probability, 4);
      expect(result.probabilityOfWaiting).toBeCloseTo(exactErlangC(10n, 1n, agents), 13);
    }
  });

  it("reproduces the worked example of 100 calls in 30 minutes, AHT 180 s, 80/20", () => {
    // 200 calls an hour × 180 s = 10 Erlangs. SL(20 s) = 1 − C·e^(−(N−A)·20/180):
    //   13 agents: 1 − 0.28527·e^(−1/3) = 0.7956 (short of 80 %);
    //   14 agents: 1 − 0.17413·e^(−4/9) = 0.8884, ASA = 0.17413·180/4 = 7.84 s, occupancy 10/14.
    // (A figure of "13 agents at about 87 %" sometimes quoted for this example does not hold.)
    const call = (agents: number) => erlangC({ arrivalsPerHour: 200, ahtSeconds: 180, agents });
    expect(call(13).serviceLevel(20)).toBeCloseTo(1 - exactErlangC(10n, 1n, 13) * Math.exp(-1 / 3), 12);
    expect(call(13).serviceLevel(20)).toBeCloseTo(0.7956, 4);
    expect(call(14).serviceLevel(20)).toBeCloseTo(0.8884, 4);
    expect(call(14).asa).toBeCloseTo((exactErlangC(10n, 1n, 14) * 180) / 4, 10);
    expect(call(14).asa).toBeCloseTo(7.84, 2);

    const needed = agentsNeeded({
      arrivalsPerHour: 200,
      ahtSeconds: 180,
      targetServiceLevel: 0.8,
      targetSeconds: 20,
    });
    expect(needed).toEqual({
      agents: 14,
      scheduled: 14,
      serviceLevel: call(14).serviceLevel(20),
      occupancy: 10 / 14,
      probabilityOfWaiting: call(14).probabilityOfWaiting,
      asa: call(14).asa,
    });
    // With 30 % shrinkage 14 agents on the phones take 14 / 0.7 = 20 on the schedule.
    const withShrinkage = agentsNeeded({
      arrivalsPerHour: 200,
      ahtSeconds: 180,
      targetServiceLevel: 0.8,
      targetSeconds: 20,
      shrinkage: 0.3,
    });
    expect(withShrinkage.scheduled).toBe(20);
  });

  it("agrees with the exact sum for small queues", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 30 }),
        (tenths, agents, ahtMinutes) => {
          const traffic = tenths / 10;
          fc.pre(agents > traffic);
          const ahtSeconds = ahtMinutes * 60;
          const result = erlangC({ arrivalsPerHour: (traffic * 3600) / ahtSeconds, ahtSeconds, agents });
          const exact = exactErlangC(BigInt(tenths), 10n, agents);
          expect(Math.abs(result.probabilityOfWaiting - exact)).toBeLessThanOrEqual(
            1e-12 * Math.max(exact, 1e-3),
          );
          expect(result.asa).toBeCloseTo((exact * ahtSeconds) / (agents - traffic), 6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("treats agents at or below the traffic as an unstable queue", () => {
    for (const agents of [0, 5, 10]) {
      const result = erlangC({ arrivalsPerHour: 200, ahtSeconds: 180, agents });
      expect(result.trafficErlangs).toBe(10);
      expect(result.probabilityOfWaiting).toBe(1);
      expect(result.serviceLevel(20)).toBe(0);
      expect(result.serviceLevel(3600)).toBe(0);
      expect(result.asa).toBe(Number.POSITIVE_INFINITY);
      expect(result.occupancy).toBe(1);
    }
  });

  it("with no traffic nobody waits", () => {
    for (const input of [
      { arrivalsPerHour: 0, ahtSeconds: 180, agents: 0 },
      { arrivalsPerHour: 0, ahtSeconds: 180, agents: 3 },
      { arrivalsPerHour: 50, ahtSeconds: 0, agents: 1 },
    ]) {
      const result = erlangC(input);
      expect(result.trafficErlangs).toBe(0);
      expect(result.probabilityOfWaiting).toBe(0);
      expect(result.serviceLevel(0)).toBe(1);
      expect(result.asa).toBe(0);
      expect(result.occupancy).toBe(0);
    }
  });

  it("rejects bad input with a RangeError naming the field", () => {
    const ok = { arrivalsPerHour: 200, ahtSeconds: 180, agents: 12 };
    const cases: [Record<string, number>, string][] = [
      [{ arrivalsPerHour: -1 }, "arrivalsPerHour"],
      [{ arrivalsPerHour: Number.NaN }, "arrivalsPerHour"],
      [{ arrivalsPerHour: Number.POSITIVE_INFINITY }, "arrivalsPerHour"],
      [{ ahtSeconds: -5 }, "ahtSeconds"],
      [{ agents: 2.5 }, "agents"],
      [{ agents: -1 }, "agents"],
    ];
    for (const [change, field] of cases) {
      expect(() => erlangC({ ...ok, ...change })).toThrow(RangeError);
      expect(() => erlangC({ ...ok, ...change })).toThrow(field);
    }
    expect(() => erlangC(ok).serviceLevel(-1)).toThrow(/targetSeconds/);
    expect(() => erlangC(ok).serviceLevel(Number.NaN)).toThrow(RangeError);
  });
});

describe("agentsNeeded", () => {
  const target = { ahtSeconds: 180, targetServiceLevel: 0.8, targetSeconds: 20 };

  it("answers the smallest number of agents that meets the target", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 30, max: 900 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        fc.integer({ min: 0, max: 120 }),
        (arrivalsPerHour, ahtSeconds, targetServiceLevel, targetSeconds) => {
          const needed = agentsNeeded({ arrivalsPerHour, ahtSeconds, targetServiceLevel, targetSeconds });
          const at = (agents: number) =>
            erlangC({ arrivalsPerHour, ahtSeconds, agents }).serviceLevel(targetSeconds);
          expect(needed.serviceLevel).toBe(at(needed.agents));
          expect(needed.serviceLevel).toBeGreaterThanOrEqual(targetServiceLevel);
          expect(at(needed.agents - 1)).toBeLessThan(targetServiceLevel);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("adds agents to keep occupancy at or below maxOccupancy", () => {
    // 170 calls × 180 s = 8.5 Erlangs: 20 % within 20 s takes 9 agents (SL 0.227, occupancy 0.944),
    // and a cap of 85 % takes 10, which 8.5 / 10 meets exactly.
    const input = { arrivalsPerHour: 170, ahtSeconds: 180, targetServiceLevel: 0.2, targetSeconds: 20 };
    const uncapped = agentsNeeded(input);
    const capped = agentsNeeded({ ...input, maxOccupancy: 0.85 });
    expect(uncapped.agents).toBe(9);
    expect(capped.agents).toBe(10);
    expect(capped.occupancy).toBeCloseTo(0.85, 12);
    expect(capped.serviceLevel).toBeGreaterThan(uncapped.serviceLevel);
  });

  it("schedules ceil(agents / (1 − shrinkage)), without floating-point leftovers", () => {
    // 16.5 Erlangs need 21 agents for 80/20; 21 / 0.7 is exactly 30, though 30.000000000000004 in doubles.
    const needed = agentsNeeded({ ...target, arrivalsPerHour: 330, shrinkage: 0.3 });
    expect(needed.agents).toBe(21);
    expect(needed.scheduled).toBe(30);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (arrivals, shrinkage) => {
          // The smallest n with n·(1 − shrinkage) ≥ agents, up to double rounding (1e-12 relative).
          const { agents, scheduled } = agentsNeeded({ ...target, arrivalsPerHour: arrivals, shrinkage });
          const slack = 1e-12 * Math.max(1, agents / (1 - shrinkage));
          expect(scheduled * (1 - shrinkage)).toBeGreaterThanOrEqual(agents - slack);
          expect((scheduled - 1) * (1 - shrinkage)).toBeLessThan(agents + slack);
        },
      ),
      { numRuns: 2000 },
    );
    // A real fraction, however small, still rounds up.
    expect(agentsNeeded({ ...target, arrivalsPerHour: 330, shrinkage: 5e-10 }).scheduled).toBe(22);
  });

  it("needs no agents when nothing arrives", () => {
    expect(agentsNeeded({ ...target, arrivalsPerHour: 0, maxOccupancy: 0.8, shrinkage: 0.3 })).toEqual({
      agents: 0,
      scheduled: 0,
      serviceLevel: 1,
      occupancy: 0,
      probabilityOfWaiting: 0,
      asa: 0,
    });
  });

  it("rejects bad input with a RangeError naming the field", () => {
    const ok = { ...target, arrivalsPerHour: 200 };
    const cases: [Record<string, number>, string][] = [
      [{ arrivalsPerHour: -200 }, "arrivalsPerHour"],
      [{ ahtSeconds: Number.NaN }, "ahtSeconds"],
      [{ targetSeconds: -1 }, "targetSeconds"],
      [{ targetServiceLevel: 0 }, "targetServiceLevel"],
      [{ targetServiceLevel: 1 }, "targetServiceLevel"],
      [{ targetServiceLevel: 80 }, "targetServiceLevel"],
      [{ shrinkage: 1 }, "shrinkage"],
      [{ shrinkage: -0.1 }, "shrinkage"],
      [{ maxOccupancy: 0 }, "maxOccupancy"],
      [{ maxOccupancy: 1.2 }, "maxOccupancy"],
    ];
    for (const [change, field] of cases) {
      expect(() => agentsNeeded({ ...ok, ...change })).toThrow(RangeError);
      expect(() => agentsNeeded({ ...ok, ...change })).toThrow(field);
    }
  });
});

describe("at thousands of Erlangs", () => {
  // How long staffing takes at this size is measured by `npm run bench:time-maths`.
  it.each([2000, 5000])("%i Erlangs: finite, monotonic and exact", (traffic) => {
    const arrivalsPerHour = traffic * 20; // AHT 180 s
    const needed = agentsNeeded({
      arrivalsPerHour,
      ahtSeconds: 180,
      targetServiceLevel: 0.8,
      targetSeconds: 20,
    });
    expect(needed.agents).toBeGreaterThan(traffic);
    expect(needed.agents).toBeLessThan(traffic + 3 * Math.sqrt(traffic));
    expect(Number.isFinite(needed.asa)).toBe(true);

    let previous = erlangC({ arrivalsPerHour, ahtSeconds: 180, agents: traffic + 1 });
    for (let agents = traffic + 2; agents <= traffic + 150; agents++) {
      const result = erlangC({ arrivalsPerHour, ahtSeconds: 180, agents });
      expect(Number.isFinite(result.probabilityOfWaiting)).toBe(true);
      expect(result.probabilityOfWaiting).toBeLessThan(previous.probabilityOfWaiting);
      expect(result.serviceLevel(20)).toBeGreaterThanOrEqual(previous.serviceLevel(20));
      expect(result.asa).toBeLessThan(previous.asa);
      previous = result;
    }
    for (const agents of [traffic + 1, needed.agents, traffic + 100]) {
      const result = erlangC({ arrivalsPerHour, ahtSeconds: 180, agents });
      expect(result.probabilityOfWaiting).toBeCloseTo(logSpaceErlangC(traffic, agents), 9);
    }
  });
});
