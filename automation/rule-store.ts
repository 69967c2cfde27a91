/**
 * Rule sets and rules as admins keep them: created, changed, ordered and deleted. Every change
 * clears the rule cache; a time rule that is created or enabled has its schedule written for the
 * open cases by a bulk job.
 */
import { and, asc, eq, inArray, max } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import type { JobScheduler } from "../cases/ports.ts";
import type { Db, Executor } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cannedResponses } from "../db/schema/canned-responses.ts";
import { type AutomationMode, automationRuleSets, automationRules } from "../db/schema/integrations.ts";
import { queues } from "../db/schema/routing.ts";
import type { RuleCache, RuleRow, RuleSetRow } from "./rule-cache.ts";
import type { AutomationAction, AutomationEvent, Condition, TimeAnchor } from "./rule-schema.ts";

export interface RuleStoreDeps {
  db: Db;
  rules: RuleCache;
  jobs: Pick<JobScheduler, "enqueue">;
  clock: () => Date;
}

export interface RuleSetInput {
  name: string;
  mode: AutomationMode;
  enabled: boolean;
}

export interface RuleInput {
  ruleSetId: string;
  name: string;
  trigger: "event" | "time";
  events: AutomationEvent[];
  timeAnchor: TimeAnchor | null;
  afterMinutes: number | null;
  conditions: Condition[];
  actions: AutomationAction[];
  enabled: boolean;
}

/** Refuses actions naming a queue, agent or canned response that does not exist, naming the action. */
export async function assertActionTargets(executor: Executor, actions: readonly AutomationAction[]) {
  for (const [index, action] of actions.entries()) {
    const where = `actions[${index}] (${action.type})`;
    if (action.type === "set_queue") {
      const [queue] = await executor
        .select({ id: queues.id })
        .from(queues)
        .where(eq(queues.id, action.queueId));
      if (!queue) throw new AppError("VALIDATION", `${where}: queue '${action.queueId}' does not exist.`);
    }
    const agentIds =
      action.type === "assign" ? [action.agentId] : action.type === "notify" ? (action.agentIds ?? []) : [];
    if (agentIds.length) {
      const found = await executor.select({ id: agents.id }).from(agents).where(inArray(agents.id, agentIds));
      const missing = agentIds.filter((id) => !found.some((agent) => agent.id === id));
      if (missing.length) throw new AppError("VALIDATION", `${where}: agent '${missing[0]}' does not exist.`);
    }
    if (action.type === "reply" && action.cannedResponseId) {
      const [canned] = await executor
        .select({ id: cannedResponses.id })
        .from(cannedResponses)
        .where(eq(cannedResponses.id, action.cannedResponseId));
      if (!canned)
        throw new AppError(
          "VALIDATION",
          `${where}: canned response '${action.cannedResponseId}' does not exist.`,
        );
    }
  }
}

function assertTrigger(input: Pick<RuleInput, "trigger" | "events" | "timeAnchor" | "afterMinutes">) {
  if (input.trigger === "event" && !input.events.length)
    throw new AppError("VALIDATION", "events: an event rule needs at least one event to run on.");
  if (input.trigger === "time" && (!input.timeAnchor || input.afterMinutes === null))
    throw new AppError("VALIDATION", "timeAnchor and afterMinutes: a time rule needs both.");
}

export async function listRuleSets(db: Executor): Promise<(RuleSetRow & { rules: RuleRow[] })[]> {
  const sets = await db
    .select()
    .from(automationRuleSets)
    .orderBy(asc(automationRuleSets.position), asc(automationRuleSets.createdAt));
  const rules = await db
    .select()
    .from(automationRules)
    .orderBy(asc(automationRules.position), asc(automationRules.createdAt));
  return sets.map((set) => ({ ...set, rules: rules.filter((rule) => rule.ruleSetId === set.id) }));
}

export async function createRuleSet(deps: RuleStoreDeps, input: RuleSetInput): Promise<RuleSetRow> {
  const [last] = await deps.db
    .select({ position: max(automationRuleSets.position) })
    .from(automationRuleSets);
  const [row] = await deps.db
    .insert(automationRuleSets)
    .values({ ...input, position: (last?.position ?? -1) + 1 })
    .returning();
  deps.rules.invalidate();
  return row!;
}

export async function updateRuleSet(deps: RuleStoreDeps, id: string, patch: Partial<RuleSetInput>) {
  const [row] = await deps.db
    .update(automationRuleSets)
    .set({ ...patch, updatedAt: deps.clock() })
    .where(eq(automationRuleSets.id, id))
    .returning();
  if (!row) throw notFound("Rule set", id);
  deps.rules.invalidate();
  if (patch.enabled) await backfillTimeRules(deps, { ruleSetId: id });
  return row;
}

export async function deleteRuleSet(deps: RuleStoreDeps, id: string): Promise<void> {
  const [row] = await deps.db.delete(automationRuleSets).where(eq(automationRuleSets.id, id)).returning();
  if (!row) throw notFound("Rule set", id);
  deps.rules.invalidate();
}

/** Asks for schedule rows of the enabled time rules of one set, or of one rule. */
async function backfillTimeRules(deps: RuleStoreDeps, of: { ruleSetId?: string; ruleId?: string }) {
  const rows = await deps.db
    .select({ id: automationRules.id })
    .from(automationRules)
    .where(
      and(
        eq(automationRules.trigger, "time"),
        eq(automationRules.enabled, true),
        of.ruleId ? eq(automationRules.id, of.ruleId) : eq(automationRules.ruleSetId, of.ruleSetId!),
      ),
    );
  for (const rule of rows)
    await deps.jobs.enqueue(
      "automation-backfill",
      { ruleId: rule.id },
      { jobId: `automation-backfill-${rule.id}-${deps.clock().getTime()}` },
    );
}

export async function createRule(deps: RuleStoreDeps, input: RuleInput, createdBy: string): Promise<RuleRow> {
  assertTrigger(input);
  await assertActionTargets(deps.db, input.actions);
  const [set] = await deps.db
    .select({ id: automationRuleSets.id })
    .from(automationRuleSets)
    .where(eq(automationRuleSets.id, input.ruleSetId));
  if (!set) throw new AppError("VALIDATION", `ruleSetId: rule set '${input.ruleSetId}' does not exist.`);
  const [last] = await deps.db
    .select({ position: max(automationRules.position) })
    .from(automationRules)
    .where(eq(automationRules.ruleSetId, input.ruleSetId));
  const [row] = await deps.db
    .insert(automationRules)
    .values({ ...input, position: (last?.position ?? -1) + 1, createdBy })
    .returning();
  deps.rules.invalidate();
  if (row!.trigger === "time" && row!.enabled) await backfillTimeRules(deps, { ruleId: row!.id });
  return row!;
}

export async function updateRule(
  deps: RuleStoreDeps,
  id: string,
  patch: Partial<RuleInput>,
): Promise<RuleRow> {
  const [current] = await deps.db.select().from(automationRules).where(eq(automationRules.id, id));
  if (!current) throw notFound("Rule", id);
  const next = { ...current, ...patch } as RuleInput;
  assertTrigger(next);
  if (patch.actions) await assertActionTargets(deps.db, patch.actions);
  if (patch.ruleSetId && patch.ruleSetId !== current.ruleSetId) {
    const [set] = await deps.db
      .select({ id: automationRuleSets.id })
      .from(automationRuleSets)
      .where(eq(automationRuleSets.id, patch.ruleSetId));
    if (!set) throw new AppError("VALIDATION", `ruleSetId: rule set '${patch.ruleSetId}' does not exist.`);
  }
  const [row] = await deps.db
    .update(automationRules)
    .set({ ...patch, updatedAt: deps.clock() })
    .where(eq(automationRules.id, id))
    .returning();
  deps.rules.invalidate();
  const clockChanged = patch.timeAnchor !== undefined || patch.afterMinutes !== undefined || patch.conditions;
  if (row!.trigger === "time" && row!.enabled && (patch.enabled || clockChanged))
    await backfillTimeRules(deps, { ruleId: id });
  return row!;
}

export async function deleteRule(deps: RuleStoreDeps, id: string): Promise<void> {
  const [row] = await deps.db.delete(automationRules).where(eq(automationRules.id, id)).returning();
  if (!row) throw notFound("Rule", id);
  deps.rules.invalidate();
}

/** Puts the rule sets, or the rules of one set, in the order given (every one of them, once). */
export async function reorder(
  deps: RuleStoreDeps,
  input: { ruleSetId?: string; ids: string[] },
): Promise<void> {
  const table = input.ruleSetId ? automationRules : automationRuleSets;
  const current = input.ruleSetId
    ? await deps.db
        .select({ id: automationRules.id })
        .from(automationRules)
        .where(eq(automationRules.ruleSetId, input.ruleSetId))
    : await deps.db.select({ id: automationRuleSets.id }).from(automationRuleSets);
  const known = new Set(current.map((row) => row.id));
  const given = new Set(input.ids);
  if (given.size !== input.ids.length || given.size !== known.size || input.ids.some((id) => !known.has(id)))
    throw new AppError(
      "VALIDATION",
      `ids: give every ${input.ruleSetId ? "rule of the set" : "rule set"} exactly once (${known.size} of them).`,
    );
  await deps.db.transaction(async (tx) => {
    for (const [position, id] of input.ids.entries())
      await tx.update(table).set({ position }).where(eq(table.id, id));
  });
  deps.rules.invalidate();
}
