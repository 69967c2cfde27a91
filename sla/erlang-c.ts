/**
 * Erlang C staffing maths for a queue of calls (or chats worked one at a time), pure.
 *
 * Calls arrive at random (Poisson) at `arrivalsPerHour`, take `ahtSeconds` on average (exponential),
 * wait in one queue served by `agents` and nobody hangs up. Traffic A = arrivalsPerHour · AHT / 3600
 * Erlangs. The Erlang B recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)) stays within (0, 1], so
 * unlike the textbook form with A^N / N! it neither overflows nor loses precision at thousands of
 * Erlangs; Erlang C follows as C = N·B / (N − A·(1 − B)).
 */

export type ErlangCInput = {
  arrivalsPerHour: number;
  /** Average handling time: talk plus hold plus after-call work, in seconds. */
  ahtSeconds: number;
  /** Agents answering, an integer >= 0. */
  agents: number;
};

export type ErlangCResult = {
  /** Offered traffic A in Erlangs: the average number of calls in progress with no queue. */
  trafficErlangs: number;
  /** Chance that a call has to wait at all (Erlang C), 0..1. */
  probabilityOfWaiting: number;
  /** Fraction of calls, 0..1, answered within `targetSeconds` of arriving. */
  serviceLevel(targetSeconds: number): number;
  /** Average speed of answer over all calls, waiting or not, in seconds. */
  asa: number;
  /** Share of the agents' time spent on calls: traffic / agents, 0..1. */
  occupancy: number;
};

export type AgentsNeededInput = {
  arrivalsPerHour: number;
  ahtSeconds: number;
  /** Fraction of calls to answer within `targetSeconds`, in (0, 1): 0.8 for "80/20". */
  targetServiceLevel: number;
  targetSeconds: number;
  /** Highest acceptable occupancy, in (0, 1], e.g. 0.85 to keep agents from burning out. */
  maxOccupancy?: number;
  /** Share of paid time agents are not available for calls (breaks, training), in [0, 1). */
  shrinkage?: number;
};

export type AgentsNeededResult = {
  /** Agents needed on the phones. */
  agents: number;
  /** Agents to schedule so that `agents` are on the phones after shrinkage. */
  scheduled: number;
  /** Service level at `targetSeconds` with `agents`. */
  serviceLevel: number;
  occupancy: number;
  probabilityOfWaiting: number;
  asa: number;
};

/**
 * Queue figures for a given number of agents.
 *
 * - With no traffic (no arrivals, or AHT 0) nobody waits: probability of waiting 0, service level 1,
 *   ASA 0, occupancy 0, whatever the number of agents, 0 included.
 * - With agents <= traffic the queue is unstable: it grows without bound, so probability of waiting
 *   is 1, service level 0 at any target, ASA Infinity and occupancy 1.
 */
export function erlangC(input: ErlangCInput): ErlangCResult {
  requireObject(input, "erlangC");
  const arrivalsPerHour = nonNegative(input.arrivalsPerHour, "arrivalsPerHour");
  const ahtSeconds = nonNegative(input.ahtSeconds, "ahtSeconds");
  const agents = input.agents;
  if (!Number.isInteger(agents) || agents < 0) {
    throw new RangeError(`agents must be an integer >= 0, got ${String(agents)}`);
  }
  const traffic = trafficOf(arrivalsPerHour, ahtSeconds);
  return figures(traffic, ahtSeconds, agents, erlangBOf(traffic, agents));
}

/**
 * The smallest number of agents that answers `targetServiceLevel` of calls within `targetSeconds`
 * and, when `maxOccupancy` is given, keeps occupancy at or below it; `scheduled` adds shrinkage:
 * ceil(agents / (1 − shrinkage)). With no traffic, 0 agents meet any target.
 */
export function agentsNeeded(input: AgentsNeededInput): AgentsNeededResult {
  requireObject(input, "agentsNeeded");
  const arrivalsPerHour = nonNegative(input.arrivalsPerHour, "arrivalsPerHour");
  const ahtSeconds = nonNegative(input.ahtSeconds, "ahtSeconds");
  const targetSeconds = nonNegative(input.targetSeconds, "targetSeconds");
  const targetServiceLevel = input.targetServiceLevel;
  if (!isNumber(targetServiceLevel) || targetServiceLevel <= 0 || targetServiceLevel >= 1) {
    throw new RangeError(
      `targetServiceLevel must be a fraction between 0 and 1 (exclusive), e.g. 0.8, got ${String(targetServiceLevel)}`,
    );
  }
  const maxOccupancy = input.maxOccupancy ?? 1;
  if (!isNumber(maxOccupancy) || maxOccupancy <= 0 || maxOccupancy > 1) {
    throw new RangeError(`maxOccupancy must be a fraction in (0, 1], e.g. 0.85, got ${String(maxOccupancy)}`);
  }
  const shrinkage = input.shrinkage ?? 0;
  if (!isNumber(shrinkage) || shrinkage < 0 || shrinkage >= 1) {
    throw new RangeError(`shrinkage must be a fraction in [0, 1), e.g. 0.3, got ${String(shrinkage)}`);
  }

  const traffic = trafficOf(arrivalsPerHour, ahtSeconds);
  // The queue is stable from floor(A) + 1 agents, and occupancy A/N <= max needs N >= A / max (floored,
  // as A / max may come out a hair above a whole number that does fit).
  let agents = traffic === 0 ? 0 : Math.max(Math.floor(traffic) + 1, Math.floor(traffic / maxOccupancy));
  let erlangB = erlangBOf(traffic, agents);
  for (;;) {
    const result = figures(traffic, ahtSeconds, agents, erlangB);
    const serviceLevel = result.serviceLevel(targetSeconds);
    // The occupancy check forgives rounding, so 8.5 Erlangs on 10 agents meets a maximum of 0.85.
    if (serviceLevel >= targetServiceLevel && result.occupancy <= maxOccupancy + 1e-12) {
      return {
        agents,
        scheduled: withShrinkage(agents, shrinkage),
        serviceLevel,
        occupancy: result.occupancy,
        probabilityOfWaiting: result.probabilityOfWaiting,
        asa: result.asa,
      };
    }
    // Service level rises and occupancy falls with every agent, so the first fit is the smallest.
    agents += 1;
    erlangB = nextErlangB(traffic, agents, erlangB);
  }
}

function figures(traffic: number, ahtSeconds: number, agents: number, erlangB: number): ErlangCResult {
  if (traffic === 0) {
    return {
      trafficErlangs: 0,
      probabilityOfWaiting: 0,
      serviceLevel: checked(() => 1),
      asa: 0,
      occupancy: 0,
    };
  }
  if (agents <= traffic) {
    return {
      trafficErlangs: traffic,
      probabilityOfWaiting: 1,
      serviceLevel: checked(() => 0),
      asa: Number.POSITIVE_INFINITY,
      occupancy: 1,
    };
  }
  const spare = agents - traffic;
  const probabilityOfWaiting = Math.min(1, (agents * erlangB) / (agents - traffic * (1 - erlangB)));
  return {
    trafficErlangs: traffic,
    probabilityOfWaiting,
    // A waiting call's wait is exponential with rate (N − A) / AHT.
    serviceLevel: checked((targetSeconds) =>
      Math.max(0, 1 - probabilityOfWaiting * Math.exp((-spare * targetSeconds) / ahtSeconds)),
    ),
    asa: (probabilityOfWaiting * ahtSeconds) / spare,
    occupancy: traffic / agents,
  };
}

function checked(serviceLevel: (targetSeconds: number) => number): (targetSeconds: number) => number {
  return (targetSeconds) => serviceLevel(nonNegative(targetSeconds, "targetSeconds"));
}

function erlangBOf(traffic: number, agents: number): number {
  let erlangB = 1;
  // Far beyond the traffic B underflows to 0 and stays there.
  for (let n = 1; n <= agents && erlangB > 0; n++) erlangB = nextErlangB(traffic, n, erlangB);
  return erlangB;
}

function nextErlangB(traffic: number, agents: number, previous: number): number {
  return (traffic * previous) / (agents + traffic * previous);
}

function trafficOf(arrivalsPerHour: number, ahtSeconds: number): number {
  return (arrivalsPerHour * ahtSeconds) / 3600;
}

/**
 * ceil(agents / (1 − shrinkage)), forgiving the last bits of floating-point error: 21 agents at 30 %
 * shrinkage are 30 scheduled, although 21 / (1 − 0.3) is 30.000000000000004 in doubles.
 */
function withShrinkage(agents: number, shrinkage: number): number {
  const exact = agents / (1 - shrinkage);
  const nearest = Math.round(exact);
  // A few units in the last place (~1e-16 relative) are rounding; anything larger is a real fraction.
  return Math.abs(exact - nearest) <= 1e-12 * Math.max(1, exact) ? nearest : Math.ceil(exact);
}

function requireObject(input: unknown, name: string): void {
  if (typeof input !== "object" || input === null)
    throw new RangeError(`${name} takes an object of named inputs`);
}

function nonNegative(value: unknown, name: string): number {
  if (!isNumber(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
