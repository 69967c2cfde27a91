/**
 * The enabled rules, kept in memory: every committed change asks "does any rule listen?", and the
 * answer must not cost a query. A change made through this process clears the cache at once;
 * other processes see it within `ttlMs`.
 */
import { and, asc, eq } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { automationRuleSets, automationRules } from "../db/schema/integrations.ts";
import {
  type AutomationAction,
  type AutomationEvent,
  type Condition,
  storedActions,
  storedConditions,
  type TimeAnchor,
} from "./rule-schema.ts";

export type RuleSetRow = typeof automationRuleSets.$inferSelect;
export type RuleRow = typeof automationRules.$inferSelect;

/** A rule as automation runs it: its stored jsonb parsed. */
export interface ActiveRule {
  id: string;
  name: string;
  ruleSetId: string;
  trigger: "event" | "time";
  events: AutomationEvent[];
  timeAnchor: TimeAnchor | null;
  afterMinutes: number | null;
  conditions: Condition[];
  actions: AutomationAction[];
}

export interface ActiveRuleSet {
  id: string;
  name: string;
  mode: "first_match" | "all_match";
  /** Its enabled event rules, in the admin's order. */
  rules: ActiveRule[];
}

export interface ActiveRules {
  sets: ActiveRuleSet[];
  timeRules: ActiveRule[];
  /** Events at least one enabled rule listens to. */
  events: ReadonlySet<AutomationEvent>;
}

export function activeRule(row: RuleRow): ActiveRule {
  return {
    id: row.id,
    name: row.name,
    ruleSetId: row.ruleSetId,
    trigger: row.trigger,
    events: row.events as AutomationEvent[],
    timeAnchor: row.timeAnchor as TimeAnchor | null,
    afterMinutes: row.afterMinutes,
    conditions: storedConditions(row.conditions),
    actions: storedActions(row.actions),
  };
}

export async function loadActiveRules(executor: Executor): Promise<ActiveRules> {
  const rows = await executor
    .select({ set: automationRuleSets, rule: automationRules })
    .from(automationRules)
    .innerJoin(automationRuleSets, eq(automationRuleSets.id, automationRules.ruleSetId))
    .where(and(eq(automationRules.enabled, true), eq(automationRuleSets.enabled, true)))
    .orderBy(
      asc(automationRuleSets.position),
      asc(automationRuleSets.createdAt),
      asc(automationRules.position),
      asc(automationRules.createdAt),
    );
  const sets = new Map<string, ActiveRuleSet>();
  const timeRules: ActiveRule[] = [];
  const events = new Set<AutomationEvent>();
  for (const { set, rule } of rows) {
    const active = activeRule(rule);
    if (active.trigger === "time") {
      if (active.timeAnchor && active.afterMinutes !== null) timeRules.push(active);
      continue;
    }
    let entry = sets.get(set.id);
    if (!entry) {
      entry = { id: set.id, name: set.name, mode: set.mode, rules: [] };
      sets.set(set.id, entry);
    }
    entry.rules.push(active);
    for (const event of active.events) events.add(event);
  }
  return { sets: [...sets.values()], timeRules, events };
}

export interface RuleCache {
  get(executor: Executor): Promise<ActiveRules>;
  invalidate(): void;
}

export const RULE_CACHE_TTL_MS = 2000;

export function createRuleCache(ttlMs = RULE_CACHE_TTL_MS): RuleCache {
  let cached: { rules: ActiveRules; at: number } | undefined;
  let generation = 0;
  return {
    async get(executor) {
      if (cached && Date.now() - cached.at < ttlMs) return cached.rules;
      const started = generation;
      const rules = await loadActiveRules(executor);
      // A change that cleared the cache while this read ran must not be overwritten by the older read.
      if (started === generation) cached = { rules, at: Date.now() };
      return rules;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
    },
  };
}
