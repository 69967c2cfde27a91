/**
 * Search in the case list: `q` is found in a case's subject, its contact's name or addresses, the
 * text of its interactions, or is its number. Results keep the list's order (newest activity first)
 * and its cursor.
 *
 * One `where subject ilike … or exists (…)` over a million cases can only be answered by reading
 * cases newest first and testing each: quick for a common word, a scan of every case and its
 * interactions for a rare one. So each place a match can come from is its own branch — filters,
 * cursor, order and limit included — and the union of the branches' first pages holds the first page
 * of all matches. Each branch is read one of two ways:
 *
 * - `walk`: read the list newest first and test each case, until a page is full. Costs about
 *   page size / share of cases that match — cheap for a common word.
 * - `index`: collect every match from the trigram index (pg_trgm GIN), then read those cases and
 *   sort them. Costs about the number of matches — cheap for a rare word.
 *
 * The choice is made here, not left to the planner: its cost model takes every page as cached and
 * so walks far too often (a name in 0.8 % of cases took 3 s that way, 0.1 s from the index). The
 * number of matches comes from the planner's estimate (column statistics, raised for these columns
 * in the migration that made the indexes), fetched with one EXPLAIN before the search.
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/connect.ts";
import { queryRows } from "../db/rows.ts";
import { cases, interactions } from "../db/schema/cases.ts";
import { contactIdentities, contacts } from "../db/schema/contacts.ts";

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * pg_trgm indexes a pattern by its runs of three letters or digits. A shorter search has no trigram
 * to look up, so it would read every interaction; it is matched against subjects, names and numbers.
 */
export const SEARCHES_TEXT = /[\p{L}\p{N}]{3}/u;

export type SearchSource = "subject" | "name" | "address" | "body";
export type SearchStrategy = "walk" | "index";

/**
 * Buffer reads, as EXPLAIN (BUFFERS) counted them at 1,000,000 cases, to test one case during a walk
 * (`check`) and to turn one trigram-index match into a case in the sort (`fetch`: the matching row,
 * then the case through its primary key). A walk over interactions reads each of the case's ~10
 * interactions; a contact's name or address leads to ~2.5 cases through cases_contact_idx.
 */
const COSTS: Record<
  SearchSource,
  { check: (perCase: number) => number; fetch: (perContact: number) => number }
> = {
  subject: { check: () => 1, fetch: () => 6 },
  name: { check: () => 5, fetch: (perContact) => 4 + perContact },
  address: { check: () => 5, fetch: (perContact) => 5 + perContact },
  body: { check: (perCase) => 1 + perCase, fetch: () => 6 },
};

interface Estimates {
  matches: Record<SearchSource, number>;
  cases: number;
  contacts: number;
  interactions: number;
}

interface PlanNode {
  "Plan Rows": number;
  Plans?: PlanNode[];
}

/** The planner's estimates of the matches in each place, and of the tables' sizes: one EXPLAIN. */
async function estimate(executor: Executor, pattern: string): Promise<Estimates> {
  const [row] = await queryRows<{ "QUERY PLAN": unknown }>(
    executor,
    sql`explain (format json)
      select 1 from ${cases} where ${cases.subject} ilike ${pattern}
      union all select 1 from ${contacts} where ${contacts.name} ilike ${pattern}
      union all select 1 from ${contactIdentities} where ${contactIdentities.address} ilike ${pattern}
      union all select 1 from ${interactions} where ${interactions.body} ilike ${pattern}
      union all select 1 from ${cases}
      union all select 1 from ${contacts}
      union all select 1 from ${interactions}`,
  );
  const raw = row?.["QUERY PLAN"];
  const [plan] = (typeof raw === "string" ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
  const rows = (plan.Plan.Plans ?? []).map((node) => Math.max(1, node["Plan Rows"]));
  if (rows.length !== 7) throw new Error(`unexpected search estimate plan: ${JSON.stringify(plan)}`);
  const [subject, name, address, body, total, people, messages] = rows as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    matches: { subject, name, address, body },
    cases: total,
    contacts: people,
    interactions: messages,
  };
}

/** Walk or index, for each place, whichever reads fewer pages by the estimates. */
export function chooseStrategies(estimates: Estimates, limit: number): Record<SearchSource, SearchStrategy> {
  const perCase = estimates.interactions / estimates.cases;
  const perContact = estimates.cases / estimates.contacts;
  const choose = (source: SearchSource): SearchStrategy => {
    const matches = estimates.matches[source];
    // The share of cases a walk finds matching; a contact's match counts for each of its cases.
    const matchingCases = source === "name" || source === "address" ? matches * perContact : matches;
    const share = Math.min(1, matchingCases / estimates.cases);
    const walk = (limit / share) * COSTS[source].check(perCase);
    const index = matches * COSTS[source].fetch(perContact);
    return index <= walk ? "index" : "walk";
  };
  return {
    subject: choose("subject"),
    name: choose("name"),
    address: choose("address"),
    body: choose("body"),
  };
}

/**
 * The condition for one place and strategy, on the unaliased `cases`. `index` hands the planner the
 * matches as an array computed once (so it cannot walk instead); `walk` tests each case — on the
 * case row for the subject, otherwise in a subquery kept apart by `offset 0`, so it cannot be turned
 * into a join that first collects every match.
 */
function matchIn(source: SearchSource, strategy: SearchStrategy, pattern: string): SQL {
  if (source === "subject")
    return strategy === "index"
      ? sql`${cases.id} = any(array(select s.id from ${cases} s where s.subject ilike ${pattern}))`
      : sql`${cases.subject} ilike ${pattern}`;
  if (source === "name")
    return strategy === "index"
      ? sql`${cases.contactId} = any(array(select ct.id from ${contacts} ct where ct.name ilike ${pattern}))`
      : sql`exists (select 1 from ${contacts} ct where ct.id = ${cases.contactId} and ct.name ilike ${pattern} offset 0)`;
  if (source === "address")
    return strategy === "index"
      ? sql`${cases.contactId} = any(array(select ci.contact_id from ${contactIdentities} ci where ci.address ilike ${pattern}))`
      : sql`exists (select 1 from ${contactIdentities} ci where ci.contact_id = ${cases.contactId} and ci.address ilike ${pattern} offset 0)`;
  return strategy === "index"
    ? sql`${cases.id} = any(array(select i.case_id from ${interactions} i where i.body ilike ${pattern}))`
    : sql`exists (select 1 from ${interactions} i where i.case_id = ${cases.id} and i.body ilike ${pattern} offset 0)`;
}

export interface SearchHits {
  /** A subquery of the ids of the first `limit` matching cases, newest activity first. */
  ids: SQL;
  /** How each place was read, for the benchmark's report. */
  strategies: Partial<Record<SearchSource, SearchStrategy>>;
}

/**
 * The first `limit` cases (newest activity first) that match `q` and `conditions`, which are written
 * against the unaliased `cases` table.
 */
export async function searchHits(
  executor: Executor,
  q: string,
  conditions: SQL[],
  limit: number,
  /** Forces a strategy per place: the tests check that both find the same cases. */
  force: Partial<Record<SearchSource, SearchStrategy>> = {},
): Promise<SearchHits> {
  const pattern = `%${escapeLike(q)}%`;
  const matches: SQL[] = [];
  let strategies: Partial<Record<SearchSource, SearchStrategy>> = {};
  if (SEARCHES_TEXT.test(q)) {
    const chosen = { ...chooseStrategies(await estimate(executor, pattern), limit), ...force };
    strategies = chosen;
    for (const source of ["subject", "name", "address", "body"] as const)
      matches.push(matchIn(source, chosen[source], pattern));
  } else {
    // No trigram to look up: subjects are tested newest first; names are few enough to scan.
    matches.push(
      sql`${cases.subject} ilike ${pattern}`,
      sql`${cases.contactId} in (select ct.id from ${contacts} ct where ct.name ilike ${pattern})`,
    );
  }
  // Digits are also a case number, when they can be one (a phone number is not).
  const number = /^#?(\d{1,9})$/.exec(q)?.[1];
  if (number) matches.push(eq(cases.number, Number(number)));
  const branches = matches.map(
    (match) => sql`(select ${cases.id}, ${cases.updatedAt} from ${cases}
      where ${and(...conditions, match)}
      order by ${cases.updatedAt} desc, ${cases.id} desc limit ${limit})`,
  );
  return {
    ids: sql`select hits.id from (${sql.join(branches, sql` union `)}) hits
      order by hits.updated_at desc, hits.id desc limit ${limit}`,
    strategies,
  };
}
