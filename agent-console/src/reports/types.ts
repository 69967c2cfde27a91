/** The report and export shapes the console reads (GET /api/reports, /api/exports). */
import type { CsatFigure } from "../supervisor/csat-figure.tsx";

export interface Figures {
  offered: number;
  answered: number;
  abandoned: number;
  serviceLevel: number | null;
  asa: number | null;
  aht: number | null;
  abandonment: number | null;
  occupancy: number | null;
  fcr: number | null;
  slaMet: number | null;
}

export interface ChannelCounts {
  chat: number;
  email: number;
  sms: number;
  voice: number;
}

export interface Report {
  period: { from: string; to: string; timeZone: string; queueId: string | null };
  totals: Figures & { csat: CsatFigure };
  volume: {
    byHour: (ChannelCounts & { start: string; total: number })[];
    byChannel: ChannelCounts;
    total: number;
  };
  queues: (Figures & {
    queueId: string;
    name: string;
    goal: { percent: number; seconds: number };
    csat: CsatFigure;
  })[];
  days: (Figures & { start: string })[];
  sla: { metric: string; met: number; metLate: number; breached: number; attainment: number | null }[];
  agents: {
    agentId: string;
    name: string;
    handled: number;
    aht: number | null;
    occupancy: number | null;
    availableSeconds: number;
    csat: CsatFigure;
  }[];
  dispositions: { dispositionId: string | null; label: string; count: number; share: number }[];
}

export const EXPORT_KINDS = ["cases", "interactions", "agent_performance", "sla_events", "csat"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_LABEL: Record<ExportKind, string> = {
  cases: "Cases",
  interactions: "Interactions",
  agent_performance: "Agent performance",
  sla_events: "SLA events",
  csat: "CSAT ratings",
};

export interface ExportJob {
  id: string;
  kind: ExportKind;
  status: "queued" | "running" | "done" | "failed";
  params: { from: string; to: string; timeZone: string; queueId?: string };
  rowsWritten: number;
  rowsTotal: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  downloadUrl: string | null;
}

/** The period asked for, as instants, and the zone its hours and days are cut in. */
export interface ReportPeriod {
  from: string;
  to: string;
  timeZone: string;
  queueId: string | null;
}
