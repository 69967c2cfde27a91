/**
 * One batch of an import in one transaction: rows read, contacts found or created for their numbers
 * (in bulk), records and issues stored through one JSON parameter each, progress counted.
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { CountryCode } from "libphonenumber-js";
import { timeZonesOfPhone } from "../cases/contact-time-zone.ts";
import type { Tx } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { contactIdentities, contacts } from "../db/schema/contacts.ts";
import { type listImportIssues, listImports, type TimeZoneSource } from "../db/schema/outbound.ts";
import { readListRow } from "./list-rows.ts";
import type { OutboundDeps } from "./ports.ts";

export interface PendingRow {
  line: number;
  cells: Record<string, string>;
}

/** Number zones cached by the number without its last four digits: zone data never goes finer. */
export function createZoneLookup() {
  const cache = new Map<string, string[]>();
  return async (e164: string): Promise<string[]> => {
    const key = e164.slice(0, -4);
    let zones = cache.get(key);
    if (!zones) {
      zones = await timeZonesOfPhone(e164);
      cache.set(key, zones);
    }
    return zones;
  };
}

/** Contacts owning these numbers, creating the missing ones; a number taken meanwhile is used as found. */
async function contactsFor(
  tx: Tx,
  wanted: { phone: string; name: string | null; timeZone: string | null }[],
): Promise<{
  byPhone: Map<string, { contactId: string; timeZone: string | null }>;
  matched: number;
  /** Contacts this batch created (each announced as `contact.created` after the commit). */
  created: string[];
}> {
  const phones = wanted.map((row) => row.phone);
  const find = async (addresses: string[]) =>
    addresses.length
      ? tx
          .select({
            address: contactIdentities.address,
            contactId: contactIdentities.contactId,
            timeZone: contacts.timeZone,
          })
          .from(contactIdentities)
          .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
          .where(and(eq(contactIdentities.kind, "phone"), inArray(contactIdentities.address, addresses)))
      : [];
  const byPhone = new Map<string, { contactId: string; timeZone: string | null }>();
  for (const found of await find(phones)) byPhone.set(found.address, found);
  const matched = byPhone.size;
  const created: string[] = [];
  const missing = wanted.filter((row) => !byPhone.has(row.phone));
  if (missing.length) {
    const fresh = missing.map((row) => ({ ...row, contactId: randomUUID() }));
    // One JSON parameter per batch: far cheaper to bind than thousands of row parameters.
    const batch = JSON.stringify(
      fresh.map((row) => ({
        id: row.contactId,
        name: row.name,
        time_zone: row.timeZone,
        address: row.phone,
      })),
    );
    await tx.execute(sql`
      insert into contacts (id, name, time_zone)
      select r.id, r.name, r.time_zone from json_to_recordset(${batch}::json) as r(id uuid, name text, time_zone text)`);
    const inserted = await queryRows<{ address: string }>(
      tx,
      sql`
        insert into contact_identities (contact_id, kind, address)
        select r.id, 'phone', r.address from json_to_recordset(${batch}::json) as r(id uuid, address text)
        on conflict do nothing
        returning address`,
    );
    const won = new Set(inserted.map((row) => row.address));
    for (const row of fresh)
      if (won.has(row.phone)) {
        byPhone.set(row.phone, row);
        created.push(row.contactId);
      }
    const lost = fresh.filter((row) => !won.has(row.phone));
    if (lost.length) {
      // Someone else created these numbers' contacts between our read and our insert.
      await tx.delete(contacts).where(
        inArray(
          contacts.id,
          lost.map((row) => row.contactId),
        ),
      );
      for (const found of await find(lost.map((row) => row.phone))) byPhone.set(found.address, found);
    }
  }
  return { byPhone, matched, created };
}

type ImportJob = typeof listImports.$inferSelect;
type ImportIssue = typeof listImportIssues.$inferInsert;

/** A row that read well and is new to the list, ready to store. */
interface AcceptedRow {
  line: number;
  phone: string;
  extension: string | null;
  name: string | null;
  timeZone: string | null;
  attributes: Record<string, string>;
}

/**
 * Reads the batch's rows: those that read well and are new to the list (neither earlier in this
 * batch nor in an earlier one) are accepted; the others become issues saying why not.
 */
function sortRows(
  job: ImportJob,
  rows: PendingRow[],
  firstLine: Map<string, number | null>,
  country: CountryCode,
): { accepted: AcceptedRow[]; issues: ImportIssue[]; inBatch: Map<string, number> } {
  const issues: ImportIssue[] = [];
  const accepted: AcceptedRow[] = [];
  const inBatch = new Map<string, number>();
  for (const row of rows) {
    const result = readListRow(row.cells, job.mapping, country);
    if (!result.ok) {
      issues.push({
        importId: job.id,
        line: row.line,
        kind: "invalid",
        reason: result.reason,
        value: result.value,
      });
      continue;
    }
    const earlier = inBatch.get(result.phone) ?? firstLine.get(result.phone);
    if (earlier !== undefined) {
      issues.push({
        importId: job.id,
        line: row.line,
        kind: "duplicate",
        reason:
          earlier === null
            ? `${result.phone} is already in the list`
            : `duplicate of line ${earlier} (${result.phone})`,
        value: row.cells[job.mapping.phone] ?? "",
      });
      continue;
    }
    inBatch.set(result.phone, row.line);
    accepted.push({ line: row.line, ...result });
  }
  return { accepted, issues, inBatch };
}

/** A record's zones, and where they came from: the file's column, the contact, the number, the default. */
function zonesFor(
  row: AcceptedRow,
  contactZone: string | null,
  numberZones: string[] | undefined,
  defaultZone: string,
): { timeZones: string[]; source: TimeZoneSource } {
  if (row.timeZone) return { timeZones: [row.timeZone], source: "column" };
  if (contactZone) return { timeZones: [contactZone], source: "contact" };
  if (numberZones?.length) return { timeZones: numberZones, source: "number" };
  return { timeZones: [defaultZone], source: "default" };
}

/**
 * Stores the accepted rows as records (one statement; a number another import stored meanwhile is
 * skipped and becomes a duplicate issue) and gives contacts without a zone the one the file gave.
 */
async function storeRecords(
  tx: Tx,
  deps: OutboundDeps,
  job: ImportJob,
  accepted: AcceptedRow[],
  zones: Map<string, string[]>,
  issues: ImportIssue[],
): Promise<{ imported: number; matched: number; createdContacts: string[] }> {
  if (!accepted.length) return { imported: 0, matched: 0, createdContacts: [] };
  const contactsFound = await contactsFor(tx, accepted);
  const values = accepted.map((row) => {
    const contact = contactsFound.byPhone.get(row.phone)!;
    const { timeZones, source } = zonesFor(row, contact.timeZone, zones.get(row.phone), deps.defaultTimeZone);
    return {
      list_id: job.listId,
      contact_id: contact.contactId,
      phone: row.phone,
      extension: row.extension,
      name: row.name,
      time_zones: timeZones,
      time_zone_source: source,
      attributes: row.attributes,
      line: row.line,
    };
  });
  const stored = await queryRows<{ phone: string }>(
    tx,
    sql`
      insert into list_records
        (list_id, contact_id, phone, extension, name, time_zones, time_zone_source, attributes, line)
      select r.list_id, r.contact_id, r.phone, r.extension, r.name, r.time_zones, r.time_zone_source, r.attributes, r.line
      from json_to_recordset(${JSON.stringify(values)}::json) as r(
        list_id uuid, contact_id uuid, phone text, extension text, name text, time_zones jsonb,
        time_zone_source text, attributes jsonb, line int)
      on conflict do nothing
      returning phone`,
  );
  const storedPhones = new Set(stored.map((row) => row.phone));
  for (const row of accepted) {
    if (storedPhones.has(row.phone)) continue;
    // Another import of the same list stored this number meanwhile.
    issues.push({
      importId: job.id,
      line: row.line,
      kind: "duplicate",
      reason: `${row.phone} is already in the list`,
      value: row.phone,
    });
  }
  // Contacts the list knew nothing about get the zone the file gave them.
  const zoned = accepted.filter((row) => row.timeZone && !contactsFound.byPhone.get(row.phone)?.timeZone);
  for (const row of zoned) {
    await tx
      .update(contacts)
      .set({ timeZone: row.timeZone })
      .where(
        and(
          eq(contacts.id, contactsFound.byPhone.get(row.phone)!.contactId),
          sql`${contacts.timeZone} is null`,
        ),
      );
  }
  return { imported: stored.length, matched: contactsFound.matched, createdContacts: contactsFound.created };
}

async function storeIssues(tx: Tx, jobId: string, issues: ImportIssue[]): Promise<void> {
  if (!issues.length) return;
  const batch = JSON.stringify(
    issues.map((issue) => ({
      line: issue.line,
      kind: issue.kind,
      reason: issue.reason,
      value: issue.value ?? "",
    })),
  );
  await tx.execute(sql`
    insert into list_import_issues (import_id, line, kind, reason, value)
    select ${jobId}::uuid, r.line, r.kind, r.reason, r.value
    from json_to_recordset(${batch}::json) as r(line int, kind text, reason text, value text)
    on conflict do nothing`);
}

/**
 * Stores one batch of an import's rows in one transaction: the records, the issues, and the
 * import's progress (so a restarted import resumes after the last line stored).
 */
export async function storeBatch(
  deps: OutboundDeps,
  job: ImportJob,
  rows: PendingRow[],
  unreadable: { line: number; reason: string }[],
  firstLine: Map<string, number | null>,
  zonesOf: (e164: string) => Promise<string[]>,
  country: CountryCode,
): Promise<void> {
  const sorted = sortRows(job, rows, firstLine, country);
  const issues: ImportIssue[] = [
    ...unreadable.map((issue) => ({
      importId: job.id,
      line: issue.line,
      kind: "invalid" as const,
      reason: issue.reason,
    })),
    ...sorted.issues,
  ];
  // Zones are looked up before the transaction: the lookup reads data files and must not hold it open.
  const zones = new Map<string, string[]>();
  for (const row of sorted.accepted) if (!row.timeZone) zones.set(row.phone, await zonesOf(row.phone));

  const createdContacts = await deps.db.transaction(async (raw) => {
    const tx = raw as Tx;
    const { imported, matched, createdContacts } = await storeRecords(
      tx,
      deps,
      job,
      sorted.accepted,
      zones,
      issues,
    );
    await storeIssues(tx, job.id, issues);
    const invalid = issues.filter((issue) => issue.kind === "invalid").length;
    await tx
      .update(listImports)
      .set({
        rowsDone: sql`${listImports.rowsDone} + ${rows.length + unreadable.length}`,
        doneThroughLine: Math.max(
          job.doneThroughLine,
          ...rows.map((row) => row.line),
          ...unreadable.map((issue) => issue.line),
        ),
        imported: sql`${listImports.imported} + ${imported}`,
        duplicates: sql`${listImports.duplicates} + ${issues.length - invalid}`,
        invalid: sql`${listImports.invalid} + ${invalid}`,
        contactsMatched: sql`${listImports.contactsMatched} + ${matched}`,
      })
      .where(eq(listImports.id, job.id));
    return createdContacts;
  });
  if (createdContacts.length)
    deps.events?.publish(
      createdContacts.map((contactId) => ({ type: "contact.created" as const, contactId })),
    );
  for (const [phone, line] of sorted.inBatch) firstLine.set(phone, line);
}
