/** Reading cases: the inbox list with filters, search and a cursor, and one case with its timeline. */
import { and, asc, desc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { type CaseState, type Channel, cases, interactions, type Priority } from "../db/schema/cases.ts";
import { contactIdentities, contacts } from "../db/schema/contacts.ts";
import type { CaseMachine } from "./case-machine.ts";
import { AppError, notFound } from "./errors.ts";
import { allowedActions } from "./replies.ts";

export const OPEN_STATES: CaseState[] = ["new", "queued", "offered", "assigned", "waiting_on_customer"];

export interface CaseListFilter {
  states?: CaseState[];
  /** An agent id, or null for unassigned cases. */
  assigneeId?: string | null;
  channels?: Channel[];
  priorities?: Priority[];
  /** SLA states of the case's running targets; `none` for cases without a running target. */
  slaStatuses?: string[];
  queueId?: string;
  contactId?: string;
  q?: string;
  limit: number;
  cursor?: string;
}

interface Cursor {
  updatedAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.id])).toString("base64url");
}

function decodeCursor(raw: string): Cursor {
  try {
    const [updatedAt, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as [string, string];
    if (typeof updatedAt !== "string" || typeof id !== "string" || Number.isNaN(Date.parse(updatedAt)))
      throw new Error();
    return { updatedAt, id };
  } catch {
    throw new AppError("VALIDATION", "The cursor is not one this API returned; start again without it.", {
      field: "cursor",
    });
  }
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

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
  contactId: cases.contactId,
  contactName: contacts.name,
};

export async function listCases(executor: Executor, filter: CaseListFilter) {
  const conditions: SQL[] = [];
  if (filter.states?.length) conditions.push(inArray(cases.state, filter.states));
  if (filter.assigneeId === null) conditions.push(isNull(cases.assigneeId));
  else if (filter.assigneeId) conditions.push(eq(cases.assigneeId, filter.assigneeId));
  if (filter.channels?.length) conditions.push(inArray(cases.channel, filter.channels));
  if (filter.priorities?.length) conditions.push(inArray(cases.priority, filter.priorities));
  if (filter.slaStatuses?.length) {
    const named = filter.slaStatuses.filter((status) => status !== "none");
    const either: SQL[] = [];
    if (named.length) either.push(inArray(cases.slaStatus, named));
    if (named.length < filter.slaStatuses.length) either.push(isNull(cases.slaStatus));
    conditions.push(either.length === 1 ? either[0]! : or(...either)!);
  }
  if (filter.queueId) conditions.push(eq(cases.queueId, filter.queueId));
  if (filter.contactId) conditions.push(eq(cases.contactId, filter.contactId));
  if (filter.q?.trim()) {
    const pattern = `%${escapeLike(filter.q.trim())}%`;
    // Digits are also a case number, when they can be one (a phone number is not).
    const number = /^#?(\d{1,9})$/.exec(filter.q.trim())?.[1];
    conditions.push(sql`(
      ${cases.subject} ilike ${pattern}
      or ${contacts.name} ilike ${pattern}
      or exists (select 1 from ${contactIdentities} ci where ci.contact_id = ${cases.contactId} and ci.address ilike ${pattern})
      or exists (select 1 from ${interactions} i where i.case_id = ${cases.id} and i.body ilike ${pattern})
      ${number ? sql`or ${cases.number} = ${Number(number)}` : sql``}
    )`);
  }
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    conditions.push(
      sql`(${cases.updatedAt}, ${cases.id}) < (${cursor.updatedAt}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  const rows = await executor
    .select(caseSummaryColumns)
    .from(cases)
    .innerJoin(contacts, eq(contacts.id, cases.contactId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(cases.updatedAt), desc(cases.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > filter.limit && last
      ? encodeCursor({ updatedAt: last.updatedAt.toISOString(), id: last.id })
      : null;
  return {
    items: page.map(({ contactId, contactName, ...row }) => ({
      ...row,
      contact: { id: contactId, name: contactName },
    })),
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
      kind: contactIdentities.kind,
      address: contactIdentities.address,
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
    allowedActions: allowedActions(lifecycle.machine, row, lifecycle.now.getTime()),
    contact: {
      id: contact!.id,
      name: contact!.name,
      attributes: contact!.attributes,
      // The opt-out fields appear only on an address the customer opted out of.
      identities: identities.map(({ optedOutAt, optOutMethod, ...identity }) =>
        optedOutAt ? { ...identity, optedOutAt, optOutMethod } : identity,
      ),
    },
    interactions: timeline.map(({ interaction, authorName }) => ({
      ...interaction,
      author: interaction.authorAgentId ? { id: interaction.authorAgentId, name: authorName ?? "" } : null,
    })),
  };
}

export type CaseDetail = Awaited<ReturnType<typeof getCaseDetail>>;
export type CaseSummary = Awaited<ReturnType<typeof listCases>>["items"][number];
