/**
 * What a supervisor limited to some queues may see of the team and the figures, as plain filters:
 * the queue rule is `queueInScope`, the people rule `maySeeAgent` (cases/case-permissions.ts). An
 * unlimited viewer gets filters that keep everything and cost no statement.
 */
import { eq, inArray } from "drizzle-orm";
import { type CaseActor, maySeeAgent, queueInScope, scopeOf } from "../cases/case-permissions.ts";
import type { Executor } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cases } from "../db/schema/cases.ts";
import { agentSkills } from "../db/schema/routing.ts";
import type { RoutingConfigCache } from "./config-cache.ts";
import { servesQueue } from "./matcher-rules.ts";
import { toMatcherQueue } from "./queue-config.ts";
import { storedQueueScopes } from "./queue-scope.ts";

/** Keeps the rows whose queue the viewer may see (every row for an unlimited viewer). */
export function inViewersQueues<T extends { queueId: string | null }>(viewer: CaseActor, rows: T[]): T[] {
  const scope = scopeOf(viewer);
  return scope.limited ? rows.filter((row) => queueInScope(scope, row.queueId)) : rows;
}

/** Whether the viewer may see each agent: by skills (servesQueue) or by the agent's own scope. */
export async function agentsVisibleTo(
  deps: { db: Executor; config: RoutingConfigCache },
  viewer: CaseActor,
): Promise<(agentId: string) => boolean> {
  if (!scopeOf(viewer).limited) return () => true;
  const { queues } = await deps.config.get(deps.db);
  const matcherQueues = new Map([...queues.values()].map((row) => [row.id, toMatcherQueue(row)]));
  const people = await deps.db
    .select({ id: agents.id, queueScopeLimited: agents.queueScopeLimited })
    .from(agents);
  const scopes = await storedQueueScopes(deps.db, people);
  const skillRows = await deps.db
    .select({ agentId: agentSkills.agentId, skillId: agentSkills.skillId, level: agentSkills.level })
    .from(agentSkills);
  const skills = new Map<string, Record<string, number>>();
  for (const row of skillRows)
    skills.set(row.agentId, { ...skills.get(row.agentId), [row.skillId]: row.level });
  const visible = new Set(
    people
      .filter((person) =>
        maySeeAgent(viewer, { id: person.id, scope: scopes.get(person.id)! }, (queueId) => {
          const queue = matcherQueues.get(queueId);
          return (
            queue !== undefined && servesQueue({ skills: skills.get(person.id) ?? {} }, queue, matcherQueues)
          );
        }),
      )
      .map((person) => person.id),
  );
  return (agentId) => visible.has(agentId);
}

/** The queues of these cases, for filtering rows that name a case but not its queue. */
export async function queuesOfCases(db: Executor, caseIds: string[]): Promise<Map<string, string | null>> {
  if (!caseIds.length) return new Map();
  const rows = await db
    .select({ id: cases.id, queueId: cases.queueId })
    .from(cases)
    .where(caseIds.length === 1 ? eq(cases.id, caseIds[0]!) : inArray(cases.id, caseIds));
  return new Map(rows.map((row) => [row.id, row.queueId]));
}
