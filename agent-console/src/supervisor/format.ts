/** Figures as a supervisor reads them on the wall. */
import type { AgentBoardRow, RemedyKind, RemedyOutcome } from "./types.ts";

export function formatPercent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "–" : `${Math.round(rate * 100)} %`;
}

/** Seconds as "42 s", "3 min 05 s", "1 h 12 min"; a dash when there is nothing to measure. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** Green at or above the goal, amber within ten points of it, red below. */
export function serviceLevelColor(rate: number | null | undefined, goalPercent: number): string {
  if (rate === null || rate === undefined) return "gray";
  const percent = rate * 100;
  if (percent >= goalPercent) return "green";
  if (percent >= goalPercent - 10) return "orange";
  return "red";
}

export const AGENT_STATE_LABEL: Record<AgentBoardRow["state"], string> = {
  available: "Available",
  busy: "Busy",
  wrap_up: "Wrap-up",
  away: "Away",
  offline: "Offline",
};
export const AGENT_STATE_COLOR: Record<AgentBoardRow["state"], string> = {
  available: "green",
  busy: "blue",
  wrap_up: "violet",
  away: "orange",
  offline: "gray",
};

export const REMEDY_LABEL: Record<RemedyKind, string> = {
  widen_routing: "Widen routing",
  offer_to_agent: "Offer to agent",
  move_agents: "Move agents",
  overflow_to_queue: "Overflow to queue",
  raise_priority: "Raise priority",
  delay_notice: "Delay notice",
  offer_callback: "Callback",
};

export const OUTCOME_LABEL: Record<RemedyOutcome, string> = {
  pending: "Judged 10 min after applying",
  recovered: "Worked",
  not_recovered: "Did not work",
};
export const OUTCOME_COLOR: Record<RemedyOutcome, string> = {
  pending: "gray",
  recovered: "green",
  not_recovered: "red",
};
