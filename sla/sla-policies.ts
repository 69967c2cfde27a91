/** SLA policies: which one applies to a case (first match wins), and a short cache of them. */
import { asc, eq } from "drizzle-orm";
import { fieldConditionsHold } from "../cases/custom-fields.ts";
import type { Executor } from "../db/connect.ts";
import type { Channel, Priority } from "../db/schema/cases.ts";
import type { StoredCalendar } from "../db/schema/routing.ts";
import { type SlaMetric, slaPolicies } from "../db/schema/sla.ts";
import type { Calendar } from "./business-calendar.ts";
import type { TargetSpec } from "./sla-clock.ts";

export type SlaPolicyRow = typeof slaPolicies.$inferSelect;

export interface SlaCaseFacts {
  priority: Priority;
  channel: Channel;
  queueId: string | null;
  tags: string[];
  contactAttributes: Record<string, unknown>;
  customFields?: Record<string, unknown>;
  contactFields?: Record<string, unknown>;
}

export function policyMatches(
  policy: Pick<SlaPolicyRow, "enabled" | "conditions">,
  facts: SlaCaseFacts,
): boolean {
  if (!policy.enabled) return false;
  const c = policy.conditions;
  if (c.priorities?.length && !c.priorities.includes(facts.priority)) return false;
  if (c.channels?.length && !c.channels.includes(facts.channel)) return false;
  if (c.queueIds?.length && (!facts.queueId || !c.queueIds.includes(facts.queueId))) return false;
  if (c.tags?.length && !c.tags.every((tag) => facts.tags.includes(tag))) return false;
  for (const [key, value] of Object.entries(c.contactAttributes ?? {}))
    if (facts.contactAttributes[key] !== value) return false;
  if (!fieldConditionsHold(c.customFields, facts.customFields)) return false;
  return fieldConditionsHold(c.contactFields, facts.contactFields);
}

/** The first enabled policy, in position order, whose conditions all hold. Pure. */
export function pickPolicy<P extends Pick<SlaPolicyRow, "enabled" | "conditions" | "position">>(
  policies: P[],
  facts: SlaCaseFacts,
): P | null {
  return (
    [...policies].sort((a, b) => a.position - b.position).find((policy) => policyMatches(policy, facts)) ??
    null
  );
}

export const usesContactAttributes = (policies: SlaPolicyRow[]) =>
  policies.some((policy) => Object.keys(policy.conditions.contactAttributes ?? {}).length > 0);

/** The target a policy sets for one metric at a priority, with the hours it is counted in. */
export function targetSpec(
  policy: SlaPolicyRow,
  priority: Priority,
  metric: SlaMetric,
  queueHours: StoredCalendar | null,
): TargetSpec | null {
  const target = policy.targets[priority]?.[metric];
  if (!target || !(target.minutes > 0)) return null;
  const calendar = (policy.calendar ?? queueHours) as Calendar | null;
  return {
    targetMinutes: target.minutes,
    business: target.business,
    calendar,
    atRiskPercent: policy.atRiskPercent,
  };
}

export interface SlaPolicyCache {
  get(executor: Executor): Promise<SlaPolicyRow[]>;
  invalidate(): void;
}

/** Policies change rarely and every case event reads them: kept a moment, cleared by changes made here. */
export function createSlaPolicyCache(ttlMs = 2000): SlaPolicyCache {
  let cached: { rows: SlaPolicyRow[]; at: number } | undefined;
  return {
    async get(executor) {
      if (cached && Date.now() - cached.at < ttlMs) return cached.rows;
      const rows = await executor
        .select()
        .from(slaPolicies)
        .where(eq(slaPolicies.enabled, true))
        .orderBy(asc(slaPolicies.position));
      cached = { rows, at: Date.now() };
      return rows;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
