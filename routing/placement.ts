/**
 * Where a new case goes: assignment rules, first match wins, the default queue last; and which
 * agent it is offered to first (the one who last served the contact, for the queue's sticky time).
 */
import { fieldConditionsHold } from "../cases/custom-fields.ts";
import type { NewCaseFacts, QueuePlacement } from "../cases/ports.ts";
import type { Executor } from "../db/connect.ts";
import type { Channel, Priority } from "../db/schema/cases.ts";
import type { assignmentRules } from "../db/schema/routing.ts";
import type { RoutingConfigCache } from "./config-cache.ts";

export type AssignmentRuleRow = typeof assignmentRules.$inferSelect;

export interface RuleFacts {
  channel: Channel;
  channelAddress: string | null;
  contactAttributes: Record<string, unknown>;
  subject: string;
  body: string;
  priority: Priority;
  caseFields?: Record<string, unknown>;
  contactFields?: Record<string, unknown>;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function ruleMatches(
  rule: Pick<AssignmentRuleRow, "conditions" | "enabled">,
  facts: RuleFacts,
): boolean {
  if (!rule.enabled) return false;
  const c = rule.conditions;
  if (c.channels?.length && !c.channels.includes(facts.channel)) return false;
  if (c.addresses?.length) {
    const address = facts.channelAddress?.toLowerCase();
    if (!address || !c.addresses.some((a) => a.toLowerCase() === address)) return false;
  }
  if (c.priorities?.length && !c.priorities.includes(facts.priority)) return false;
  for (const [key, value] of Object.entries(c.contactAttributes ?? {})) {
    if (facts.contactAttributes[key] !== value) return false;
  }
  if (!fieldConditionsHold(c.customFields, facts.caseFields)) return false;
  if (!fieldConditionsHold(c.contactFields, facts.contactFields)) return false;
  if (c.keywords?.length) {
    const text = `${facts.subject}\n${facts.body}`;
    const found = c.keywords.some((word) =>
      new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(word)}($|[^\\p{L}\\p{N}])`, "iu").test(text),
    );
    if (!found) return false;
  }
  return true;
}

/** Whether a rule's conditions name custom fields (of the case or its contact). */
export const looksAtFields = (conditions: AssignmentRuleRow["conditions"]) =>
  Object.keys(conditions.customFields ?? {}).length > 0 ||
  Object.keys(conditions.contactFields ?? {}).length > 0;

/** The first matching rule, in position order. Pure. */
export function pickRule<R extends Pick<AssignmentRuleRow, "conditions" | "enabled" | "position">>(
  rules: R[],
  facts: RuleFacts,
): R | null {
  return [...rules].sort((a, b) => a.position - b.position).find((rule) => ruleMatches(rule, facts)) ?? null;
}

/** Places new cases using the cached routing configuration; reads nothing else. */
export function createPlacement(config: RoutingConfigCache) {
  return async function placeNewCase(executor: Executor, facts: NewCaseFacts): Promise<QueuePlacement> {
    const { rules, defaultQueueId, queues } = await config.get(executor);
    const rule = pickRule(rules, facts);
    // A rule first, then the queue of the address written to, then the default queue.
    const hinted = facts.queueHint && queues.has(facts.queueHint) ? facts.queueHint : null;
    const queueId = rule?.queueId ?? hinted ?? defaultQueueId;
    const priority = rule?.setPriority ?? undefined;
    // Only a queue with a sticky time offers the case first to who served the contact last.
    const sticky = queueId ? (queues.get(queueId)?.stickySeconds ?? 0) > 0 : false;
    return {
      queueId,
      ...(priority ? { priority } : {}),
      stickyAgentId: sticky ? facts.lastAssigneeId : null,
      ...(rule ? { rule: { id: rule.id, onFields: looksAtFields(rule.conditions) } } : {}),
    };
  };
}
