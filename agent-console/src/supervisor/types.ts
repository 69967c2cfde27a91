/** What the supervisor wall reads from the API (its socket pushes are in server/realtime/protocol.ts). */
import type { Remedy, RemedyKind } from "../../../sla/remedies.ts";
import type { CaseState, CaseSummary, Channel, Presence, Priority } from "../api/types.ts";

// The shapes the server sends, as the server defines them (types only: nothing of the server is bundled).
export type { AgentState, QueueStats } from "../../../routing/queue-stats.ts";
export type { Backlog, LiveMetrics } from "../../../sla/metrics.ts";
export type { WindowFigures as MetricsWindow } from "../../../sla/metrics-figures.ts";
export type { Remedy, RemedyKind } from "../../../sla/remedies.ts";

export interface Staffing {
  queueId: string;
  name: string;
  goal: { percent: number; seconds: number };
  load: { arrivalsPerHour: number; ahtSeconds: number; waiting: number };
  staffed: number;
  needed: number;
  serviceLevel: number | null;
}

export type SlaStatus = "active" | "at_risk" | "breached" | "met" | "met_late";

export interface SlaBoard {
  cases: {
    case: CaseSummary & { slaStatus: SlaStatus | null; slaDueAt: string | null };
    remedies: Remedy[];
  }[];
  queues: { staffing: Staffing; remedies: Remedy[] }[];
}

export type RemedyOutcome = "pending" | "recovered" | "not_recovered";

export interface AppliedRemedy {
  id: string;
  kind: RemedyKind;
  caseId: string | null;
  queueId: string | null;
  params: Record<string, unknown>;
  predicted: Record<string, unknown>;
  appliedBy: string | null;
  appliedAt: string;
  outcome: RemedyOutcome;
  outcomeAt: string | null;
  outcomeDetails: Record<string, unknown>;
}

export type ChannelLoad = Record<Channel, number>;

export interface AgentBoardRow {
  id: string;
  name: string;
  email: string;
  role: "agent" | "supervisor" | "admin";
  presence: Presence;
  presenceReason: string | null;
  presenceChangedAt: string;
  state: "available" | "busy" | "wrap_up" | "away" | "offline";
  capacity: ChannelLoad;
  load: ChannelLoad;
  cases: {
    id: string;
    number: number;
    subject: string;
    channel: Channel;
    state: CaseState;
    priority: Priority;
  }[];
}

export interface MetricsInterval {
  queueId: string;
  intervalStart: string;
  intervalEnd: string;
  provisional: boolean;
  figures: Record<string, number | null>;
}

export interface QueueRef {
  id: string;
  name: string;
}
