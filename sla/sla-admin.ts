/** SLA configuration: policies (first match wins, in order) and escalation rules. */
import { asc, eq, gte, inArray, sql } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import type { Db, Tx } from "../db/connect.ts";
import { queues } from "../db/schema/routing.ts";
import { caseSlaTargets, escalationRules, slaPolicies } from "../db/schema/sla.ts";
import { resolveCalendarChoice } from "../routing/business-calendars.ts";
import { newPolicyPosition, withReach } from "./policy-reach.ts";

export type PolicyInput = Omit<
  typeof slaPolicies.$inferInsert,
  "id" | "position" | "createdAt" | "updatedAt"
>;
export type RuleInput = Omit<typeof escalationRules.$inferInsert, "id" | "createdAt">;

async function assertQueues(db: Db, ids: (string | null | undefined)[]) {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (!wanted.length) return;
  const found = new Set(
    (await db.select({ id: queues.id }).from(queues).where(inArray(queues.id, wanted))).map((q) => q.id),
  );
  const missing = wanted.find((id) => !found.has(id));
  if (missing) throw new AppError("VALIDATION", `Queue '${missing}' does not exist.`, { queueId: missing });
}

type Executor = Pick<Db, "select">;

/** Every policy in the order they are tried, each saying whether it can ever apply. */
export const listPolicies = async (db: Executor) =>
  withReach(await db.select().from(slaPolicies).orderBy(asc(slaPolicies.position)));

/** One policy as the list shows it: with whether it can ever apply, given the others. */
async function inList(db: Executor, id: string) {
  const found = (await listPolicies(db)).find((policy) => policy.id === id);
  if (!found) throw notFound("SLA policy", id);
  return found;
}

/** The input with its calendar as chosen: a copy of a named calendar, or hours of its own. */
async function withCalendar<T extends Partial<PolicyInput>>(tx: Tx, input: T): Promise<T> {
  const { calendarId, calendar, ...rest } = input;
  const choice = await resolveCalendarChoice(tx, { calendarId, hours: calendar });
  return {
    ...rest,
    ...(choice.calendarId !== undefined ? { calendarId: choice.calendarId } : {}),
    ...(choice.hours !== undefined ? { calendar: choice.hours } : {}),
  } as T;
}

export async function createPolicy(db: Db, input: PolicyInput) {
  await assertQueues(db, input.conditions?.queueIds ?? []);
  return db.transaction(async (tx) => {
    const [clash] = await tx
      .select({ id: slaPolicies.id })
      .from(slaPolicies)
      .where(eq(slaPolicies.name, input.name));
    if (clash)
      throw new AppError("CONFLICT", `A policy named '${input.name}' already exists.`, { field: "name" });
    const values = await withCalendar(tx as Tx, input);
    const existing = await tx.select().from(slaPolicies).for("update");
    const position = newPolicyPosition(existing, input.conditions ?? {});
    // Room for it: the policies from there on move down one.
    await tx
      .update(slaPolicies)
      .set({ position: sql`${slaPolicies.position} + 1` })
      .where(gte(slaPolicies.position, position));
    const [row] = await tx
      .insert(slaPolicies)
      .values({ ...values, position })
      .returning();
    return inList(tx, row!.id);
  });
}

export async function updatePolicy(db: Db, id: string, input: Partial<PolicyInput>) {
  await assertQueues(db, input.conditions?.queueIds ?? []);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ id: slaPolicies.id })
      .from(slaPolicies)
      .where(eq(slaPolicies.id, id))
      .for("update");
    if (!current) throw notFound("SLA policy", id);
    const changes = await withCalendar(tx as Tx, input);
    await tx
      .update(slaPolicies)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(slaPolicies.id, id));
    return inList(tx, id);
  });
}

export async function deletePolicy(db: Db, id: string) {
  const deleted = await db
    .delete(slaPolicies)
    .where(eq(slaPolicies.id, id))
    .returning({ id: slaPolicies.id });
  if (!deleted.length) throw notFound("SLA policy", id);
}

export async function reorderPolicies(db: Db, ids: string[]) {
  return db.transaction(async (tx) => {
    const known = new Set(
      (await tx.select({ id: slaPolicies.id }).from(slaPolicies).for("update")).map((p) => p.id),
    );
    if (ids.length !== known.size || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id))) {
      throw new AppError(
        "VALIDATION",
        "List every SLA policy exactly once, in the order they should be tried.",
        { expected: known.size },
      );
    }
    for (const [index, id] of ids.entries())
      await tx
        .update(slaPolicies)
        .set({ position: index + 1 })
        .where(eq(slaPolicies.id, id));
    return listPolicies(tx);
  });
}

export const listEscalationRules = (db: Db) =>
  db.select().from(escalationRules).orderBy(asc(escalationRules.name));

function checkRule(input: Partial<RuleInput>) {
  if (input.action === "move_to_queue" && !input.targetQueueId) {
    throw new AppError("VALIDATION", "A move_to_queue rule needs targetQueueId.", { field: "targetQueueId" });
  }
}

export async function createEscalationRule(db: Db, input: RuleInput) {
  checkRule(input);
  await assertQueues(db, [input.queueId, input.targetQueueId]);
  const [row] = await db.insert(escalationRules).values(input).returning();
  return row!;
}

export async function updateEscalationRule(db: Db, id: string, input: Partial<RuleInput>) {
  await assertQueues(db, [input.queueId, input.targetQueueId]);
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(escalationRules).where(eq(escalationRules.id, id)).for("update");
    if (!current) throw notFound("Escalation rule", id);
    checkRule({ ...current, ...input });
    // Nothing to change: the rule as it is.
    if (Object.values(input).every((value) => value === undefined)) return current;
    const [row] = await tx.update(escalationRules).set(input).where(eq(escalationRules.id, id)).returning();
    return row!;
  });
}

export async function deleteEscalationRule(db: Db, id: string) {
  const deleted = await db
    .delete(escalationRules)
    .where(eq(escalationRules.id, id))
    .returning({ id: escalationRules.id });
  if (!deleted.length) throw notFound("Escalation rule", id);
}

/** A case's SLA clocks, for the case view. */
export const caseTargets = (db: Db, caseId: string) =>
  db
    .select()
    .from(caseSlaTargets)
    .where(eq(caseSlaTargets.caseId, caseId))
    .orderBy(asc(caseSlaTargets.metric));
