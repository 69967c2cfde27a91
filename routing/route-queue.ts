/**
 * One routing pass over one queue: under the queue's advisory lock (one pass per queue at a time,
 * across processes), read its waiting cases and the available agents, let the pure matcher decide,
 * then lock only the chosen cases (skipping any another transaction holds, re-checking they still
 * wait) and the chosen agents (re-reading their load) before an offer is written. Agents serve
 * several queues, so another pass may have given them work since the snapshot was read; the
 * re-check under the row lock is what keeps capacity exact across processes.
 */
import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { applyCaseEvent, type CaseRow } from "../cases/case-workflow.ts";
import { AppError } from "../cases/errors.ts";
import { type UnitOfWork, withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { advisoryXactLock, LOCK_NAMESPACE } from "../db/locks.ts";
import { agents } from "../db/schema/agents.ts";
import { cases } from "../db/schema/cases.ts";
import { offers } from "../db/schema/routing.ts";
import { loadsFor } from "./agent-load.ts";
import { availableAgents } from "./agent-snapshot.ts";
import { hasRoom, type MatcherCase, matchCases } from "./matcher.ts";
import type { RoutingDeps } from "./ports.ts";
import { type QueueRow, toMatcherQueue } from "./queue-config.ts";

/** How many waiting cases one pass considers (highest priority and oldest first). */
const CASES_PER_PASS = 1000;

const PRIORITY_RANK_SQL = sql`case ${cases.priority} when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end`;

export interface RoutePassResult {
  offers: { offerId: string; caseId: string; agentId: string }[];
  /** When waiting cases of this queue next become routable differently (overflow, aging, sticky). */
  nextChangeAt: number | null;
}

/** The waiting cases of some queues in matcher shape (read, not locked: see `lockStillQueued`). */
export async function waitingCases(tx: Tx, deps: RoutingDeps, queueIds: string[], now: Date) {
  if (!queueIds.length) return { rows: [] as CaseRow[], matcherCases: [] as MatcherCase[] };
  const where = and(eq(cases.state, "queued"), inArray(cases.queueId, queueIds));
  // The top by priority then age, plus the oldest of all, so an aged low-priority case is seen too.
  const byPriority = await tx
    .select()
    .from(cases)
    .where(where)
    .orderBy(desc(PRIORITY_RANK_SQL), asc(cases.enqueuedAt))
    .limit(CASES_PER_PASS);
  // When the first read holds every waiting case, the oldest are among them already.
  const oldest =
    byPriority.length < CASES_PER_PASS
      ? []
      : await tx
          .select()
          .from(cases)
          .where(where)
          .orderBy(asc(cases.enqueuedAt))
          .limit(CASES_PER_PASS / 5);
  const rows = [...new Map([...byPriority, ...oldest].map((row) => [row.id, row])).values()];
  const excluded = await missedBy(
    tx,
    rows.map((row) => row.id),
    new Date(now.getTime() - deps.settings.missedOfferCooldownMs),
  );
  const matcherCases: MatcherCase[] = rows.map((row) => ({
    id: row.id,
    queueId: row.queueId!,
    channel: row.channel,
    priority: row.priority,
    enqueuedAt: (row.enqueuedAt ?? row.createdAt).getTime(),
    stickyAgentId: row.stickyAgentId,
    excludedAgentIds: excluded.get(row.id) ?? [],
    stepsApplied: row.routingStepsApplied,
  }));
  return { rows, matcherCases };
}

/** Locks the given cases that still wait, skipping any another transaction holds; returns them fresh. */
export async function lockStillQueued(tx: Tx, caseIds: string[]): Promise<Map<string, CaseRow>> {
  if (!caseIds.length) return new Map();
  const rows = await tx
    .select()
    .from(cases)
    .where(and(inArray(cases.id, caseIds), eq(cases.state, "queued")))
    .orderBy(asc(cases.id))
    .for("update", { skipLocked: true });
  return new Map(rows.map((row) => [row.id, row]));
}

/** Agents who rejected or let lapse an offer of each case within the cool-down. */
async function missedBy(tx: Tx, caseIds: string[], since: Date): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (!caseIds.length) return result;
  const rows = await tx
    .select({ caseId: offers.caseId, agentId: offers.agentId })
    .from(offers)
    .where(
      and(
        inArray(offers.caseId, caseIds),
        inArray(offers.status, ["rejected", "expired"]),
        gt(offers.respondedAt, since),
      ),
    );
  for (const row of rows) result.set(row.caseId, [...(result.get(row.caseId) ?? []), row.agentId]);
  return result;
}

export function offerTimeoutMs(
  deps: RoutingDeps,
  queue: QueueRow | undefined,
  channel: CaseRow["channel"],
): number {
  if (queue?.offerTimeoutSeconds) return queue.offerTimeoutSeconds * 1000;
  return channel === "voice" ? deps.settings.voiceOfferTimeoutMs : deps.settings.offerTimeoutMs;
}

/** Writes one offer for a locked queued case to an agent whose row this transaction holds. */
export async function writeOffer(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  input: { row: CaseRow; agentId: string; timeoutMs: number; now: Date },
) {
  const expiresAt = new Date(input.now.getTime() + input.timeoutMs);
  const [offer] = await tx
    .insert(offers)
    .values({ caseId: input.row.id, agentId: input.agentId, expiresAt, createdAt: input.now })
    .returning();
  const applied = await applyCaseEvent(
    tx,
    uow,
    deps,
    input.row,
    { type: "OFFER", agentId: input.agentId, at: input.now.getTime() },
    { type: "system" },
    { offerId: offer!.id, agentId: input.agentId },
  );
  uow.emit({
    type: "offer.created",
    case: applied.row,
    offerId: offer!.id,
    caseId: input.row.id,
    agentId: input.agentId,
    expiresAt,
  });
  uow.schedule(
    "expire-offer",
    { offerId: offer!.id },
    { jobId: `expire-offer-${offer!.id}`, delayMs: input.timeoutMs },
  );
  return offer!;
}

export async function routeQueueInTransaction(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  queueId: string,
): Promise<RoutePassResult> {
  await advisoryXactLock(tx, LOCK_NAMESPACE.routingQueue, queueId);
  const now = deps.clock();
  const queueRows = (await deps.config.get(tx)).queues;
  if (!queueRows.has(queueId)) return { offers: [], nextChangeAt: null };
  const { rows, matcherCases } = await waitingCases(tx, deps, [queueId], now);
  if (!rows.length) return { offers: [], nextChangeAt: null };
  const candidates = await availableAgents(tx, now);
  const matcherQueues = new Map([...queueRows.values()].map((row) => [row.id, toMatcherQueue(row)]));
  const decision = matchCases({
    agents: candidates,
    cases: matcherCases,
    queues: matcherQueues,
    now: now.getTime(),
  });
  if (!decision.offers.length) return { offers: [], nextChangeAt: decision.nextChangeAt };

  // Lock the chosen agents in id order (no deadlock between passes), then re-read their load.
  const chosen = [...new Set(decision.offers.map((offer) => offer.agentId))].sort();
  const locked = await tx
    .select({
      id: agents.id,
      presence: agents.presence,
      capacity: agents.capacity,
      deactivatedAt: agents.deactivatedAt,
    })
    .from(agents)
    .where(inArray(agents.id, chosen))
    .orderBy(asc(agents.id))
    .for("update");
  const fresh = await loadsFor(tx, chosen);
  const byId = new Map(locked.map((agent) => [agent.id, agent]));
  const stillQueued = await lockStillQueued(
    tx,
    decision.offers.map((offer) => offer.caseId),
  );
  const made: RoutePassResult["offers"] = [];
  for (const proposal of decision.offers) {
    const agent = byId.get(proposal.agentId);
    const load = fresh.get(proposal.agentId);
    const row = stillQueued.get(proposal.caseId);
    if (!row || !agent || !load || agent.presence !== "available" || agent.deactivatedAt) continue;
    if (
      !hasRoom(
        { id: agent.id, skills: {}, capacity: agent.capacity, load, idleSince: 0, available: true },
        row.channel,
      )
    ) {
      continue;
    }
    const offer = await writeOffer(tx, uow, deps, {
      row,
      agentId: agent.id,
      timeoutMs: offerTimeoutMs(deps, queueRows.get(queueId), row.channel),
      now,
    });
    load[row.channel] += 1;
    made.push({ offerId: offer.id, caseId: row.id, agentId: agent.id });
  }
  return { offers: made, nextChangeAt: decision.nextChangeAt };
}

/** One pass over one queue in its own transaction; schedules a wake-up for time-based changes. */
export async function routeQueue(deps: RoutingDeps, queueId: string): Promise<RoutePassResult> {
  const result = await withUnitOfWork(deps, (tx, uow) => routeQueueInTransaction(tx, uow, deps, queueId));
  if (result.nextChangeAt !== null) {
    const delayMs = Math.max(0, result.nextChangeAt - deps.clock().getTime());
    // One wake-up per queue and second is plenty; the id keeps repeats from piling up.
    await deps.jobs.enqueue(
      "route-queue",
      { queueId },
      { jobId: `route-queue-${queueId}-${Math.ceil(result.nextChangeAt / 1000)}`, delayMs },
    );
  }
  return result;
}

/** Queues that have waiting cases, for a pass over everything. */
export async function queuesWithWaitingCases(deps: RoutingDeps): Promise<string[]> {
  const rows = await deps.db
    .selectDistinct({ queueId: cases.queueId })
    .from(cases)
    .where(eq(cases.state, "queued"));
  return rows.map((row) => row.queueId).filter((id): id is string => id !== null);
}

/**
 * Offers one waiting case to one named agent (a supervisor's remedy), with the same checks a
 * routing pass makes: the case still waits, the agent is available and has room.
 */
export function offerCaseTo(deps: RoutingDeps, input: { caseId: string; agentId: string }) {
  return withUnitOfWork(deps, async (tx, uow) => {
    const [queued] = await tx
      .select({ queueId: cases.queueId })
      .from(cases)
      .where(eq(cases.id, input.caseId));
    if (!queued) throw new AppError("NOT_FOUND", `Case '${input.caseId}' does not exist.`);
    if (queued.queueId) await advisoryXactLock(tx, LOCK_NAMESPACE.routingQueue, queued.queueId);
    const row = (await lockStillQueued(tx, [input.caseId])).get(input.caseId);
    if (!row) throw new AppError("CONFLICT", "The case is no longer waiting for an agent.");
    const [agent] = await tx.select().from(agents).where(eq(agents.id, input.agentId)).for("update");
    if (!agent || agent.deactivatedAt)
      throw new AppError("NOT_FOUND", `Agent '${input.agentId}' does not exist.`);
    if (agent.presence !== "available") throw new AppError("CONFLICT", `${agent.name} is not available.`);
    const load = (await loadsFor(tx, [agent.id])).get(agent.id)!;
    if (
      !hasRoom(
        { id: agent.id, skills: {}, capacity: agent.capacity, load, idleSince: 0, available: true },
        row.channel,
      )
    ) {
      throw new AppError("CONFLICT", `${agent.name} has no room for another ${row.channel} case.`);
    }
    const queue = (await deps.config.get(tx)).queues.get(row.queueId ?? "");
    return writeOffer(tx, uow, deps, {
      row,
      agentId: agent.id,
      timeoutMs: offerTimeoutMs(deps, queue, row.channel),
      now: deps.clock(),
    });
  });
}
