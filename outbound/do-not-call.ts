/** The do-not-call list: numbers never called, everywhere or in one campaign; added one by one or imported. */
import { parse as parseSync } from "csv-parse/sync";
import { and, asc, eq, isNull, type SQL } from "drizzle-orm";
import type { CountryCode } from "libphonenumber-js";
import { AppError } from "../cases/errors.ts";
import type { Executor } from "../db/connect.ts";
import { campaigns, doNotCall } from "../db/schema/outbound.ts";
import { normaliseListPhone } from "./list-rows.ts";

async function checkCampaign(executor: Executor, campaignId: string | null | undefined): Promise<void> {
  if (!campaignId) return;
  const [found] = await executor
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (!found) throw new AppError("VALIDATION", `Campaign '${campaignId}' does not exist.`);
}

export async function addDoNotCall(
  executor: Executor,
  input: {
    phone: string;
    campaignId?: string | null;
    reason?: string;
    createdById: string | null;
    defaultCountry: CountryCode;
    at: Date;
  },
) {
  const phone = normaliseListPhone(input.phone, input.defaultCountry);
  if (!phone.ok) throw new AppError("VALIDATION", phone.reason);
  await checkCampaign(executor, input.campaignId);
  await executor
    .insert(doNotCall)
    .values({
      phone: phone.e164,
      campaignId: input.campaignId ?? null,
      source: "api",
      reason: input.reason ?? "",
      createdById: input.createdById,
      createdAt: input.at,
    })
    .onConflictDoNothing();
  const [row] = await executor
    .select()
    .from(doNotCall)
    .where(
      and(
        eq(doNotCall.phone, phone.e164),
        input.campaignId ? eq(doNotCall.campaignId, input.campaignId) : isNull(doNotCall.campaignId),
      ),
    );
  return row!;
}

/** A file of numbers, one per line (a header row and other columns are allowed; the first column is the number). */
export async function importDoNotCall(
  executor: Executor,
  input: {
    csv: string;
    campaignId?: string | null;
    createdById: string | null;
    defaultCountry: CountryCode;
    at: Date;
  },
) {
  await checkCampaign(executor, input.campaignId);
  let rows: string[][];
  try {
    rows = parseSync(input.csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    throw new AppError("VALIDATION", `The file is not readable as CSV: ${(error as Error).message}`);
  }
  const invalid: { line: number; value: string; reason: string }[] = [];
  const phones = new Set<string>();
  rows.forEach((row, index) => {
    const value = row[0] ?? "";
    const phone = normaliseListPhone(value, input.defaultCountry);
    if (phone.ok) phones.add(phone.e164);
    // A first line that is not a number is the header.
    else if (index > 0 || /\d{5,}/.test(value))
      invalid.push({ line: index + 1, value, reason: phone.reason });
  });
  const values = [...phones].map((phone) => ({
    phone,
    campaignId: input.campaignId ?? null,
    source: "import",
    createdById: input.createdById,
    createdAt: input.at,
  }));
  let added = 0;
  for (let start = 0; start < values.length; start += 1000) {
    const stored = await executor
      .insert(doNotCall)
      .values(values.slice(start, start + 1000))
      .onConflictDoNothing()
      .returning({ id: doNotCall.id });
    added += stored.length;
  }
  return { added, alreadyListed: phones.size - added, invalid };
}

export async function listDoNotCall(
  executor: Executor,
  filter: { campaignId?: string; limit: number; offset: number },
) {
  const where: SQL | undefined = filter.campaignId ? eq(doNotCall.campaignId, filter.campaignId) : undefined;
  return executor
    .select()
    .from(doNotCall)
    .where(where)
    .orderBy(asc(doNotCall.createdAt), asc(doNotCall.phone))
    .limit(filter.limit)
    .offset(filter.offset);
}
