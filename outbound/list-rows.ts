/**
 * Call list rows as people write them: a phone number in any common shape (spaces, national
 * formats, extensions, letters as on a keypad), a name, perhaps a time zone. Pure: turns one CSV row
 * into a record to import or a reason it cannot be, and suggests which column holds what.
 */
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { isTimeZone } from "../cases/time-zone.ts";
import type { ColumnMapping } from "../db/schema/outbound.ts";

const KEYPAD: Record<string, string> = {};
for (const [digit, letters] of Object.entries({
  2: "ABC",
  3: "DEF",
  4: "GHI",
  5: "JKL",
  6: "MNO",
  7: "PQRS",
  8: "TUV",
  9: "WXYZ",
})) {
  for (const letter of letters) KEYPAD[letter] = digit;
}

/** "ext. 12", "x12", "extension 12", "#12" at the end of a number. */
const EXTENSION = /\s*(?:,|;)?\s*(?:ext\.?|extension|x|#)\s*(\d{1,8})\s*$/i;

export type PhoneResult =
  | { ok: true; e164: string; extension: string | null; country: string | null }
  | { ok: false; reason: string };

export function normaliseListPhone(raw: string, defaultCountry: CountryCode): PhoneResult {
  let text = raw.trim();
  if (!text) return { ok: false, reason: "no phone number" };
  let extension: string | null = null;
  const ext = EXTENSION.exec(text);
  if (ext) {
    extension = ext[1]!;
    text = text.slice(0, ext.index);
  }
  // Vanity numbers (1-800-FLOWERS): letters stand for their keypad digits.
  if (/[A-Za-z]/.test(text)) {
    if (/[^A-Za-z0-9\s().+-]/.test(text) || (text.match(/\d/g) ?? []).length < 3)
      return { ok: false, reason: `'${raw}' is not a phone number` };
    text = text.toUpperCase().replace(/[A-Z]/g, (letter) => KEYPAD[letter] ?? letter);
  }
  if ((text.match(/\d/g) ?? []).length < 5)
    return { ok: false, reason: `'${raw}' has too few digits for a phone number` };
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (!parsed) return { ok: false, reason: `'${raw}' is not a phone number` };
  if (!parsed.isValid()) {
    return {
      ok: false,
      reason: `'${raw}' is not a valid number${parsed.country ? ` in ${parsed.country}` : ""} (default country ${defaultCountry})`,
    };
  }
  return {
    ok: true,
    e164: parsed.number,
    extension: extension ?? parsed.ext ?? null,
    country: parsed.country ?? null,
  };
}

export type RowResult =
  | {
      ok: true;
      phone: string;
      extension: string | null;
      name: string | null;
      timeZone: string | null;
      attributes: Record<string, string>;
    }
  | { ok: false; reason: string; value: string };

/** One CSV row (header cell -> value) to what the import stores, or why it cannot. */
export function readListRow(
  row: Record<string, string>,
  mapping: ColumnMapping,
  defaultCountry: CountryCode,
): RowResult {
  const value = row[mapping.phone] ?? "";
  const phone = normaliseListPhone(value, defaultCountry);
  if (!phone.ok) return { ok: false, reason: phone.reason, value };
  let timeZone: string | null = null;
  const zoneCell = mapping.timeZone ? (row[mapping.timeZone] ?? "").trim() : "";
  if (zoneCell) {
    if (!isTimeZone(zoneCell, { regionOnly: true }))
      return { ok: false, reason: `'${zoneCell}' is not an IANA time zone (e.g. America/Chicago)`, value };
    timeZone = zoneCell;
  }
  const pick = (column?: string | null) => (column ? (row[column] ?? "").trim() : "");
  const name =
    pick(mapping.name) || [pick(mapping.firstName), pick(mapping.lastName)].filter(Boolean).join(" ") || null;
  const used = new Set([mapping.phone, mapping.name, mapping.firstName, mapping.lastName, mapping.timeZone]);
  const attributes: Record<string, string> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (!used.has(column) && cell.trim()) attributes[column] = cell.trim();
  }
  return { ok: true, phone: phone.e164, extension: phone.extension, name, timeZone, attributes };
}

const GUESSES: [keyof ColumnMapping, RegExp][] = [
  ["phone", /^(phone|phone.?number|telephone|tel|mobile|cell|number|msisdn|contact.?number)$/i],
  ["timeZone", /^(time.?zone|tz|zone)$/i],
  ["firstName", /^(first.?name|given.?name|first)$/i],
  ["lastName", /^(last.?name|surname|family.?name|last)$/i],
  ["name", /^(name|full.?name|contact|contact.?name|customer)$/i],
];

/** Which column probably holds what, from the header cells; the phone guess falls back to a column whose values look like numbers. */
export function suggestMapping(headers: string[], rows: string[][]): Partial<ColumnMapping> {
  const mapping: Partial<ColumnMapping> = {};
  for (const [field, pattern] of GUESSES) {
    const found = headers.find((header) => pattern.test(header.trim()));
    if (found && !Object.values(mapping).includes(found)) mapping[field] = found;
  }
  if (!mapping.phone) {
    const digitsShare = headers.map((_, column) => {
      const cells = rows.map((row) => row[column] ?? "").filter(Boolean);
      const phoneLike = cells.filter((cell) => (cell.match(/\d/g) ?? []).length >= 7).length;
      return cells.length ? phoneLike / cells.length : 0;
    });
    const best = digitsShare.indexOf(Math.max(...digitsShare));
    if (best >= 0 && (digitsShare[best] ?? 0) >= 0.5) mapping.phone = headers[best];
  }
  return mapping;
}
