/**
 * Predictive pacing over 10,000 calls, second by second (outbound/pacing-simulation.ts): calls ring
 * 5–25 s, are answered with a given probability, talk times are exponential, and an answered call
 * with no free agent is abandoned. Prints the abandonment rate (abandoned / answered, limit 3 %) and
 * agent utilisation for predictive and progressive pacing at several answer rates.
 *
 *   node --import tsx bench/dialer.ts
 *
 * The last line is `key=value` figures (the worst predictive abandonment across the runs).
 */
import { type SimulationSettings, simulatePacing } from "../outbound/pacing-simulation.ts";

const CALLS = Number(process.env.BENCH_CALLS ?? 10_000);
const base: Omit<SimulationSettings, "mode" | "answerProbability" | "seed"> = {
  agents: 20,
  calls: CALLS,
  ringSeconds: [5, 25],
  meanTalkSeconds: 120,
  wrapUpSeconds: 10,
  abandonLimit: 0.03,
};
const pct = (value: number) => `${(value * 100).toFixed(2)} %`;

let worstAbandon = 0;
let predictiveUtilisation = 0;
let progressiveUtilisation = 0;
let runs = 0;
for (const answerProbability of [0.2, 0.35, 0.6]) {
  for (const seed of [1, 2, 3]) {
    const predictive = simulatePacing({ ...base, mode: "predictive", answerProbability, seed });
    const progressive = simulatePacing({ ...base, mode: "progressive", answerProbability, seed });
    worstAbandon = Math.max(worstAbandon, predictive.abandonRate);
    predictiveUtilisation += predictive.utilisation;
    progressiveUtilisation += progressive.utilisation;
    runs += 1;
    console.log(
      `answer ${pct(answerProbability)} seed ${seed}: predictive ${predictive.dialed} dialled, ${predictive.answered} answered, ${predictive.abandoned} abandoned (${pct(predictive.abandonRate)}), utilisation ${pct(predictive.utilisation)}, ${(predictive.seconds / 3600).toFixed(1)} h | progressive utilisation ${pct(progressive.utilisation)}, ${(progressive.seconds / 3600).toFixed(1)} h`,
    );
  }
}
console.log(
  `calls=${CALLS} agents=${base.agents} worst_abandon_pct=${(worstAbandon * 100).toFixed(2)} limit_pct=3 predictive_utilisation_pct=${((predictiveUtilisation / runs) * 100).toFixed(1)} progressive_utilisation_pct=${((progressiveUtilisation / runs) * 100).toFixed(1)}`,
);
