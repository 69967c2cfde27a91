/** What the supervisor wall reads from the API (its socket pushes are in server/realtime/protocol.ts). */

import type { staffingSchema } from "../../../server/routes/sla-remedies.ts";
import type { agentBoardSchema } from "../../../server/routes/supervision.ts";
import type { Remedy, RemedyKind } from "../../../sla/remedies.ts";
import type { CaseSummary, Channel, SlaStatus, Wire } from "../api/types.ts";

// The shapes the server sends, as the server defines them (types only: nothing of the server is bundled).
export type { AgentState, QueueStats } from "../../../routing/queue-stats.ts";
export type { Backlog, LiveMetrics } from "../../../sla/metrics.ts";
export type { WindowFigures as MetricsWindow } from "../../../sla/metrics-figures.ts";
export type { Remedy, RemedyKind } from "../../../sla/remedies.ts";

export type Staffing = Wire<typeof staffingSchema>;

export type { SlaStatus };

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
  /** The case's number, also once it has left the board. */
  caseNumber: number | null;
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

export type AgentBoardRow = Wire<typeof agentBoardSchema>;

export interface MetricsInterval {
  queueId: string;
  intervalStart: string;
  intervalEnd: string;
  provisional: boolean;
  figures: Record<string, number | null>;
  /** Ratings given in the interval on the queue's cases. */
  csat?: { average: number | null; count: number };
}

export interface QueueRef {
  id: string;
  name: string;
}
