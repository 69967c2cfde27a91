/**
 * Who may work a case — reply to it, change it, act on it, call about it — in one rule:
 * supervisors and admins may work every case; an agent may work a case assigned or offered to them,
 * and an unassigned case that sits in a queue they serve (or in no queue yet). Internal notes are
 * open to every agent (colleagues are asked in, @mentioned), and reading follows the route's role.
 * Pure: the facts are gathered by the caller.
 */
import type { AgentRole } from "../db/schema/agents.ts";

export interface CaseWorkFacts {
  assigneeId: string | null;
  assigneeName: string | null;
  queueId: string | null;
  /** The agent a pending offer of this case is waiting on, if any. */
  offeredToId: string | null;
}

export type CaseWorkDecision = { allowed: true } | { allowed: false; reason: string };

export function mayWorkCase(
  actor: { id: string; role: AgentRole },
  facts: CaseWorkFacts,
  servesQueue: (queueId: string) => boolean,
): CaseWorkDecision {
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
