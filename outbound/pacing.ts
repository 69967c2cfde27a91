/**
 * How many numbers to dial now. Preview: none (the agent asks for a record and decides).
 * Progressive: one line per free agent, counting calls already ringing. Predictive: more lines than
 * free agents, by a ratio from the campaign's answer rate, backed off to 1 as the abandonment rate
 * (abandoned / answered over the last 30 days) nears the campaign's limit.
 */

export const DIAL_MODES = ["preview", "progressive", "predictive"] as const;
export type DialMode = (typeof DIAL_MODES)[number];

export interface PacingStats {
  /** Calls placed in the window (30 days). */
  dialed: number;
  /** Calls a person answered (connected to an agent or abandoned). */
  answered: number;
  /** Answered calls no agent was free for. */
  abandoned: number;
}

export interface PacingInput {
  mode: DialMode;
  freeAgents: number;
  /** Calls dialed and not yet answered or finished. */
  callsInFlight: number;
  stats: PacingStats;
  /** Abandoned / answered, as a fraction (0.03 for 3 %). */
  abandonLimit: number;
  /** The highest lines-per-agent ratio predictive mode uses. */
  maxRatio?: number;
}

export interface PacingDecision {
  lines: number;
  ratio: number;
  explanation: string;
}

/** Below this many answered calls the answer rate is not known well enough to dial ahead. */
export const MIN_ANSWERED_FOR_PREDICTION = 30;
/** The ratio drops to 1 once the abandonment rate reaches this share of the limit. */
export const BACK_OFF_AT = 0.7;
export const DEFAULT_MAX_RATIO = 3;

const percent = (fraction: number) => `${(fraction * 100).toFixed(2)} %`;

export function abandonRate(stats: PacingStats): number {
  return stats.answered > 0 ? stats.abandoned / stats.answered : 0;
}

/** Lines per free agent for predictive dialing. */
export function predictiveRatio(
  stats: PacingStats,
  abandonLimit: number,
  maxRatio = DEFAULT_MAX_RATIO,
): { ratio: number; why: string } {
  if (stats.answered < MIN_ANSWERED_FOR_PREDICTION)
    return { ratio: 1, why: `only ${stats.answered} answered calls so far: one line per agent` };
  const rate = abandonRate(stats);
  const ceiling = abandonLimit * BACK_OFF_AT;
  if (rate >= ceiling)
    return {
      ratio: 1,
      why: `abandonment ${percent(rate)} near the limit ${percent(abandonLimit)}: backed off to 1`,
    };
  const answerRate = stats.dialed > 0 ? stats.answered / stats.dialed : 1;
  const target = Math.min(maxRatio, Math.max(1, 1 / Math.max(answerRate, 1e-6)));
  // Headroom shrinks the ratio smoothly towards 1 as abandonment approaches the ceiling.
  const headroom = 1 - rate / ceiling;
  const ratio = 1 + (target - 1) * headroom;
  return {
    ratio,
    why: `answer rate ${percent(answerRate)}, abandonment ${percent(rate)} of ${percent(abandonLimit)}`,
  };
}

export function linesToDial(input: PacingInput): PacingDecision {
  const free = Math.max(0, input.freeAgents);
  switch (input.mode) {
    case "preview":
      return { lines: 0, ratio: 0, explanation: "preview: agents choose when to call" };
    case "progressive": {
      const lines = Math.max(0, free - input.callsInFlight);
      return {
        lines,
        ratio: 1,
        explanation: `progressive: ${free} free agents, ${input.callsInFlight} calls ringing: ${lines} to dial`,
      };
    }
    case "predictive": {
      const { ratio, why } = predictiveRatio(input.stats, input.abandonLimit, input.maxRatio);
      const lines = Math.max(0, Math.floor(free * ratio + 1e-9) - input.callsInFlight);
      return {
        lines,
        ratio,
        explanation: `predictive ratio ${ratio.toFixed(2)} (${why}): ${free} free agents, ${input.callsInFlight} ringing: ${lines} to dial`,
      };
    }
  }
}
