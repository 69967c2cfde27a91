/**
 * Our Twilio phone numbers: the queue an SMS or call to each goes to, the greeting and voice menu
 * callers hear, and the phone that takes calls when nobody can answer in the browser. Shapes are
 * checked at the API; here go the checks that need the database, each refused before anything is
 * written.
 */
import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { CountryCode } from "libphonenumber-js";
import { AppError, notFound } from "../../cases/errors.ts";
import { normalisePhone } from "../../cases/identities.ts";
import type { Db, Executor, Tx } from "../../db/connect.ts";
import { type IvrOption, phoneNumbers } from "../../db/schema/channels.ts";
import { queues } from "../../db/schema/routing.ts";

export type PhoneNumberRow = typeof phoneNumbers.$inferSelect;

export interface PhoneNumberInput {
  number: string;
  name?: string;
  queueId?: string | null;
  greeting?: string | null;
  ivr?: IvrOption[];
  fallbackNumber?: string | null;
}

export const listPhoneNumbers = (db: Db) => db.select().from(phoneNumbers).orderBy(asc(phoneNumbers.number));

export async function getPhoneNumber(executor: Executor, id: string): Promise<PhoneNumberRow> {
  const [row] = await executor.select().from(phoneNumbers).where(eq(phoneNumbers.id, id));
  if (!row) throw notFound("Phone number", id);
  return row;
}

/** The row of one of our numbers as Twilio writes it (`To`); undefined for a number we do not know. */
export async function findPhoneNumber(
  executor: Executor,
  raw: string | null | undefined,
): Promise<PhoneNumberRow | undefined> {
  if (!raw) return undefined;
  let number: string;
  try {
    number = normalisePhone(raw);
  } catch {
    return undefined;
  }
  const [row] = await executor.select().from(phoneNumbers).where(eq(phoneNumbers.number, number));
  return row;
}

/** The number to send or call from when a case has none of its own: the first one set up. */
export async function firstPhoneNumber(executor: Executor): Promise<PhoneNumberRow | undefined> {
  const [row] = await executor
    .select()
    .from(phoneNumbers)
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.number))
    .limit(1);
  return row;
}

function normalised(field: string, raw: string, country?: CountryCode): string {
  try {
    return normalisePhone(raw, country);
  } catch (error) {
    throw new AppError("VALIDATION", `${field}: ${(error as Error).message}`, { field });
  }
}

async function assertQueuesExist(tx: Tx, input: Partial<PhoneNumberInput>): Promise<void> {
  const wanted = new Map<string, string>();
  if (input.queueId) wanted.set(input.queueId, "queueId");
  input.ivr?.forEach((option, index) => {
    if (!wanted.has(option.queueId)) wanted.set(option.queueId, `ivr[${index}].queueId`);
  });
  if (!wanted.size) return;
  const found = await tx
    .select({ id: queues.id })
    .from(queues)
    .where(inArray(queues.id, [...wanted.keys()]));
  const known = new Set(found.map((row) => row.id));
  for (const [queueId, field] of wanted) {
    if (!known.has(queueId))
      throw new AppError("VALIDATION", `${field}: queue '${queueId}' does not exist.`, { field });
  }
}

function assertDistinctDigits(ivr: IvrOption[] | undefined): void {
  const seen = new Set<string>();
  for (const [index, option] of (ivr ?? []).entries()) {
    if (seen.has(option.digit)) {
      throw new AppError("VALIDATION", `ivr[${index}].digit: '${option.digit}' is used by two options.`, {
        field: `ivr[${index}].digit`,
      });
    }
    seen.add(option.digit);
  }
}

async function assertNumberFree(tx: Tx, number: string, exceptId?: string): Promise<void> {
  const [clash] = await tx
    .select({ id: phoneNumbers.id })
    .from(phoneNumbers)
    .where(
      exceptId
        ? and(eq(phoneNumbers.number, number), ne(phoneNumbers.id, exceptId))
        : eq(phoneNumbers.number, number),
    );
  if (clash)
    throw new AppError("CONFLICT", `${number} is already set up as a phone number.`, { field: "number" });
}

function cleanText(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  return value.trim() || null;
}

export async function createPhoneNumber(
  db: Db,
  input: PhoneNumberInput,
  country?: CountryCode,
): Promise<PhoneNumberRow> {
  return db.transaction(async (tx) => {
    const number = normalised("number", input.number, country);
    const fallbackNumber = input.fallbackNumber
      ? normalised("fallbackNumber", input.fallbackNumber, country)
      : null;
    assertDistinctDigits(input.ivr);
    await assertQueuesExist(tx, input);
    await assertNumberFree(tx, number);
    const [row] = await tx
      .insert(phoneNumbers)
      .values({
        number,
        name: input.name?.trim() ?? "",
        queueId: input.queueId ?? null,
        greeting: cleanText(input.greeting) ?? null,
        ivr: input.ivr ?? [],
        fallbackNumber,
      })
      .onConflictDoNothing({ target: phoneNumbers.number })
      .returning();
    if (!row)
      throw new AppError("CONFLICT", `${number} is already set up as a phone number.`, { field: "number" });
    return row;
  });
}

export async function updatePhoneNumber(
  db: Db,
  id: string,
  input: Partial<PhoneNumberInput>,
  country?: CountryCode,
): Promise<PhoneNumberRow> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(phoneNumbers).where(eq(phoneNumbers.id, id)).for("update");
    if (!current) throw notFound("Phone number", id);
    const number = input.number === undefined ? undefined : normalised("number", input.number, country);
    const fallbackNumber =
      input.fallbackNumber === undefined || input.fallbackNumber === null
        ? input.fallbackNumber
        : normalised("fallbackNumber", input.fallbackNumber, country);
    assertDistinctDigits(input.ivr);
    await assertQueuesExist(tx, input);
    if (number && number !== current.number) await assertNumberFree(tx, number, id);
    const [row] = await tx
      .update(phoneNumbers)
      .set({
        ...(number ? { number } : {}),
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.queueId !== undefined ? { queueId: input.queueId } : {}),
        ...(input.greeting !== undefined ? { greeting: cleanText(input.greeting) ?? null } : {}),
        ...(input.ivr !== undefined ? { ivr: input.ivr } : {}),
        ...(fallbackNumber !== undefined ? { fallbackNumber } : {}),
        updatedAt: new Date(),
      })
      .where(eq(phoneNumbers.id, id))
      .returning();
    return row!;
  });
}

export async function deletePhoneNumber(db: Db, id: string): Promise<void> {
  const deleted = await db
    .delete(phoneNumbers)
    .where(eq(phoneNumbers.id, id))
    .returning({ id: phoneNumbers.id });
  if (!deleted.length) throw notFound("Phone number", id);
}
