/** What goes into an export's cells: pure. */

/**
 * A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such text gets
 * a leading apostrophe, which spreadsheets show as plain text. Tab and carriage return count too
 * (OWASP's list), as some programs strip them before looking.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function guardCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A jsonb value as compact JSON text; drivers hand jsonb back parsed (PGlite) or as text. */
export function compactJson(value: unknown): string {
  if (value === null || value === undefined) return "{}";
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value));
    } catch {
      return value;
    }
  }
  return JSON.stringify(value);
}
