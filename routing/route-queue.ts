/**
 * One routing pass over one queue: read its waiting cases and the available agents, let the pure
 * matcher decide, then claim each offer. A claim (`sb_offer`) is one statement that writes the offer
 * only if the case still waits as read and the agent, locked, is available with room: agents serve
 * several queues and processes route at once, so the database's re-check under the agent's row
 * lock is what keeps capacity exact. No lock is held between reading and claiming.
 */
import { randomUUID } from "node:crypto";
import { and, asc, desc, gt, inArray, sql } from "drizzle-orm";
import { CasePlan } from "../cases/case-plan.ts";
import { caseStateHas, stateIn } from "../cases/case-states.ts";
import { type CaseContext, caseWriteParts, writtenFromJson } from "../cases/case-store.ts";
import { type CaseRow, planCaseEvent } from "../cases/case-workflow.ts";
import type { QueuedCase } from "../cases/ports.ts";
import { publishAfterCommit, UnitOfWork } from "../cases/unit-of-work.ts";
import type { Executor, Tx } from "../db/connect.ts";
import { callFunction } from "../db/functions.ts";
import { type Channel, capacityChannelOf, cases } from "../db/schema/cases.ts";
import { offers } from "../db/schema/routing.ts";
import { availableAgents } from "./agent-snapshot.ts";
import { outOfScopeAgents, type RoutingConfig } from "./config-cache.ts";
import { type MatcherCase, matchCases } from "./matcher.ts";
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

/**
 * Who may never be offered the case now, not even as a last resort: the limited agents who may not
 * see its queue, and who turned it down within the cool-down (a rejection is deliberate; a lapse
 * may be a moment away from the desk, so it only moves the agent to the back).
 */
function barredFrom(
  config: RoutingConfig,
  queueId: string,
  rejectedBy: readonly string[],
): string[] | undefined {
  const out = config.scopes.size ? outOfScopeAgents(config, queueId) : [];
  const barred = rejectedBy.length ? [...new Set([...out, ...rejectedBy])] : out;
  return barred.length ? barred : undefined;
}

/** The waiting cases of some queues in matcher shape (read, not locked: see `lockStillQueued`). */
export async function waitingCases(tx: Executor, deps: RoutingDeps, queueIds: string[], now: Date) {
  if (!queueIds.length) return { rows: [] as CaseRow[], matcherCases: [] as MatcherCase[] };
  const where = and(stateIn(cases.state, "routable"), inArray(cases.queueId, queueIds));
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
  const missed = await missedBy(
    tx,
    rows.map((row) => row.id),
    new Date(now.getTime() - deps.settings.missedOfferCooldownMs),
  );
  const config = await deps.config.get(tx);
  const matcherCases: MatcherCase[] = rows.map((row) => ({
    id: row.id,
    queueId: row.queueId!,
    channel: row.channel,
    priority: row.priority,
    enqueuedAt: (row.enqueuedAt ?? row.createdAt).getTime(),
    stickyAgentId: row.stickyAgentId,
    excludedAgentIds: missed.get(row.id)?.lapsed ?? [],
    barredAgentIds: barredFrom(config, row.queueId!, missed.get(row.id)?.rejected ?? []),
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
    .where(and(inArray(cases.id, caseIds), stateIn(cases.state, "routable")))
    .orderBy(asc(cases.id))
    .for("update", { skipLocked: true });
  return new Map(rows.map((row) => [row.id, row]));
}

/** Per case, the agents who let an offer of it lapse, and who rejected one, within the cool-down. */
async function missedBy(
  tx: Executor,
  caseIds: string[],
  since: Date,
): Promise<Map<string, { lapsed: string[]; rejected: string[] }>> {
  const result = new Map<string, { lapsed: string[]; rejected: string[] }>();
  if (!caseIds.length) return result;
  const rows = await tx
    .select({ caseId: offers.caseId, agentId: offers.agentId, status: offers.status })
    .from(offers)
    .where(
      and(
        inArray(offers.caseId, caseIds),
        inArray(offers.status, ["rejected", "expired"]),
        gt(offers.respondedAt, since),
      ),
    );
  for (const row of rows) {
    const entry = result.get(row.caseId) ?? { lapsed: [], rejected: [] };
    (row.status === "rejected" ? entry.rejected : entry.lapsed).push(row.agentId);
    result.set(row.caseId, entry);
  }
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

/** Why a claim was refused: the case moved on or is held, or the agent is held, away or full. */
export type ClaimRefusal = "stale" | "case_busy" | "agent_busy" | "agent_unavailable" | "agent_full";

export type ClaimResult =
  | { status: "ok"; offerId: string; row: CaseRow; load: Record<Channel, number> }
  | { status: ClaimRefusal; load?: Record<Channel, number> };

/** The context an offer is decided on: being offered changes only the case row and its audit. */
const offerContext = (row: CaseRow): CaseContext => ({
  row,
  targets: [],
  contact: null,
  identities: [],
  heldUpdateUntil: null,
  lastInbound: null,
  callPhase: null,
});

/**
 * Offers one waiting case (as read: state and revision) to one agent, in one statement that
 * re-checks both under their row locks. `contactName` rides along in the push to the agent.
 */
export async function claimOffer(deps: RoutingDeps, input: ClaimInput): Promise<ClaimResult> {
  const uow = new UnitOfWork();
  const claim = await claimOfferIn(deps.db, uow, deps, input);
  if (claim.status === "ok") await publishAfterCommit(deps, uow);
  return claim;
}

export interface ClaimInput {
  row: CaseRow;
  agentId: string;
  timeoutMs: number;
  now: Date;
  contactName?: string | null;
}

/** `claimOffer` as part of a caller's transaction: its events, jobs and timer wait in `uow` for the commit. */
export async function claimOfferIn(
  executor: Executor,
  uow: UnitOfWork,
  deps: RoutingDeps,
  input: ClaimInput,
): Promise<ClaimResult> {
  const { row, agentId, now } = input;
  const offerId = randomUUID();
  const expiresAt = new Date(now.getTime() + input.timeoutMs);
  const plan = new CasePlan(offerContext(row), executor);
  const { accepted } = await planCaseEvent(
    deps,
    plan,
    { type: "OFFER", agentId, at: now.getTime() },
    { type: "system" },
    { offerId, agentId },
  );
  // The case as read no longer takes an offer: nothing is written, as when the database finds it moved on.
  if (!accepted) return { status: "stale" };
  const result = await callFunction<Record<string, unknown>>(executor, "sb_offer", {
    ...caseWriteParts(plan.write),
    new_offer: {
      id: offerId,
      agent_id: agentId,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    },
  });
  const load = result.load as Record<Channel, number> | undefined;
  if (result.status !== "ok") return { status: result.status as ClaimRefusal, ...(load ? { load } : {}) };
  const written = writtenFromJson(result);
  plan.finish(written, uow);
  uow.emit({
    type: "offer.created",
    case: written.case,
    offerId,
    caseId: row.id,
    agentId,
    expiresAt,
    ...(input.contactName !== undefined ? { contactName: input.contactName } : {}),
  });
  if (!deps.offerTimers)
    uow.schedule("expire-offer", { offerId }, { jobId: `expire-offer-${offerId}`, delayMs: input.timeoutMs });
  else {
    const timers = deps.offerTimers;
    uow.afterCommit(async () => timers.arm(offerId, input.timeoutMs));
  }
  return { status: "ok", offerId, row: written.case, load: load! };
}

/** The available agents, from this process's registry when it has one, else from the database. */
async function agentsToChooseFrom(deps: RoutingDeps, now: Date) {
  if (!deps.registry) return availableAgents(deps.db, now);
  return (await deps.registry.snapshot()).filter((agent) => agent.presence === "available");
}

/** What a claim's answer tells the registry about the agent. */
function noteClaim(deps: RoutingDeps, agentId: string, claim: ClaimResult): void {
  if (claim.load) deps.registry?.loadIs(agentId, claim.load);
  if (claim.status === "agent_unavailable") deps.registry?.unavailable(agentId);
}

/** How many claims of one pass are in flight at once (each is one statement). */
const CLAIMS_IN_FLIGHT = 8;

/**
 * One pass over one queue. Claims for different agents go out together; one agent's claims go one
 * after another, so they do not refuse each other. An agent the database refuses gets no more
 * offers in this pass.
 */
export async function routeQueue(deps: RoutingDeps, queueId: string): Promise<RoutePassResult> {
  const now = deps.clock();
  const queueRows = (await deps.config.get(deps.db)).queues;
  if (!queueRows.has(queueId)) return { offers: [], nextChangeAt: null };
  const { rows, matcherCases } = await waitingCases(deps.db, deps, [queueId], now);
  if (!rows.length) {
    deps.waiting?.delete(queueId);
    return { offers: [], nextChangeAt: null };
  }
  const candidates = await agentsToChooseFrom(deps, now);
  const matcherQueues = new Map([...queueRows.values()].map((row) => [row.id, toMatcherQueue(row)]));
  const decision = matchCases({
    agents: candidates,
    cases: matcherCases,
    queues: matcherQueues,
    now: now.getTime(),
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const perAgent = new Map<string, string[]>();
  for (const proposal of decision.offers)
    perAgent.set(proposal.agentId, [...(perAgent.get(proposal.agentId) ?? []), proposal.caseId]);
  const made: RoutePassResult["offers"] = [];
  const agentQueue = [...perAgent];
  const worker = async () => {
    for (let next = agentQueue.shift(); next; next = agentQueue.shift()) {
      const [agentId, caseIds] = next;
      for (const caseId of caseIds) {
        const row = byId.get(caseId)!;
        const claim = await claimOffer(deps, {
          row,
          agentId,
          timeoutMs: offerTimeoutMs(deps, queueRows.get(queueId), row.channel),
          now,
        });
        noteClaim(deps, agentId, claim);
        if (claim.status === "ok") made.push({ offerId: claim.offerId, caseId, agentId });
        else if (claim.status.startsWith("agent_")) break;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CLAIMS_IN_FLIGHT, agentQueue.length) }, worker));
  if (decision.nextChangeAt !== null) await scheduleWakeUp(deps, queueId, decision.nextChangeAt);
  if (made.length === rows.length) deps.waiting?.delete(queueId);
  else deps.waiting?.add(queueId);
  return { offers: made, nextChangeAt: decision.nextChangeAt };
}

/** How many agents one arriving case is tried with before it waits for a pass. */
const ARRIVAL_ATTEMPTS = 3;

/**
 * A case that just joined its queue: matched against the agents free for it (from memory) and
 * offered to the best one the database agrees has room. Returns whether it was offered; `moved`
 * means it no longer waits as it did (offered or changed elsewhere), `busy` that another change
 * holds it right now (a pass of its queue should look again).
 */
export async function routeArrival(
  deps: RoutingDeps,
  arrival: QueuedCase,
): Promise<"offered" | "waiting" | "moved" | "busy"> {
  const { row } = arrival;
  if (!caseStateHas(row.state, "routable") || !row.queueId) return "moved";
  const now = deps.clock();
  const queueRows = (await deps.config.get(deps.db)).queues;
  const queue = queueRows.get(row.queueId);
  if (!queue) return "waiting";
  // A case coming back from an offer is not offered again soon to whoever missed it.
  const missed = arrival.firstTime
    ? undefined
    : (await missedBy(deps.db, [row.id], new Date(now.getTime() - deps.settings.missedOfferCooldownMs))).get(
        row.id,
      );
  const matcherCase: MatcherCase = {
    id: row.id,
    queueId: row.queueId,
    channel: row.channel,
    priority: row.priority,
    enqueuedAt: (row.enqueuedAt ?? row.createdAt).getTime(),
    stickyAgentId: row.stickyAgentId,
    excludedAgentIds: missed?.lapsed ?? [],
    barredAgentIds: barredFrom(await deps.config.get(deps.db), row.queueId, missed?.rejected ?? []),
    stepsApplied: row.routingStepsApplied,
  };
  const matcherQueues = new Map([...queueRows.values()].map((q) => [q.id, toMatcherQueue(q)]));
  let candidates = await agentsToChooseFrom(deps, now);
  for (let attempt = 1; attempt <= ARRIVAL_ATTEMPTS; attempt++) {
    const decision = matchCases({
      agents: candidates,
      cases: [matcherCase],
      queues: matcherQueues,
      now: now.getTime(),
    });
    const proposal = decision.offers[0];
    if (!proposal) {
      deps.waiting?.add(row.queueId);
      if (decision.nextChangeAt !== null) await scheduleWakeUp(deps, row.queueId, decision.nextChangeAt);
      return "waiting";
    }
    const release = deps.registry?.reserve(proposal.agentId, capacityChannelOf(row.channel));
    const claim = await claimOffer(deps, {
      row,
      agentId: proposal.agentId,
      timeoutMs: offerTimeoutMs(deps, queue, row.channel),
      now,
      ...(arrival.contactName !== undefined ? { contactName: arrival.contactName } : {}),
    });
    release?.();
    noteClaim(deps, proposal.agentId, claim);
    if (claim.status === "ok") return "offered";
    if (claim.status === "stale") return "moved";
    if (claim.status === "case_busy") return "busy";
    candidates = candidates.filter((agent) => agent.id !== proposal.agentId);
  }
  deps.waiting?.add(row.queueId);
  return "busy";
}

async function scheduleWakeUp(deps: RoutingDeps, queueId: string, at: number): Promise<void> {
  // One wake-up per queue and second is plenty; the id keeps repeats from piling up.
  await deps.jobs.enqueue(
    "route-queue",
    { queueId },
    {
      jobId: `route-queue-${queueId}-${Math.ceil(at / 1000)}`,
      delayMs: Math.max(0, at - deps.clock().getTime()),
    },
  );
}

/** Queues that have waiting cases, for a pass over everything. */
export async function queuesWithWaitingCases(deps: RoutingDeps): Promise<string[]> {
  const rows = await deps.db
    .selectDistinct({ queueId: cases.queueId })
    .from(cases)
    .where(stateIn(cases.state, "routable"));
  const queueIds = rows.map((row) => row.queueId).filter((id): id is string => id !== null);
  if (deps.waiting) {
    deps.waiting.clear();
    for (const queueId of queueIds) deps.waiting.add(queueId);
  }
  return queueIds;
}
