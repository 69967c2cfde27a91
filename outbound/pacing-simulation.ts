/**
 * A seeded, second-by-second simulation of a dialer using `linesToDial`: calls ring for a while,
 * are answered with a given probability, and an answered call with no free agent is abandoned.
 * Used by the pacing tests and bench/dialer.ts; pure apart from its own random numbers.
 */

import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { type DialMode, linesToDial, type PacingStats } from "./pacing.ts";

export interface SimulationSettings {
  mode: DialMode;
  agents: number;
  calls: number;
  answerProbability: number;
  /** Seconds a call rings before it is answered or given up: uniform between these. */
  ringSeconds: [number, number];
  /** Mean talk time (exponential), seconds. */
  meanTalkSeconds: number;
  wrapUpSeconds: number;
  abandonLimit: number;
  seed: number;
}

export interface SimulationResult extends PacingStats {
  abandonRate: number;
  /** Share of agent time spent talking or in wrap-up. */
  utilisation: number;
  seconds: number;
}

/** A seeded generator of floats in [0, 1): the same seed gives the same run. */
function random(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

export function simulatePacing(settings: SimulationSettings): SimulationResult {
  const next = random(settings.seed);
  /** Second at which each agent is free again. */
  const busyUntil = new Array<number>(settings.agents).fill(0);
  let ringing: { resolvesAt: number; answered: boolean }[] = [];
  const stats: PacingStats = { dialed: 0, answered: 0, abandoned: 0 };
  let busySeconds = 0;
  let second = 0;
  while (stats.dialed < settings.calls || ringing.length) {
    const resolving = ringing.filter((call) => call.resolvesAt <= second);
    ringing = ringing.filter((call) => call.resolvesAt > second);
    for (const call of resolving) {
      if (!call.answered) continue;
      stats.answered += 1;
      const agent = busyUntil.findIndex((until) => until <= second);
      if (agent < 0) {
        stats.abandoned += 1;
        continue;
      }
      const talk = Math.max(1, Math.round(-Math.log(1 - next()) * settings.meanTalkSeconds));
      busyUntil[agent] = second + talk + settings.wrapUpSeconds;
    }
    const free = busyUntil.filter((until) => until <= second).length;
    if (stats.dialed < settings.calls) {
      const { lines } = linesToDial({
        mode: settings.mode,
        freeAgents: free,
        callsInFlight: ringing.length,
        stats,
        abandonLimit: settings.abandonLimit,
      });
      for (let line = 0; line < lines && stats.dialed < settings.calls; line++) {
        const [low, high] = settings.ringSeconds;
        ringing.push({
          resolvesAt: second + low + Math.floor(next() * (high - low + 1)),
          answered: next() < settings.answerProbability,
        });
        stats.dialed += 1;
      }
    }
    busySeconds += settings.agents - busyUntil.filter((until) => until <= second).length;
    second += 1;
  }
  return {
    ...stats,
    abandonRate: stats.answered ? stats.abandoned / stats.answered : 0,
    utilisation: second ? busySeconds / (second * settings.agents) : 0,
    seconds: second,
  };
}
