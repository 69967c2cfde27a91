/** Every query key in one place, so live updates patch exactly what the screens read. */
export type CaseListScope = "mine" | "open";

/** The inbox's filters, as its URL holds them (pages/inbox/inbox-url.ts). */
export interface InboxFilters {
  /** `me`, `none` (unassigned), `any`, or one agent's id. */
  assignee: string;
  queueId: string | null;
  status: string[];
  channel: string[];
  priority: string[];
  sla: string[];
  /** Customer ratings: `1`–`5`, `rated`, `unrated`, `low`. */
  csat: string[];
  q: string;
  /** Case custom field filters by key (`cf.<key>=value` in the URL). */
  fields: Record<string, string>;
}

export const queryKeys = {
  me: ["me"] as const,
  myLoad: ["me", "load"] as const,
  /** The bell: mentions kept until read. */
  notifications: ["me", "notifications"] as const,
  cases: (scope: CaseListScope) => ["cases", scope] as const,
  /** Every inbox table page set starts with this, so live updates can patch them all. */
  inboxAll: ["inbox"] as const,
  inbox: (filters: InboxFilters) => ["inbox", filters] as const,
  case: (caseId: string) => ["case", caseId] as const,
  caseSla: (caseId: string) => ["case", caseId, "sla"] as const,
  contactCases: (contactId: string) => ["contact-cases", contactId] as const,
  queues: ["queues"] as const,
  /** The agent's own macros and the shared ones (the case page's Macros menu and the Macros screen). */
  macros: ["macros"] as const,
  contacts: (q: string) => ["contacts", q] as const,
  contact: (contactId: string) => ["contact", contactId] as const,
};
