/**
 * Live queue figures: what waits, for how long, who could take it; and each waiting customer's place
 * in line with an estimated wait. Computed from the database on demand, so every process agrees.
 */
import { and, eq, gt, or, sql } from "drizzle-orm";
import { stateIn } from "../cases/case-states.ts";
import type { Executor } from "../db/connect.ts";
import { caseEvents, cases } from "../db/schema/cases.ts";
import { type AgentSnapshot, agentSnapshots } from "./agent-snapshot.ts";
import { caseOrder, hasRoom, type MatcherCase, type MatcherQueue } from "./matcher.ts";
import { loadQueues, toMatcherQueue } from "./queue-config.ts";

export type AgentState = "available" | "busy" | "away" | "offline";

export interface QueueStats {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number;
  pendingOffers: number;
  assigned: number;
  /** Agents who hold the queue's required skills, by state (busy: available but at capacity). */
  agents: Record<AgentState, number>;
}

/** The window over which assignments are counted to estimate how fast a queue moves. */
const RATE_WINDOW_MS = 15 * 60_000;

function meetsRequired(skills: Record<string, number>, queue: MatcherQueue): boolean {
  return queue.requiredSkills.every((requirement) => (skills[requirement.skill] ?? 0) >= requirement.level);
}

/**
 * `agents`: everyone active with their load, when the caller has them at hand (the routing
 * registry); otherwise they are read.
 */
export async function queueStats(
  executor: Executor,
  now: Date,
  agents?: readonly AgentSnapshot[],
): Promise<QueueStats[]> {
  const queueRows = await loadQueues(executor);
  const waiting = await executor
    .select({
      queueId: cases.queueId,
      waiting: sql<number>`count(*) filter (where ${stateIn(cases.state, "routable")})::int`,
      offered: sql<number>`count(*) filter (where ${stateIn(cases.state, "offerPending")})::int`,
      assigned: sql<number>`count(*) filter (where ${stateIn(cases.state, "occupiesAgent")})::int`,
      oldest: sql<string | null>`min(${cases.enqueuedAt}) filter (where ${stateIn(cases.state, "inQueue")})`,
    })
    .from(cases)
    .where(or(stateIn(cases.state, "inQueue"), stateIn(cases.state, "occupiesAgent")))
    .groupBy(cases.queueId);
  const byQueue = new Map(waiting.map((row) => [row.queueId, row]));

  // Everyone active, whatever their presence: figures count away and offline agents too.
  const people = agents ?? (await agentSnapshots(executor, now));
  const stateOf = (person: AgentSnapshot): AgentState => {
    if (person.presence !== "available") return person.presence;
    const anyRoom = (["chat", "email", "sms", "voice"] as const).some((channel) => hasRoom(person, channel));
    return anyRoom ? "available" : "busy";
  };

  return [...queueRows.values()].map((row) => {
    const queue = toMatcherQueue(row);
    const counts: Record<AgentState, number> = { available: 0, busy: 0, away: 0, offline: 0 };
    for (const person of people) if (meetsRequired(person.skills, queue)) counts[stateOf(person)] += 1;
    const figures = byQueue.get(row.id);
    const oldest = figures?.oldest ? new Date(figures.oldest).getTime() : null;
    return {
      queueId: row.id,
      name: row.name,
      waiting: Number(figures?.waiting ?? 0),
      longestWaitSeconds: oldest === null ? 0 : Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
      pendingOffers: Number(figures?.offered ?? 0),
      assigned: Number(figures?.assigned ?? 0),
      agents: counts,
    };
  });
}

export interface QueuePosition {
  caseId: string;
  queueId: string;
  /** The customer's address on the channel (the chat visitor id). */
  customerAddress: string;
  position: number;
  /** Null until the queue has moved recently enough to estimate. */
  estimatedWaitSeconds: number | null;
}

/** How many cases of each queue were assigned in the recent window (per second). */
async function assignmentRates(executor: Executor, now: Date): Promise<Map<string, number>> {
  const rows = await executor
    .select({ queueId: cases.queueId, n: sql<number>`count(*)::int` })
    .from(caseEvents)
    .innerJoin(cases, eq(cases.id, caseEvents.caseId))
    .where(and(eq(caseEvents.type, "assign"), gt(caseEvents.at, new Date(now.getTime() - RATE_WINDOW_MS))))
    .groupBy(cases.queueId);
  return new Map(rows.map((row) => [row.queueId ?? "", Number(row.n) / (RATE_WINDOW_MS / 1000)]));
}

/**
 * The place in line of waiting cases on the given channels (those whose customers can be told),
 * within the first `limit` of each queue; the order is the router's.
 */
export async function queuePositions(
  executor: Executor,
  now: Date,
  options: { channels: ("chat" | "voice")[]; limit: number },
): Promise<QueuePosition[]> {
  const queueRows = await loadQueues(executor);
  const matcherQueues = new Map([...queueRows.values()].map((row) => [row.id, toMatcherQueue(row)]));
  const waiting = await executor
    .select({
      id: cases.id,
      queueId: cases.queueId,
      channel: cases.channel,
      priority: cases.priority,
      enqueuedAt: cases.enqueuedAt,
      createdAt: cases.createdAt,
      customerAddress: cases.customerAddress,
    })
    .from(cases)
    .where(stateIn(cases.state, "routable"))
    .orderBy(cases.enqueuedAt)
    .limit(options.limit * Math.max(1, queueRows.size));
  if (!waiting.some((row) => (options.channels as string[]).includes(row.channel))) return [];
  const rates = await assignmentRates(executor, now);
  const result: QueuePosition[] = [];
  const byQueue = new Map<string, typeof waiting>();
  for (const row of waiting) byQueue.set(row.queueId ?? "", [...(byQueue.get(row.queueId ?? "") ?? []), row]);
  for (const [queueId, rows] of byQueue) {
    if (!matcherQueues.has(queueId)) continue;
    const ordered = rows
      .map((row): MatcherCase & { customerAddress: string } => ({
        id: row.id,
        queueId,
        channel: row.channel,
        priority: row.priority,
        enqueuedAt: (row.enqueuedAt ?? row.createdAt).getTime(),
        stickyAgentId: null,
        excludedAgentIds: [],
        customerAddress: row.customerAddress,
      }))
      .sort((a, b) => caseOrder(a, b, matcherQueues, now.getTime()))
      .slice(0, options.limit);
    const rate = rates.get(queueId) ?? 0;
    ordered.forEach((row, index) => {
      if (!(options.channels as string[]).includes(row.channel)) return;
      const position = index + 1;
      result.push({
        caseId: row.id,
        queueId,
        customerAddress: row.customerAddress,
        position,
        estimatedWaitSeconds: rate > 0 ? Math.round(position / rate) : null,
      });
    });
  }
  return result;
}
