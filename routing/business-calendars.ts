/**
 * Named business calendars ("Berlin office", with its holidays), chosen by queues and SLA policies.
 * A queue or policy that uses one keeps a copy in its own hours column (`queues.business_hours`,
 * `sla_policies.calendar`), rewritten in the same transaction as any change to the calendar, so
 * every reader of those columns (SLA targets, voice hours, the widget) works unchanged. Shapes are
 * validated at the API; here go the checks that need the database.
 */
import { asc, eq, inArray } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import type { Db, Executor, Tx } from "../db/connect.ts";
import { businessCalendars, queues, type StoredCalendar } from "../db/schema/routing.ts";
import { slaPolicies } from "../db/schema/sla.ts";

export type BusinessCalendarRow = typeof businessCalendars.$inferSelect;
export interface BusinessCalendarInput {
  name: string;
  calendar: StoredCalendar;
}
type Named = { id: string; name: string };
export interface CalendarUsers {
  queues: Named[];
  policies: Named[];
}
export type BusinessCalendarView = BusinessCalendarRow & { usedBy: CalendarUsers };

/** The queues and policies using each of these calendars (all of them when `ids` is not given). */
async function usersOf(executor: Executor, ids?: string[]): Promise<Map<string, CalendarUsers>> {
  const byCalendar = new Map<string, CalendarUsers>();
  const entry = (id: string) => {
    const found = byCalendar.get(id) ?? { queues: [], policies: [] };
    byCalendar.set(id, found);
    return found;
  };
  const queueRows = await executor
    .select({ id: queues.id, name: queues.name, calendarId: queues.calendarId })
    .from(queues)
    .where(ids ? inArray(queues.calendarId, ids) : undefined)
    .orderBy(asc(queues.name));
  for (const { calendarId, ...queue } of queueRows) if (calendarId) entry(calendarId).queues.push(queue);
  const policyRows = await executor
    .select({ id: slaPolicies.id, name: slaPolicies.name, calendarId: slaPolicies.calendarId })
    .from(slaPolicies)
    .where(ids ? inArray(slaPolicies.calendarId, ids) : undefined)
    .orderBy(asc(slaPolicies.position));
  for (const { calendarId, ...policy } of policyRows) if (calendarId) entry(calendarId).policies.push(policy);
  return byCalendar;
}

const withUsers = (row: BusinessCalendarRow, users: Map<string, CalendarUsers>): BusinessCalendarView => ({
  ...row,
  usedBy: users.get(row.id) ?? { queues: [], policies: [] },
});

/** Every named calendar by name, each with the queues and policies that use it. */
export async function listCalendars(executor: Executor): Promise<BusinessCalendarView[]> {
  const rows = await executor.select().from(businessCalendars).orderBy(asc(businessCalendars.name));
  const users = await usersOf(executor);
  return rows.map((row) => withUsers(row, users));
}

async function oneWithUsers(executor: Executor, row: BusinessCalendarRow): Promise<BusinessCalendarView> {
  return withUsers(row, await usersOf(executor, [row.id]));
}

async function assertNameFree(tx: Tx, name: string, id: string | null): Promise<void> {
  const [clash] = await tx
    .select({ id: businessCalendars.id })
    .from(businessCalendars)
    .where(eq(businessCalendars.name, name));
  if (clash && clash.id !== id)
    throw new AppError(
      "CONFLICT",
      `A business calendar named '${name}' already exists; choose another name.`,
      {
        field: "name",
      },
    );
}

export async function createCalendar(db: Db, input: BusinessCalendarInput): Promise<BusinessCalendarView> {
  return db.transaction(async (tx) => {
    await assertNameFree(tx, input.name, null);
    const [row] = await tx.insert(businessCalendars).values(input).returning();
    return oneWithUsers(tx, row!);
  });
}

/**
 * Replaces a calendar's name and hours and rewrites the copy every queue and policy using it keeps,
 * in one transaction: nobody reads the new hours on one and the old on another. The caller clears
 * the caches that hold those copies (routing config, SLA policies).
 */
export async function updateCalendar(
  db: Db,
  id: string,
  input: BusinessCalendarInput,
): Promise<BusinessCalendarView> {
  return db.transaction(async (tx) => {
    // Locked first: a queue or policy choosing this calendar meanwhile waits (FOR SHARE) and copies the new hours.
    const [current] = await tx
      .select()
      .from(businessCalendars)
      .where(eq(businessCalendars.id, id))
      .for("update");
    if (!current) throw notFound("Business calendar", id);
    await assertNameFree(tx, input.name, id);
    const now = new Date();
    const [row] = await tx
      .update(businessCalendars)
      .set({ ...input, updatedAt: now })
      .where(eq(businessCalendars.id, id))
      .returning();
    await tx
      .update(queues)
      .set({ businessHours: input.calendar, updatedAt: now })
      .where(eq(queues.calendarId, id));
    await tx
      .update(slaPolicies)
      .set({ calendar: input.calendar, updatedAt: now })
      .where(eq(slaPolicies.calendarId, id));
    return oneWithUsers(tx, row!);
  });
}

const quoted = (items: Named[]) => items.map((item) => `'${item.name}'`).join(", ");

/** Deletes a calendar nobody uses; refused (409) naming the queues and policies that still do. */
export async function deleteCalendar(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(businessCalendars).where(eq(businessCalendars.id, id)).for("update");
    if (!row) throw notFound("Business calendar", id);
    const { queues: usingQueues, policies } = (await usersOf(tx, [id])).get(id) ?? {
      queues: [],
      policies: [],
    };
    if (usingQueues.length || policies.length) {
      const users = [
        usingQueues.length ? `queue${usingQueues.length > 1 ? "s" : ""} ${quoted(usingQueues)}` : "",
        policies.length ? `SLA polic${policies.length > 1 ? "ies" : "y"} ${quoted(policies)}` : "",
      ].filter(Boolean);
      throw new AppError(
        "CONFLICT",
        `Business calendar '${row.name}' is used by ${users.join(" and ")}; choose other hours there first.`,
        { queueIds: usingQueues.map((q) => q.id), policyIds: policies.map((p) => p.id) },
      );
    }
    await tx.delete(businessCalendars).where(eq(businessCalendars.id, id));
  });
}

/** What a queue or policy asks for: a named calendar, hours of its own, or neither (unchanged). */
export interface CalendarChoice {
  calendarId?: string | null;
  hours?: StoredCalendar | null;
}

/**
 * The calendar id and hours to store for a queue's or policy's choice, inside its write's
 * transaction. A named calendar is copied (its row held FOR SHARE, so a concurrent change of the
 * calendar waits and then rewrites this copy too); hours given explicitly are its own (calendarId
 * null); `calendarId: null` alone detaches it and keeps the hours it had as its own.
 */
export async function resolveCalendarChoice(tx: Tx, choice: CalendarChoice): Promise<CalendarChoice> {
  const { calendarId, hours } = choice;
  if (!calendarId) {
    if (hours !== undefined) return { calendarId: null, hours };
    return calendarId === null ? { calendarId: null } : {};
  }
  if (hours !== undefined)
    throw new AppError(
      "VALIDATION",
      "Give either a named calendar (calendarId) or hours of its own, not both.",
      { field: "calendarId" },
    );
  const [row] = await tx
    .select({ calendar: businessCalendars.calendar })
    .from(businessCalendars)
    .where(eq(businessCalendars.id, calendarId))
    .for("share");
  if (!row)
    throw new AppError(
      "VALIDATION",
      `Business calendar '${calendarId}' does not exist; create it under Admin → Business calendars first.`,
      { field: "calendarId" },
    );
  return { calendarId, hours: row.calendar };
}
