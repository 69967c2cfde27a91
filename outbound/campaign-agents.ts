/**
 * The agents free for a campaign's calls right now: available, out of wrap-up, holding the queue's
 * and the campaign's skills, not on a call (inbound or outbound), not holding an outbound record
 * without a disposition, and — blended agents — with no inbound case waiting in any queue they serve.
 */
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { stateIn } from "../cases/case-states.ts";
import type { Executor } from "../db/connect.ts";
import { cases } from "../db/schema/cases.ts";
import { dialAttempts } from "../db/schema/outbound.ts";
import type { StoredSkillRequirement } from "../db/schema/routing.ts";
import { type AgentSnapshot, availableAgents } from "../routing/agent-snapshot.ts";
import { loadQueues } from "../routing/queue-config.ts";

const meets = (skills: Record<string, number>, requirements: readonly StoredSkillRequirement[]) =>
  requirements.every((requirement) => (skills[requirement.skillId] ?? 0) >= requirement.level);

export interface CampaignStaffing {
  queueId: string | null;
  skills: StoredSkillRequirement[];
}

/** Outbound work an agent still holds: a call placed or live for them, or one awaiting their disposition. */
export async function agentsOnOutboundWork(
  executor: Executor,
  agentIds: string[],
  exceptAttemptId?: string,
): Promise<Set<string>> {
  if (!agentIds.length) return new Set();
  const rows = await executor
    .selectDistinct({ agentId: dialAttempts.agentId })
    .from(dialAttempts)
    .where(
      and(
        inArray(dialAttempts.agentId, agentIds),
        eq(dialAttempts.kind, "dial"),
        isNull(dialAttempts.disposition),
        inArray(dialAttempts.status, ["queued", "ringing", "connected", "completed"]),
        exceptAttemptId ? ne(dialAttempts.id, exceptAttemptId) : undefined,
      ),
    );
  return new Set(rows.map((row) => row.agentId!));
}

export interface FreeAgents {
  agents: AgentSnapshot[];
  /** Agents left out because inbound work waits for them. */
  keptForInbound: Set<string>;
}

/**
 * `exceptAttemptId`: the call being answered, whose promised agent (a callback) is not busy with it.
 */
export async function freeAgentsFor(
  executor: Executor,
  campaign: CampaignStaffing,
  now: Date,
  exceptAttemptId?: string,
): Promise<FreeAgents> {
  const queueRows = await loadQueues(executor);
  const own = campaign.queueId ? queueRows.get(campaign.queueId) : undefined;
  const required = [...(own?.requiredSkills ?? []), ...campaign.skills];
  const candidates = (await availableAgents(executor, now)).filter(
    (agent) => agent.available && agent.load.voice === 0 && meets(agent.skills, required),
  );
  if (!candidates.length) return { agents: [], keptForInbound: new Set() };

  const waiting = await executor
    .select({ queueId: cases.queueId, n: sql<number>`count(*)::int` })
    .from(cases)
    .where(stateIn(cases.state, "inQueue"))
    .groupBy(cases.queueId);
  const waitingQueues = waiting
    .filter((row) => row.queueId && Number(row.n) > 0)
    .map((row) => queueRows.get(row.queueId!))
    .filter((queue) => queue !== undefined);
  const busy = await agentsOnOutboundWork(
    executor,
    candidates.map((agent) => agent.id),
    exceptAttemptId,
  );
  const keptForInbound = new Set<string>();
  const free = candidates.filter((agent) => {
    if (busy.has(agent.id)) return false;
    const servesWaiting = waitingQueues.some((queue) => meets(agent.skills, queue.requiredSkills));
    if (servesWaiting) keptForInbound.add(agent.id);
    return !servesWaiting;
  });
  return { agents: free, keptForInbound };
}
