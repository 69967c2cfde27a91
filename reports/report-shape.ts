/** The report's sections shaped from plain rows and facts: pure, no database. */
import { CHANNELS, type Channel } from "../db/schema/cases.ts";
import type { SlaMetric } from "../db/schema/sla.ts";
import { type CsatFigure, noCsat } from "../sla/csat-figures.ts";
import { agentTime, type MetricsFacts } from "../sla/metrics-figures.ts";
import { isoInZone, localHours, type Window, windowIndex } from "./zone-time.ts";

/** Cases created per 15-minute UTC bucket and channel (every zone's offset is a multiple of 15 minutes). */
export interface VolumeRow {
  bucket: number;
  channel: Channel;
  count: number;
}

export type ChannelCounts = Record<Channel, number>;

export interface VolumeHour extends ChannelCounts {
  /** The local hour's start with its offset, e.g. `2026-11-01T01:00:00-05:00`. */
  start: string;
  total: number;
}

const noChannels = (): ChannelCounts => ({ chat: 0, email: 0, sms: 0, voice: 0 });

/** Every local hour of the period (empty ones too), each with its cases per channel. */
export function volumeByHour(rows: readonly VolumeRow[], timeZone: string, period: Window): VolumeHour[] {
  const hours = localHours(timeZone, period);
  const counts = hours.map(noChannels);
  for (const row of rows) {
    const index = windowIndex(hours, Math.max(row.bucket, period.start));
    if (index >= 0 && CHANNELS.includes(row.channel)) counts[index]![row.channel] += Number(row.count);
  }
  return hours.map((hour, index) => {
    const channels = counts[index]!;
    const total = CHANNELS.reduce((sum, channel) => sum + channels[channel], 0);
    return { start: isoInZone(timeZone, hour.start), ...channels, total };
  });
}

export function channelTotals(hours: readonly VolumeHour[]): ChannelCounts {
  const totals = noChannels();
  for (const hour of hours) for (const channel of CHANNELS) totals[channel] += hour[channel];
  return totals;
}

export interface SlaOutcomeCount {
  metric: SlaMetric;
  type: "met" | "met_late" | "breached";
  count: number;
}

export interface SlaAttainment {
  metric: SlaMetric;
  met: number;
  metLate: number;
  breached: number;
  /** Met on time ÷ (met + met late + breached and not met since); null when none ended. */
  attainment: number | null;
}

const ratio = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;

export function slaAttainment(rows: readonly SlaOutcomeCount[]): SlaAttainment[] {
  const byMetric = new Map<SlaMetric, SlaAttainment>();
  for (const row of rows) {
    const entry = byMetric.get(row.metric) ?? {
      metric: row.metric,
      met: 0,
      metLate: 0,
      breached: 0,
      attainment: null,
    };
    if (row.type === "met") entry.met += Number(row.count);
    else if (row.type === "met_late") entry.metLate += Number(row.count);
    else entry.breached += Number(row.count);
    byMetric.set(row.metric, entry);
  }
  return [...byMetric.values()]
    .map((entry) => ({ ...entry, attainment: ratio(entry.met, entry.met + entry.metLate + entry.breached) }))
    .sort((a, b) => a.metric.localeCompare(b.metric));
}

export interface DispositionCount {
  dispositionId: string | null;
  label: string | null;
  count: number;
}

/** Largest first; cases finished without a code last, as "No disposition". */
export function dispositionShares(rows: readonly DispositionCount[]) {
  const total = rows.reduce((sum, row) => sum + Number(row.count), 0);
  return rows
    .map((row) => ({
      dispositionId: row.dispositionId,
      label: row.label ?? "No disposition",
      count: Number(row.count),
      share: ratio(Number(row.count), total) ?? 0,
    }))
    .sort((a, b) => Number(a.dispositionId === null) - Number(b.dispositionId === null) || b.count - a.count);
}

export interface AgentFigures {
  agentId: string;
  name: string;
  /** Work released by the agent (resolve, close, unassign, transfer) in the period. */
  handled: number;
  /** Mean seconds worked per case released, wrap-up included. */
  aht: number | null;
  /** Busy while available ÷ available time, over the period. */
  occupancy: number | null;
  availableSeconds: number;
  csat: CsatFigure;
}

/**
 * One row per agent who was available, released work or was rated in the period; `queueId` keeps
 * only that queue's work (occupancy stays the agent's whole time).
 */
export function agentTable(
  facts: MetricsFacts,
  window: Window,
  people: ReadonlyMap<string, string>,
  csat: ReadonlyMap<string, CsatFigure>,
  queueIds?: ReadonlySet<string>,
): AgentFigures[] {
  const work = new Map<string, { handled: number; ms: number }>();
  for (const handle of facts.handles) {
    if (handle.releasedAt < window.start || handle.releasedAt >= window.end) continue;
    if (queueIds && (handle.queueId === null || !queueIds.has(handle.queueId))) continue;
    const entry = work.get(handle.agentId) ?? { handled: 0, ms: 0 };
    entry.handled += 1;
    entry.ms += handle.workMs + handle.wrapUpMs;
    work.set(handle.agentId, entry);
  }
  const ids = new Set([...work.keys(), ...csat.keys(), ...facts.agents.keys()]);
  const rows: AgentFigures[] = [];
  for (const agentId of ids) {
    const name = people.get(agentId);
    if (name === undefined) continue;
    const spans = facts.agents.get(agentId);
    const time = spans ? agentTime(spans, window) : { availableMs: 0, occupiedMs: 0 };
    const done = work.get(agentId) ?? { handled: 0, ms: 0 };
    const rated = csat.get(agentId) ?? noCsat;
    if (!done.handled && !time.availableMs && !rated.count) continue;
    rows.push({
      agentId,
      name,
      handled: done.handled,
      aht: done.handled ? Math.round(done.ms / done.handled / 100) / 10 : null,
      occupancy: ratio(time.occupiedMs, time.availableMs),
      availableSeconds: Math.round(time.availableMs) / 1000,
      csat: rated,
    });
  }
  return rows.sort((a, b) => b.handled - a.handled || a.name.localeCompare(b.name));
}
