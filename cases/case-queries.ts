/** Reading cases: the inbox list with filters, search and a cursor, and one case with its timeline. */
import { and, asc, desc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import {
  CASE_STATES,
  type CaseState,
  type Channel,
  cases,
  interactions,
  type Priority,
} from "../db/schema/cases.ts";
import { contactIdentities, contacts } from "../db/schema/contacts.ts";
import { offers } from "../db/schema/routing.ts";
import { linkedCases } from "./case-links.ts";
import type { CaseMachine } from "./case-machine.ts";
import { type SearchSource, type SearchStrategy, searchHits } from "./case-search.ts";
import { statesTagged } from "./case-states.ts";
import { csatCondition, csatOf } from "./csat.ts";
import { AppError, notFound } from "./errors.ts";
import { allowedActions } from "./replies.ts";

/** Every state with work still to do (the machine's `open` tag): what `status=open` lists. */
export const OPEN_STATES: CaseState[] = [...statesTagged("open")];

export interface CaseListFilter {
  states?: CaseState[];
  /** An agent id, or null for unassigned cases. */
  assigneeId?: string | null;
  channels?: Channel[];
  priorities?: Priority[];
  /** SLA states of the case's running targets; `none` for cases without a running target. */
  slaStatuses?: string[];
  /** CSAT: ratings `1`–`5`, `rated`, `unrated` or `low` (1–2); a case matching any of them is listed. */
  csat?: string[];
  queueId?: string;
  contactId?: string;
  /** Custom field values every listed case holds (`custom_fields @>`, served by the GIN index). */
  customFields?: Record<string, unknown>;
  q?: string;
  limit: number;
  cursor?: string;
  /**
   * Only what a person limited to some queues may see: their queues' cases and the cases assigned or
   * offered to them (cases/case-permissions.ts `maySeeCase`). Absent: every case.
   */
  visibleTo?: { agentId: string; queueIds: readonly string[] };
  /** How the search reads each place, instead of the estimate's choice: for tests only. */
  searchStrategies?: Partial<Record<SearchSource, SearchStrategy>>;
}

interface Cursor {
  /** An ISO timestamp; microseconds kept, since PostgreSQL stores them and two cases may share a millisecond. */
  updatedAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.id])).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(raw: string): Cursor {
  try {
    const [updatedAt, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as [string, string];
    if (
      typeof updatedAt !== "string" ||
      typeof id !== "string" ||
      !UUID.test(id) ||
      Number.isNaN(Date.parse(updatedAt))
    )
      throw new Error();
    return { updatedAt, id };
  } catch {
    throw new AppError("VALIDATION", "The cursor is not one this API returned; start again without it.", {
      field: "cursor",
    });
  }
}

/**
 * Values from a closed set written into the SQL as literals, not parameters: the inbox's partial
 * indexes (`where state in (...open states)`) are used only when the planner can prove the query's
 * states fall inside them, and it proves that from constants.
 */
function literals(values: readonly string[], allowed: (value: string) => boolean, field: string): SQL {
  for (const value of values)
    if (!allowed(value))
      throw new AppError("VALIDATION", `'${value}' is not a value the ${field} filter knows.`, { field });
  return sql.raw(values.map((value) => `'${value}'`).join(", "));
}

const isCaseState = (value: string) => (CASE_STATES as readonly string[]).includes(value);
const isSlaStatus = (value: string) => /^[a-z_]{1,32}$/.test(value);

/**
 * `maySeeCase` in SQL. One array parameter, whatever the scope's size, so the statement stays the
 * same and `queue_id = any(...)` can use the queue index.
 */
export function visibleToCondition(visibleTo: { agentId: string; queueIds: readonly string[] }): SQL {
  const queueIds = `{${visibleTo.queueIds.filter((id) => UUID.test(id)).join(",")}}`;
  return sql`(${cases.queueId} = any(${queueIds}::uuid[]) or ${cases.assigneeId} = ${visibleTo.agentId}
    or exists (select 1 from ${offers} where ${offers.caseId} = ${cases.id}
      and ${offers.agentId} = ${visibleTo.agentId} and ${offers.status} = 'pending'))`;
}

/** The filter's conditions on `cases` (the cursor included), written against the unaliased table. */
function listConditions(filter: CaseListFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.states?.length)
    conditions.push(sql`${cases.state} in (${literals(filter.states, isCaseState, "status")})`);
  if (filter.assigneeId === null) conditions.push(isNull(cases.assigneeId));
  else if (filter.assigneeId) conditions.push(eq(cases.assigneeId, filter.assigneeId));
  if (filter.channels?.length) conditions.push(inArray(cases.channel, filter.channels));
  if (filter.priorities?.length) conditions.push(inArray(cases.priority, filter.priorities));
  if (filter.slaStatuses?.length) {
    const named = filter.slaStatuses.filter((status) => status !== "none");
    const either: SQL[] = [];
    if (named.length) either.push(sql`${cases.slaStatus} in (${literals(named, isSlaStatus, "sla")})`);
    if (named.length < filter.slaStatuses.length) either.push(isNull(cases.slaStatus));
    conditions.push(either.length === 1 ? either[0]! : or(...either)!);
  }
  if (filter.csat?.length) conditions.push(csatCondition(filter.csat));
  if (filter.queueId) conditions.push(eq(cases.queueId, filter.queueId));
  if (filter.contactId) conditions.push(eq(cases.contactId, filter.contactId));
  if (filter.customFields && Object.keys(filter.customFields).length)
    conditions.push(sql`${cases.customFields} @> ${JSON.stringify(filter.customFields)}::jsonb`);
  if (filter.visibleTo) conditions.push(visibleToCondition(filter.visibleTo));
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    conditions.push(
      sql`(${cases.updatedAt}, ${cases.id}) < (${cursor.updatedAt}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  return conditions;
}

export const caseSummaryColumns = {
  id: cases.id,
  number: cases.number,
  subject: cases.subject,
  state: cases.state,
  priority: cases.priority,
  channel: cases.channel,
  queueId: cases.queueId,
  assigneeId: cases.assigneeId,
  tags: cases.tags,
  dispositionId: cases.dispositionId,
  linkedCaseId: cases.linkedCaseId,
  enqueuedAt: cases.enqueuedAt,
  createdAt: cases.createdAt,
  updatedAt: cases.updatedAt,
  lastCustomerMessageAt: cases.lastCustomerMessageAt,
  slaStatus: cases.slaStatus,
  slaDueAt: cases.slaDueAt,
  firstResponseAt: cases.firstResponseAt,
  resolvedAt: cases.resolvedAt,
  csatRating: cases.csatRating,
  csatComment: cases.csatComment,
  csatAt: cases.csatAt,
  contactId: cases.contactId,
  contactName: contacts.name,
};

/**
 * The statement behind one page of the list, unsent: `listCases` runs it, and the inbox benchmark
 * prints its plan. Every list reads newest activity first on (updated_at, id); which index serves a
 * page is the planner's choice among those made for the inbox (db/schema/cases.ts). The page's ids
 * are picked from `cases` alone — often from an index alone — and only those rows are then read and
 * joined to their contacts, so a plan that sorts never joins the cases that do not make the page.
 * A search first asks the planner how common the words are (cases/case-search.ts).
 */
export async function caseListQuery(executor: Executor, filter: CaseListFilter) {
  const conditions = listConditions(filter);
  const q = filter.q?.trim();
  const limit = filter.limit + 1;
  const search = q ? await searchHits(executor, q, conditions, limit, filter.searchStrategies) : undefined;
  const ids =
    search?.ids ??
    sql`select ${cases.id} from ${cases} ${conditions.length ? sql`where ${and(...conditions)}` : sql``}
        order by ${cases.updatedAt} desc, ${cases.id} desc limit ${limit}`;
  const query = executor
    .select({
      ...caseSummaryColumns,
      assigneeName: agents.name,
      cursorAt: sql<string>`to_char(${cases.updatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(cases)
    .innerJoin(contacts, eq(contacts.id, cases.contactId))
    // The page's assignees by primary key: at most one row each, read for the page's rows only.
    .leftJoin(agents, eq(agents.id, cases.assigneeId))
    .where(sql`${cases.id} in (${ids})`)
    .orderBy(desc(cases.updatedAt), desc(cases.id))
    .limit(limit);
  return { query, strategies: search?.strategies };
}

export async function listCases(executor: Executor, filter: CaseListFilter) {
  const rows = await (await caseListQuery(executor, filter)).query;
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > filter.limit && last ? encodeCursor({ updatedAt: last.cursorAt, id: last.id }) : null;
  return {
    items: page.map(
      ({
        contactId,
        contactName,
        assigneeName,
        cursorAt: _cursorAt,
        csatRating,
        csatComment,
        csatAt,
        ...row
      }) => ({
        ...row,
        csat: csatOf({ csatRating, csatComment, csatAt }),
        contact: { id: contactId, name: contactName },
        assignee: row.assigneeId ? { id: row.assigneeId, name: assigneeName ?? "" } : null,
      }),
    ),
    nextCursor,
  };
}

/** One case, its contact, its timeline, and the lifecycle actions its state allows now. */
export async function getCaseDetail(
  executor: Executor,
  caseId: string,
  lifecycle: { machine: CaseMachine; now: Date },
) {
  const [row] = await executor.select().from(cases).where(eq(cases.id, caseId));
  if (!row) throw notFound("Case", caseId);
  const [contact] = await executor.select().from(contacts).where(eq(contacts.id, row.contactId));
  const identities = await executor
    .select({
      id: contactIdentities.id,
      kind: contactIdentities.kind,
      address: contactIdentities.address,
      verifiedAt: contactIdentities.verifiedAt,
      optedOutAt: contactIdentities.optedOutAt,
      optOutMethod: contactIdentities.optOutMethod,
    })
    .from(contactIdentities)
    .where(eq(contactIdentities.contactId, row.contactId))
    .orderBy(asc(contactIdentities.createdAt));
  const timeline = await executor
    .select({ interaction: interactions, authorName: agents.name })
    .from(interactions)
    .leftJoin(agents, eq(agents.id, interactions.authorAgentId))
    .where(eq(interactions.caseId, caseId))
    .orderBy(asc(interactions.createdAt), asc(interactions.seq));
  const { machineSnapshot: _snapshot, machineVersion: _version, ...caseFields } = row;
  return {
    ...caseFields,
    csat: csatOf(row),
    allowedActions: allowedActions(lifecycle.machine, row, lifecycle.now.getTime()),
    contact: {
      id: contact!.id,
      name: contact!.name,
      attributes: contact!.attributes,
      customFields: contact!.customFields,
      // The opt-out fields appear only on an address the customer opted out of.
      identities: identities.map(({ optedOutAt, optOutMethod, verifiedAt, ...identity }) => ({
        ...identity,
        verified: verifiedAt !== null,
        ...(optedOutAt ? { optedOutAt, optOutMethod } : {}),
      })),
    },
    linkedCases: await linkedCases(executor, row),
    interactions: timeline.map(({ interaction, authorName }) => ({
      ...interaction,
      author: interaction.authorAgentId ? { id: interaction.authorAgentId, name: authorName ?? "" } : null,
    })),
  };
}

export type CaseDetail = Awaited<ReturnType<typeof getCaseDetail>>;
export type CaseSummary = Awaited<ReturnType<typeof listCases>>["items"][number];
