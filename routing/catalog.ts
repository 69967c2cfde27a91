/**
 * Routing configuration: skills, agents' skill levels, queues and assignment rules. Shapes are
 * validated at the API; here go the checks that need the database (a skill that does not exist, an
 * overflow into a queue that does not exist, deleting something still in use), each refused with a
 * message that says what to do.
 */
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { stateIn } from "../cases/case-states.ts";
import { AppError, notFound } from "../cases/errors.ts";
import type { Db, Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cases, type Priority } from "../db/schema/cases.ts";
import { mailboxes, phoneNumbers } from "../db/schema/channels.ts";
import {
  type AssignmentConditions,
  agentSkills,
  assignmentRules,
  queues,
  type StoredSkillRequirement,
  skills,
} from "../db/schema/routing.ts";
import { resolveCalendarChoice } from "./business-calendars.ts";
import type { QueueRow } from "./queue-config.ts";

export type SkillRow = typeof skills.$inferSelect;
export type QueueInput = Omit<typeof queues.$inferInsert, "id" | "createdAt" | "updatedAt">;
export type RuleInput = {
  name: string;
  enabled?: boolean;
  conditions: AssignmentConditions;
  queueId: string;
  setPriority?: Priority | null;
};

// --- skills ----------------------------------------------------------------------------------------

export const listSkills = (db: Db) => db.select().from(skills).orderBy(asc(skills.name));

export async function createSkill(db: Db, input: { name: string; description?: string }): Promise<SkillRow> {
  const [row] = await db
    .insert(skills)
    .values({ name: input.name.trim(), description: input.description ?? "" })
    .onConflictDoNothing({ target: skills.name })
    .returning();
  if (!row)
    throw new AppError("CONFLICT", `A skill named '${input.name.trim()}' already exists.`, { field: "name" });
  return row;
}

export async function updateSkill(
  db: Db,
  id: string,
  input: { name?: string; description?: string },
): Promise<SkillRow> {
  return db.transaction(async (tx) => {
    const name = input.name?.trim();
    if (!name && input.description === undefined) {
      // Nothing to change: the skill as it is.
      const [row] = await tx.select().from(skills).where(eq(skills.id, id));
      if (!row) throw notFound("Skill", id);
      return row;
    }
    if (name) {
      const [clash] = await tx
        .select({ id: skills.id })
        .from(skills)
        .where(and(eq(skills.name, name), ne(skills.id, id)));
      if (clash) throw new AppError("CONFLICT", `A skill named '${name}' already exists.`, { field: "name" });
    }
    const [row] = await tx
      .update(skills)
      .set({
        ...(name ? { name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      })
      .where(eq(skills.id, id))
      .returning();
    if (!row) throw notFound("Skill", id);
    return row;
  });
}

const usesSkill = (requirements: StoredSkillRequirement[], skillId: string) =>
  requirements.some((r) => r.skillId === skillId);

export async function deleteSkill(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(skills).where(eq(skills.id, id)).for("update");
    if (!row) throw notFound("Skill", id);
    const using = (await tx.select().from(queues)).filter(
      (q) => usesSkill(q.requiredSkills, id) || usesSkill(q.preferredSkills, id),
    );
    if (using.length) {
      throw new AppError(
        "CONFLICT",
        `Skill '${row.name}' is required by queue${using.length > 1 ? "s" : ""} ${using.map((q) => `'${q.name}'`).join(", ")}; remove it there first.`,
        { queues: using.map((q) => q.id) },
      );
    }
    await tx.delete(skills).where(eq(skills.id, id));
  });
}

async function assertSkillsExist(executor: Db | Tx, requirements: StoredSkillRequirement[]): Promise<void> {
  const ids = [...new Set(requirements.map((r) => r.skillId))];
  if (!ids.length) return;
  const found = new Set(
    (await executor.select({ id: skills.id }).from(skills).where(inArray(skills.id, ids))).map((r) => r.id),
  );
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length)
    throw new AppError("VALIDATION", `Skill '${missing[0]}' does not exist; create it first.`, { missing });
}

export async function agentSkillLevels(db: Db, agentId: string) {
  return db
    .select({ skillId: agentSkills.skillId, name: skills.name, level: agentSkills.level })
    .from(agentSkills)
    .innerJoin(skills, eq(skills.id, agentSkills.skillId))
    .where(eq(agentSkills.agentId, agentId))
    .orderBy(asc(skills.name));
}

/** Replaces an agent's skills with the given levels. */
export async function setAgentSkills(db: Db, agentId: string, levels: StoredSkillRequirement[]) {
  await db.transaction(async (tx) => {
    const [agent] = await tx
      .select({ id: agents.id })
      .from(agents)
      .where(eq(agents.id, agentId))
      .for("update");
    if (!agent) throw notFound("Agent", agentId);
    const unique = new Map(levels.map((l) => [l.skillId, l.level]));
    if (unique.size !== levels.length) throw new AppError("VALIDATION", "Each skill may appear once.");
    await assertSkillsExist(tx as unknown as Db, levels);
    await tx.delete(agentSkills).where(eq(agentSkills.agentId, agentId));
    if (levels.length)
      await tx
        .insert(agentSkills)
        .values(levels.map((l) => ({ agentId, skillId: l.skillId, level: l.level })));
  });
  return agentSkillLevels(db, agentId);
}

// --- queues ----------------------------------------------------------------------------------------

export const listQueues = (db: Db) => db.select().from(queues).orderBy(asc(queues.name));

export async function getQueue(db: Db, id: string): Promise<QueueRow> {
  const [row] = await db.select().from(queues).where(eq(queues.id, id));
  if (!row) throw notFound("Queue", id);
  return row;
}

async function checkQueueConfig(tx: Tx, id: string | null, input: Partial<QueueInput>): Promise<void> {
  await assertSkillsExist(tx as unknown as Db, [
    ...(input.requiredSkills ?? []),
    ...(input.preferredSkills ?? []),
  ]);
  for (const step of input.overflowSteps ?? []) {
    if (step.action !== "add_queue") continue;
    if (step.queueId === id)
      throw new AppError("VALIDATION", "A queue cannot overflow into itself.", { field: "overflowSteps" });
    const [target] = await tx.select({ id: queues.id }).from(queues).where(eq(queues.id, step.queueId));
    if (!target)
      throw new AppError("VALIDATION", `Overflow queue '${step.queueId}' does not exist.`, {
        field: "overflowSteps",
      });
  }
  if (input.name) {
    const [clash] = await tx
      .select({ id: queues.id })
      .from(queues)
      .where(and(eq(queues.name, input.name), id ? ne(queues.id, id) : undefined));
    if (clash)
      throw new AppError("CONFLICT", `A queue named '${input.name}' already exists.`, { field: "name" });
  }
}

/** The input with its hours as chosen: a copy of a named calendar, or hours of its own. */
async function withHours<T extends Partial<QueueInput>>(tx: Tx, input: T): Promise<T> {
  const { calendarId, businessHours, ...rest } = input;
  const choice = await resolveCalendarChoice(tx, { calendarId, hours: businessHours });
  return {
    ...rest,
    ...(choice.calendarId !== undefined ? { calendarId: choice.calendarId } : {}),
    ...(choice.hours !== undefined ? { businessHours: choice.hours } : {}),
  } as T;
}

export async function createQueue(db: Db, input: QueueInput): Promise<QueueRow> {
  return db.transaction(async (tx) => {
    await checkQueueConfig(tx as Tx, null, input);
    const values = await withHours(tx as Tx, input);
    if (input.isDefault) await tx.update(queues).set({ isDefault: false }).where(eq(queues.isDefault, true));
    const [row] = await tx.insert(queues).values(values).returning();
    return row!;
  });
}

export async function updateQueue(db: Db, id: string, input: Partial<QueueInput>): Promise<QueueRow> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(queues).where(eq(queues.id, id)).for("update");
    if (!current) throw notFound("Queue", id);
    await checkQueueConfig(tx as Tx, id, input);
    const changes = await withHours(tx as Tx, input);
    if (input.isDefault === false && current.isDefault) {
      throw new AppError(
        "CONFLICT",
        `Queue '${current.name}' is the default; make another queue the default instead.`,
      );
    }
    if (input.isDefault && !current.isDefault)
      await tx.update(queues).set({ isDefault: false }).where(eq(queues.isDefault, true));
    const [row] = await tx
      .update(queues)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(queues.id, id))
      .returning();
    return row!;
  });
}

export async function deleteQueue(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(queues).where(eq(queues.id, id)).for("update");
    if (!row) throw notFound("Queue", id);
    if (row.isDefault)
      throw new AppError(
        "CONFLICT",
        `Queue '${row.name}' is the default; make another queue the default first.`,
      );
    const [{ n }] = (await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(cases)
      .where(and(eq(cases.queueId, id), stateIn(cases.state, "final", true)))) as [{ n: number }];
    if (Number(n) > 0)
      throw new AppError(
        "CONFLICT",
        `Queue '${row.name}' still has ${n} open case(s); move them to another queue first.`,
      );
    const overflowing = (await tx.select().from(queues)).filter((q) =>
      q.overflowSteps.some((step) => step.action === "add_queue" && step.queueId === id),
    );
    if (overflowing.length) {
      throw new AppError(
        "CONFLICT",
        `Queue '${row.name}' is an overflow target of ${overflowing.map((q) => `'${q.name}'`).join(", ")}.`,
      );
    }
    // Numbers and mailboxes route into queues: they must be pointed elsewhere first.
    const numbers = (await tx.select().from(phoneNumbers)).filter(
      (n) => n.queueId === id || n.ivr.some((option) => option.queueId === id),
    );
    const boxes = await tx.select().from(mailboxes).where(eq(mailboxes.queueId, id));
    const users = [...numbers.map((n) => `number ${n.number}`), ...boxes.map((m) => `mailbox ${m.name}`)];
    if (users.length) {
      throw new AppError(
        "CONFLICT",
        `Queue '${row.name}' takes the calls or mail of ${users.join(", ")}; change them first.`,
        {
          phoneNumberIds: numbers.map((n) => n.id),
          mailboxIds: boxes.map((m) => m.id),
        },
      );
    }
    // Closed cases keep their history; they simply no longer point at a queue.
    await tx.update(cases).set({ queueId: null }).where(eq(cases.queueId, id));
    await tx.delete(queues).where(eq(queues.id, id));
  });
}

// --- assignment rules ------------------------------------------------------------------------------

export const listRules = (db: Db) => db.select().from(assignmentRules).orderBy(asc(assignmentRules.position));

async function assertQueue(tx: Db | Tx, queueId: string) {
  const [row] = await tx.select({ id: queues.id }).from(queues).where(eq(queues.id, queueId));
  if (!row) throw new AppError("VALIDATION", `Queue '${queueId}' does not exist.`, { field: "queueId" });
}

export async function createRule(db: Db, input: RuleInput) {
  return db.transaction(async (tx) => {
    await assertQueue(tx as unknown as Db, input.queueId);
    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${assignmentRules.position}), 0) + 1` })
      .from(assignmentRules)) as [{ next: number }];
    const [row] = await tx
      .insert(assignmentRules)
      .values({ ...input, position: Number(next) })
      .returning();
    return row!;
  });
}

export async function updateRule(db: Db, id: string, input: Partial<RuleInput>) {
  return db.transaction(async (tx) => {
    if (input.queueId) await assertQueue(tx as unknown as Db, input.queueId);
    const [row] = await tx
      .update(assignmentRules)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(assignmentRules.id, id))
      .returning();
    if (!row) throw notFound("Assignment rule", id);
    return row;
  });
}

export async function deleteRule(db: Db, id: string): Promise<void> {
  const deleted = await db
    .delete(assignmentRules)
    .where(eq(assignmentRules.id, id))
    .returning({ id: assignmentRules.id });
  if (!deleted.length) throw notFound("Assignment rule", id);
}

/** Sets the evaluation order: `ids` lists every rule once, first match first. */
export async function reorderRules(db: Db, ids: string[]) {
  return db.transaction(async (tx) => {
    const existing = await tx.select({ id: assignmentRules.id }).from(assignmentRules).for("update");
    const known = new Set(existing.map((r) => r.id));
    if (ids.length !== known.size || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id))) {
      throw new AppError(
        "VALIDATION",
        "List every assignment rule exactly once, in the order they should be tried.",
        {
          expected: known.size,
        },
      );
    }
    for (const [index, id] of ids.entries())
      await tx
        .update(assignmentRules)
        .set({ position: index + 1 })
        .where(eq(assignmentRules.id, id));
    return tx.select().from(assignmentRules).orderBy(asc(assignmentRules.position));
  });
}
