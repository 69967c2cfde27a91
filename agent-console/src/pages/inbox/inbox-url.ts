/**
 * The inbox's filters live in its URL, in the list API's own words (`assignee=me&status=open&…`), so
 * a link — or a saved view, which is that query string — reproduces what the inbox shows. The
 * assignee is always written (`any` for anyone), so a URL with filters is never mistaken for the
 * bare `/`, which opens the tab's last filters (or the defaults).
 */
import type { InboxFilters } from "../../api/query-keys.ts";

export const DEFAULT_FILTERS: InboxFilters = {
  assignee: "me",
  queueId: null,
  status: ["open"],
  channel: [],
  priority: [],
  sla: [],
  csat: [],
  q: "",
  fields: {},
};

/** A custom field filter's prefix in the URL: `cf.plan=gold`. */
export const FIELD_PREFIX = "cf.";

/** The custom field filters with a value, by key, in key order. */
export const fieldFilters = (filters: InboxFilters): [string, string][] =>
  Object.entries(filters.fields ?? {})
    .filter(([, value]) => value !== "")
    .sort(([a], [b]) => a.localeCompare(b));

const LISTS = ["status", "channel", "priority", "sla", "csat"] as const;

const list = (value: string | null) =>
  (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

/** The filters a query string names; what it leaves out is "any". An empty string is the defaults. */
export function filtersFromSearch(search: string): InboxFilters {
  const params = new URLSearchParams(search);
  if (![...params.keys()].length) return DEFAULT_FILTERS;
  const filters: InboxFilters = {
    assignee: params.get("assignee") || "any",
    queueId: params.get("queue") || null,
    status: [],
    channel: [],
    priority: [],
    sla: [],
    csat: [],
    q: params.get("q") ?? "",
    fields: {},
  };
  for (const key of LISTS) filters[key] = list(params.get(key));
  for (const [name, value] of params)
    if (name.startsWith(FIELD_PREFIX) && value) filters.fields[name.slice(FIELD_PREFIX.length)] = value;
  return filters;
}

/** The query string of the filters, keys in one order so equal filters give equal strings. */
export function searchOfFilters(filters: InboxFilters): string {
  const params = new URLSearchParams({ assignee: filters.assignee || "any" });
  if (filters.queueId) params.set("queue", filters.queueId);
  for (const key of LISTS) if (filters[key].length) params.set(key, filters[key].join(","));
  if (filters.q.trim()) params.set("q", filters.q.trim());
  for (const [key, value] of fieldFilters(filters)) params.set(`${FIELD_PREFIX}${key}`, value);
  // Commas read better in a link than %2C, and URLSearchParams reads them back either way.
  return params.toString().replaceAll("%2C", ",");
}
