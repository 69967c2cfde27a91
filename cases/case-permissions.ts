/**
 * Who may see and work a case, in one rule. Seeing: a person limited to some queues (their queue
 * scope) sees the cases assigned or offered to them and the cases of their queues; everyone else
 * sees every case. Working: supervisors and admins work every case they see; an agent works a case
 * assigned or offered to them, and an unassigned case that sits in a queue they serve (or in no
 * queue yet) and may see. Admins are never limited. Internal notes are open to every agent who sees
 * the case (colleagues are asked in, @mentioned). Pure: the facts are gathered by the caller.
 */
import type { AgentRole } from "../db/schema/agents.ts";

/** The queues a person may see beyond their own work; `limited: false` is every queue. */
export interface QueueScope {
  limited: boolean;
  queueIds: readonly string[];
  /**
   * The limit holds even for an admin: set for an API key limited to some queues, which acts for
   * its admin but reaches only those queues' cases.
   */
  bindsAdmins?: true;
}

export const EVERY_QUEUE: QueueScope = Object.freeze({ limited: false, queueIds: Object.freeze([]) });

export interface CaseActor {
  id: string;
  role: AgentRole;
  /** Every queue when absent. */
  scope?: QueueScope;
}

export interface CaseWorkFacts {
  assigneeId: string | null;
  assigneeName: string | null;
  queueId: string | null;
  /** The agent a pending offer of this case is waiting on, if any. */
  offeredToId: string | null;
}

/**
 * `hidden`: the actor may not even see the case; the API answers as if it did not exist, so case
 * ids of other queues do not leak.
 */
export type CaseWorkDecision = { allowed: true } | { allowed: false; reason: string; hidden?: true };

/**
 * The scope that applies to the person: admins are never limited, whatever their row says — unless
 * they act through an API key limited to some queues.
 */
export function scopeOf(actor: CaseActor): QueueScope {
  if (!actor.scope || (actor.role === "admin" && !actor.scope.bindsAdmins)) return EVERY_QUEUE;
  return actor.scope;
}

/** Whether a queue is in the scope; a case in no queue is in no limited scope. */
export function queueInScope(scope: QueueScope, queueId: string | null): boolean {
  if (!scope.limited) return true;
  return queueId !== null && scope.queueIds.includes(queueId);
}

export function maySeeCase(
  actor: CaseActor,
  facts: Pick<CaseWorkFacts, "assigneeId" | "queueId" | "offeredToId">,
): boolean {
  if (facts.assigneeId === actor.id || facts.offeredToId === actor.id) return true;
  return queueInScope(scopeOf(actor), facts.queueId);
}

export function mayWorkCase(
  actor: CaseActor,
  facts: CaseWorkFacts,
  servesQueue: (queueId: string) => boolean,
): CaseWorkDecision {
  if (!maySeeCase(actor, facts))
    return { allowed: false, hidden: true, reason: "This case is outside the queues you may see." };
  if (actor.role !== "agent") return { allowed: true };
  if (facts.assigneeId === actor.id || facts.offeredToId === actor.id) return { allowed: true };
  if (facts.assigneeId !== null)
    return {
      allowed: false,
      reason: `This case is ${facts.assigneeName ?? "another agent"}'s: ask them or a supervisor to transfer it to you, or add an internal note.`,
    };
  if (facts.offeredToId !== null)
    return {
      allowed: false,
      reason:
        "This case is being offered to another agent; wait for the offer to end, or add an internal note.",
    };
  if (facts.queueId === null || servesQueue(facts.queueId)) return { allowed: true };
  return {
    allowed: false,
    reason: "This case waits in a queue you do not serve; a supervisor can assign it to you.",
  };
}

/**
 * Whether a supervisor sees another person (the agent grid, the agent list): an unlimited viewer
 * sees everyone; a limited one sees themself, agents whose skills serve one of the viewer's queues,
 * and people limited to one of those queues.
 */
export function maySeeAgent(
  viewer: CaseActor,
  other: { id: string; scope: QueueScope },
  servesQueue: (queueId: string) => boolean,
): boolean {
  const scope = scopeOf(viewer);
  if (!scope.limited || other.id === viewer.id) return true;
  return scope.queueIds.some(
    (queueId) => servesQueue(queueId) || (other.scope.limited && other.scope.queueIds.includes(queueId)),
  );
}
