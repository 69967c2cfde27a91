/** The inbox list's query: its filters (what an inbox URL and a saved view hold) and its paging. */
import { z } from "zod";
import { OPEN_STATES } from "../../cases/case-queries.ts";
import { CSAT_FILTERS } from "../../cases/csat.ts";
import { type CustomFieldDefinition, validateCustomFieldValues } from "../../cases/custom-fields.ts";
import { AppError } from "../../cases/errors.ts";
import { CASE_STATES, type CaseState, CHANNELS, PRIORITIES } from "../../db/schema/cases.ts";

const stateList = z
  .string()
  .transform((value, ctx) => {
    const states = new Set<CaseState>();
    for (const part of value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (part === "open") for (const state of OPEN_STATES) states.add(state);
      else if ((CASE_STATES as readonly string[]).includes(part)) states.add(part as CaseState);
      else {
        ctx.addIssue({
          code: "custom",
          message: `unknown status '${part}'; use open or ${CASE_STATES.join(", ")}`,
        });
        return z.NEVER;
      }
    }
    return [...states];
  })
  .describe("Comma-separated states, or `open` for every state before resolved");

/** A comma-separated list of values from a closed set, e.g. `chat,sms`. */
const listOf = <T extends string>(allowed: readonly T[], what: string) =>
  z
    .string()
    .transform((value, ctx) => {
      const parts = value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = parts.filter((part) => !(allowed as readonly string[]).includes(part));
      if (unknown.length) {
        ctx.addIssue({
          code: "custom",
          message: `unknown ${what} '${unknown[0]}'; use ${allowed.join(", ")}`,
        });
        return z.NEVER;
      }
      return [...new Set(parts)] as T[];
    })
    .describe(`Comma-separated: ${allowed.join(", ")}`);

const SLA_FILTERS = ["active", "at_risk", "breached", "none"] as const;

/**
 * The inbox's filters and search: the list route's query without its paging, and what a saved view
 * may hold (server/routes/saved-views.ts).
 */
export const caseFilterQuery = z.object({
  status: stateList.optional(),
  assignee: z
    .union([z.uuid(), z.enum(["me", "none", "any"])])
    .optional()
    .describe("An agent id, `me`, `none` (unassigned) or `any` (anyone or no one, as when left out)"),
  channel: listOf(CHANNELS, "channel").optional(),
  priority: listOf(PRIORITIES, "priority").optional(),
  sla: listOf(SLA_FILTERS, "SLA state")
    .optional()
    .describe("SLA state of the running targets: active, at_risk, breached, or none"),
  csat: listOf(CSAT_FILTERS, "CSAT value")
    .optional()
    .describe("Customer rating: 1–5, rated, unrated, or low (1–2); a case matching any is listed"),
  queue: z.uuid().optional().describe("Only cases in this queue"),
  contact: z.uuid().optional().describe("Only this contact's cases"),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe(
      "Searches subject, contact name and addresses, message text, #number; addresses and message text once it has 3 letters or digits in a row",
    ),
});

/** The inbox list's filters, search and paging; `cf.<key>=value` filters by a case custom field. */
export const caseListQuerystring = caseFilterQuery
  .extend({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(500).optional().describe("`nextCursor` of the previous page"),
  })
  .catchall(
    z
      .string()
      .max(500)
      .describe(
        "`cf.<key>=value`: cases whose custom field holds the value (a multiple-choice field: every comma-separated choice); several are ANDed",
      ),
  );

/** A custom field filter's key in an inbox URL: `cf.plan`. */
export const FIELD_FILTER_KEY = /^cf\.([a-z][a-z0-9_]{0,49})$/;

/** A filter's text as the value stored for the field's type (checked by the validator after). */
function filterValue(field: CustomFieldDefinition, raw: string): unknown {
  switch (field.type) {
    case "number":
      return raw.trim() === "" ? raw : Number(raw);
    case "checkbox":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "multi_choice":
      return raw
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

/**
 * The `cf.<key>` parameters of a list query as the jsonb every listed case must contain, or
 * undefined without any. An unknown field or a value its type cannot hold is a 400 naming the field.
 */
export function fieldFilter(
  definitions: readonly CustomFieldDefinition[],
  query: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    const key = FIELD_FILTER_KEY.exec(name)?.[1];
    if (!key) continue;
    const field = definitions.find((definition) => definition.key === key);
    values[key] = field && typeof raw === "string" ? filterValue(field, raw) : raw;
  }
  if (!Object.keys(values).length) return undefined;
  // Filtering is reading: a required field may be asked for an empty or unticked value.
  const optional = definitions.map((field) => ({ ...field, required: false, requiredQueueIds: [] }));
  const checked = validateCustomFieldValues(optional, "case", values);
  return Object.fromEntries(Object.entries(checked).filter(([, value]) => value !== null));
}

export type CaseFilterQuery = z.output<typeof caseFilterQuery>;

/** The keys an inbox URL (and a saved view) may carry. */
export const CASE_FILTER_KEYS = Object.keys(caseFilterQuery.shape) as (keyof CaseFilterQuery)[];

const MAX_VIEW_QUERY = 2000;

/**
 * Checks an inbox URL query string (`status=open&queue=…`, a leading `?` allowed) as the list route
 * would read it, and returns it without the `?`. Unknown keys (paging included: a view is filters,
 * not a page) and keys given twice are refused by name.
 */
export function checkInboxQuery(raw: string): string {
  const query = raw.trim().replace(/^\?/, "");
  if (query.length > MAX_VIEW_QUERY)
    throw new AppError("VALIDATION", `The query can be at most ${MAX_VIEW_QUERY} characters.`, {
      query: "too long",
    });
  const params = new URLSearchParams(query);
  const keys = [...params.keys()];
  const unknown = [
    ...new Set(
      keys.filter((key) => !(CASE_FILTER_KEYS as string[]).includes(key) && !FIELD_FILTER_KEY.test(key)),
    ),
  ];
  if (unknown.length)
    throw new AppError(
      "VALIDATION",
      `The query has keys the inbox does not know: ${unknown.join(", ")}. Use ${CASE_FILTER_KEYS.join(", ")} or cf.<field key>.`,
      { unknownKeys: unknown },
    );
  const repeated = [...new Set(keys.filter((key, index) => keys.indexOf(key) !== index))];
  if (repeated.length)
    throw new AppError(
      "VALIDATION",
      `Give each filter once; repeated: ${repeated.join(", ")} (separate values with commas).`,
      { repeatedKeys: repeated },
    );
  const parsed = caseFilterQuery.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? "query");
    throw new AppError("VALIDATION", `The query's ${key} is not valid: ${issue.message}.`, {
      [key]: issue.message,
    });
  }
  return query;
}
