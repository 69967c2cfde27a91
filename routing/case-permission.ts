/**
 * The facts `mayWorkCase` (cases/case-permissions.ts) decides on, read for one person and one case:
 * the case's assignee and queue and its pending offer in one statement; the agent's skills and the
 * queues (cached) only when the case is unassigned in a queue. An unlimited supervisor or an admin
 * costs no statement.
 */
import { eq, sql } from "drizzle-orm";
import { type CaseActor, type CaseWorkDecision, mayWorkCase, scopeOf } from "../cases/case-permissions.ts";
import { AppError, notFound } from "../cases/errors.ts";
import type { Db } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cases } from "../db/schema/cases.ts";
import { agentSkills, offers } from "../db/schema/routing.ts";
import type { RoutingConfigCache } from "./config-cache.ts";
import { servesQueue } from "./matcher-rules.ts";
import { toMatcherQueue } from "./queue-config.ts";

export interface CasePermissionDeps {
  db: Db;
  config: RoutingConfigCache;
}

async function agentServesQueue(
  deps: CasePermissionDeps,
  agentId: string,
  queueId: string,
): Promise<boolean> {
  const { queues } = await deps.config.get(deps.db);
  const queue = queues.get(queueId);
  if (!queue) return true;
  const levels = await deps.db
    .select({ skillId: agentSkills.skillId, level: agentSkills.level })
    .from(agentSkills)
    .where(eq(agentSkills.agentId, agentId));
  const skills = Object.fromEntries(levels.map((row) => [row.skillId, row.level]));
  const matcherQueues = new Map([...queues.values()].map((row) => [row.id, toMatcherQueue(row)]));
  return servesQueue({ skills }, matcherQueues.get(queueId)!, matcherQueues);
}

/** The decision for one agent and one case; null when the case does not exist (the route says 404). */
export async function decideCaseWork(
  deps: CasePermissionDeps,
  actor: CaseActor,
  caseId: string,
): Promise<CaseWorkDecision | null> {
  if (actor.role !== "agent" && !scopeOf(actor).limited) return { allowed: true };
  const [facts] = await deps.db
    .select({
      assigneeId: cases.assigneeId,
      assigneeName: agents.name,
      queueId: cases.queueId,
      offeredToId: sql<string | null>`(select ${offers.agentId} from ${offers}
        where ${offers.caseId} = ${cases.id} and ${offers.status} = 'pending' limit 1)`,
    })
    .from(cases)
    .leftJoin(agents, eq(agents.id, cases.assigneeId))
    .where(eq(cases.id, caseId));
  if (!facts) return null;
  const unassignedInQueue = facts.assigneeId === null && facts.offeredToId === null && facts.queueId;
  const serves =
    unassignedInQueue && actor.role === "agent"
      ? await agentServesQueue(deps, actor.id, facts.queueId!)
      : false;
  return mayWorkCase(actor, facts, () => serves);
}

/**
 * Throws FORBIDDEN, saying why and what to do, when the person may not work the case; NOT_FOUND when
 * the case is outside the queues they may see, as for a case that does not exist.
 */
export async function assertMayWorkCase(
  deps: CasePermissionDeps,
  actor: CaseActor,
  caseId: string,
): Promise<void> {
  const decision = await decideCaseWork(deps, actor, caseId);
  if (decision && !decision.allowed)
    throw decision.hidden ? notFound("Case", caseId) : new AppError("FORBIDDEN", decision.reason);
}

/** Throws NOT_FOUND when the person may not see the case (or it does not exist). */
export async function assertMaySeeCase(deps: CasePermissionDeps, actor: CaseActor, caseId: string) {
  if (!scopeOf(actor).limited) return;
  const decision = await decideCaseWork(deps, actor, caseId);
  if (!decision || (!decision.allowed && decision.hidden)) throw notFound("Case", caseId);
}
