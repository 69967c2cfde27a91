/**
 * `{{name}}` placeholders in texts people write for customers (update templates, canned
 * responses): filled from a table of values, and checked when the text is saved so a typo never
 * reaches a customer as `{{case.numbr}}`. Pure.
 */
import { AppError } from "./errors.ts";

const PLACEHOLDER = /\{\{\s*([a-zA-Z_.]+)\s*\}\}/g;

/** The text with each known placeholder replaced; unknown ones are left as written. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}

/** Placeholders the text uses that are not in `known`, each once. */
export function unknownPlaceholders(text: string, known: readonly string[]): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].filter(
    (name) => !known.includes(name),
  );
}

/** Refuses texts that use placeholders outside `known`, naming them and the ones there are. */
export function assertKnownPlaceholders(
  texts: string[],
  known: readonly string[],
  details?: Record<string, unknown>,
): void {
  const unknown = [...new Set(texts.flatMap((text) => unknownPlaceholders(text, known)))];
  if (!unknown.length) return;
  const list = (names: readonly string[]) => names.map((name) => `{{${name}}}`).join(", ");
  throw new AppError(
    "VALIDATION",
    `Unknown placeholder${unknown.length > 1 ? "s" : ""} ${list(unknown)}; use ${list(known)}.`,
    details,
  );
}

/** `{{contact.name}}` and `{{contact.first_name}}`: a name, or "there" ("Hi there") when there is none. */
export function contactNameValues(name: string | null | undefined): {
  "contact.name": string;
  "contact.first_name": string;
} {
  const full = name?.trim() || "";
  return { "contact.name": full || "there", "contact.first_name": full.split(/\s+/)[0] || "there" };
}

/** `{{agent.name}}`: the agent's first name, as customers are addressed by one person. */
export const agentFirstName = (name: string | null | undefined): string => name?.trim().split(/\s+/)[0] ?? "";
