/**
 * The inbox list and search at a contact center's scale, on PostgreSQL: 1,000,000 cases and
 * 10,000,000 interactions (bench/inbox-seed.ts says what they look like), then pages of each inbox
 * list and of search read through `listCases` — the function `GET /api/cases` runs — 100 cases a
 * page as the console asks, following the cursor many pages deep. Prints each list's p95 per page and
 * the plan of each list's first and deepest page (EXPLAIN ANALYZE): which index it reads, and that no
 * query scans a whole big table.
 *
 *   npm run bench:inbox
 *   BENCH_CASES=100000 npm run bench:inbox          # a smaller database (interactions scale along)
 *   BENCH_DATABASE_URL=postgres://... npm run bench:inbox
 *
 * The database is created for the run and dropped at the end, also when the run fails. The last
 * line is `key=value` figures.
 */
import { createHash, randomBytes } from "node:crypto";
import postgres from "postgres";
import { type CaseListFilter, listCases, OPEN_STATES } from "../cases/case-queries.ts";
import { connect, type Database } from "../db/connect.ts";
import { runMigrations } from "../db/migrate.ts";
import { explainPage } from "./inbox-plans.ts";
import { type SeedTimings, seedInbox } from "./inbox-seed.ts";
import { postgresReachable } from "./postgres-reachable.ts";

const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const PER_CASE = Number(process.env.BENCH_INTERACTIONS_PER_CASE ?? 10);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? Math.round(CASES * 0.4));
const AGENTS = 300;
const QUEUES = 20;
/** The console's page size (agent-console/src/api/queries.ts). */
const PAGE = 100;
/** How many pages of each list are followed through the cursor. */
const DEPTH = Number(process.env.BENCH_PAGES ?? 25);
/** Each list and search is read this many times over; the first round starts from a cold cache. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";

type Filter = Omit<CaseListFilter, "limit" | "cursor">;

interface List {
  key: string;
  /** One or more lists of the same kind (e.g. several agents' cases). */
  filters: { label: string; filter: Filter }[];
  pages: number;
}

/** The seed's ids are md5(kind || n) read as a uuid. */
function uuidOf(kind: string, n: number): string {
  const hex = createHash("md5").update(`${kind}${n}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function main(): Promise<void> {
  if (!(await postgresReachable(SERVER_URL))) {
    console.log(
      `postgresql: not reachable at ${SERVER_URL.replace(/\/\/[^@]*@/, "//")}; set BENCH_DATABASE_URL`,
    );
    process.exit(1);
  }
  const name = `sb_bench_inbox_${randomBytes(4).toString("hex")}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  let database: Database | undefined;
  let raw: postgres.Sql | undefined;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await raw?.end({ timeout: 5 }).catch(() => {});
    await database?.close().catch(() => {});
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
    console.log(`dropped database ${name}`);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      console.log(`\n${signal}: dropping the benchmark database`);
      void drop().finally(() => process.exit(130));
    });

  await admin.unsafe(`create database ${name}`);
  try {
    database = await connect({ databaseUrl: url.toString(), maxConnections: 2 });
    await runMigrations(database);
    raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await run(database, raw);
  } finally {
    await drop();
  }
}

async function run(database: Database, raw: postgres.Sql): Promise<void> {
  const { seeded, seedSeconds } = await seed(raw);
  await printShape(raw);
  await prewarm(raw);

  const agents = Array.from({ length: 30 }, (_, i) => uuidOf("agent", 1 + i * 10));
  const queues = Array.from({ length: QUEUES }, (_, i) => uuidOf("queue", i + 1));
  const lists = inboxLists(agents, queues);
  const searches = searchList(await searchTerms(raw), agents, queues);
  const read = await readLists(database, lists, searches);
  const offenders = await explainPlans(database, raw, lists, searches, read.lastCursor);

  const figures = [
    `cases=${CASES}`,
    `interactions=${seeded.interactions}`,
    `contacts=${CONTACTS}`,
    `seed_s=${seedSeconds.toFixed(0)}`,
    `seed_rows_s=${seeded.rowsSeconds.toFixed(0)}`,
    `seed_indexes_s=${seeded.indexSeconds.toFixed(0)}`,
    ...lists.map(
      (list) => `inbox_${list.key}_p95_ms=${percentile(read.timings.get(list.key)!, 95).toFixed(1)}`,
    ),
    `inbox_deep_pages_p95_ms=${percentile(read.deep, 95).toFixed(1)}`,
    `search_p95_ms=${percentile(read.timings.get("search")!, 95).toFixed(1)}`,
    `search_p50_ms=${percentile(read.timings.get("search")!, 50).toFixed(1)}`,
    `seq_scans=${offenders.length}`,
  ];
  console.log(figures.join(" "));
}

/** Fills the database (bench/inbox-seed.ts) and prints how long its rows, indexes and vacuum took. */
async function seed(raw: postgres.Sql): Promise<{ seeded: SeedTimings; seedSeconds: number }> {
  console.log(
    `seeding ${CASES} cases, ~${CASES * PER_CASE} interactions, ${CONTACTS} contacts, ${AGENTS} agents, ${QUEUES} queues`,
  );
  const seedStarted = performance.now();
  const seeded = await seedInbox(raw, {
    cases: CASES,
    interactionsPerCase: PER_CASE,
    contacts: CONTACTS,
    agents: AGENTS,
    queues: QUEUES,
  });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(
    `seeded in ${seedSeconds.toFixed(0)} s: rows ${seeded.rowsSeconds.toFixed(0)} s, indexes ${seeded.indexSeconds.toFixed(0)} s, ` +
      `vacuum analyze ${seeded.analyzeSeconds.toFixed(0)} s; ${seeded.interactions} interactions`,
  );
  return { seeded, seedSeconds };
}

/** How many cases each kind of inbox list has to choose from. */
async function printShape(raw: postgres.Sql): Promise<void> {
  const [shape] = await raw<{ open: number; queued: number; flagged: number; unassigned: number }[]>`
    select count(*) filter (where state = any(${OPEN_STATES}))::int as open,
           count(*) filter (where state = 'queued')::int as queued,
           count(*) filter (where state = any(${OPEN_STATES}) and sla_status in ('at_risk', 'breached'))::int as flagged,
           count(*) filter (where assignee_id is null)::int as unassigned
    from cases`;
  console.log(
    `open cases ${shape!.open}, queued ${shape!.queued}, open with SLA at risk or breached ${shape!.flagged}, unassigned (any state) ${shape!.unassigned}`,
  );
}

/** The console's inbox lists: an agent's own, unassigned, a queue's, SLA at risk, every open case, every case. */
function inboxLists(agents: string[], queues: string[]): List[] {
  const open = OPEN_STATES;
  return [
    {
      key: "mine",
      filters: agents.map((id, i) => ({
        label: `agent ${1 + i * 10}`,
        filter: { assigneeId: id, states: open },
      })),
      pages: DEPTH,
    },
    {
      key: "mine_all_states",
      filters: agents
        .slice(0, 4)
        .map((id, i) => ({ label: `agent ${1 + i * 10}`, filter: { assigneeId: id } })),
      pages: DEPTH,
    },
    {
      key: "unassigned",
      filters: [{ label: "unassigned", filter: { assigneeId: null, states: open } }],
      pages: DEPTH * 2,
    },
    {
      key: "queue",
      filters: queues.map((id, i) => ({ label: `queue ${i + 1}`, filter: { queueId: id, states: open } })),
      pages: DEPTH,
    },
    {
      key: "sla",
      filters: [
        { label: "at risk or breached", filter: { states: open, slaStatuses: ["breached", "at_risk"] } },
        { label: "breached", filter: { states: open, slaStatuses: ["breached"] } },
        {
          label: "mine, breached",
          filter: { states: open, slaStatuses: ["breached"], assigneeId: agents[0] },
        },
      ],
      pages: DEPTH,
    },
    { key: "open", filters: [{ label: "every open case", filter: { states: open } }], pages: DEPTH * 2 },
    { key: "all", filters: [{ label: "every case", filter: {} }], pages: DEPTH * 2 },
  ];
}

/** Searches for the seeded terms, alone and combined with an inbox list's filter. */
function searchList(terms: { kind: string; q: string }[], agents: string[], queues: string[]): List {
  const open = OPEN_STATES;
  return {
    key: "search",
    filters: [
      ...terms.map((term) => ({ label: `${term.kind} "${term.q}"`, filter: { q: term.q } })),
      { label: 'mine, open, "refund"', filter: { q: "refund", assigneeId: agents[0], states: open } },
      { label: 'queue 3, open, "tracking"', filter: { q: "tracking", queueId: queues[2], states: open } },
    ],
    pages: 3,
  };
}

interface Deepest {
  label: string;
  filter: CaseListFilter;
  page: number;
}

/** Page times of every list and search, read `ROUNDS` times over. */
interface ReadTimes {
  /** Every page's time by list key. */
  timings: Map<string, number[]>;
  /** Pages 10 and deeper, of every list. */
  deep: number[];
  /** The deepest page each list reached, and the request that read it. */
  lastCursor: Map<string, Deepest>;
  perSearch: Map<string, number[]>;
}

/** Reads every list and search `ROUNDS` times; prints each one's page times after the last round. */
async function readLists(database: Database, lists: List[], searches: List): Promise<ReadTimes> {
  const read: ReadTimes = { timings: new Map(), deep: [], lastCursor: new Map(), perSearch: new Map() };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const list of [...lists, searches]) {
      const times = read.timings.get(list.key) ?? [];
      read.timings.set(list.key, times);
      for (const { label, filter } of list.filters)
        await followPages(database, list, label, filter, list === searches, times, read);
      if (round === ROUNDS)
        console.log(
          `${list.key}: ${times.length} pages, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
        );
    }
  }
  for (const [label, times] of read.perSearch)
    console.log(
      `  search ${label}: p50 ${percentile(times, 50).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
    );
  return read;
}

/** Reads one filter's pages through the cursor, up to the list's depth, timing each into `times`. */
async function followPages(
  database: Database,
  list: List,
  label: string,
  filter: Filter,
  isSearch: boolean,
  times: number[],
  read: ReadTimes,
): Promise<void> {
  let cursor: string | undefined;
  for (let page = 1; page <= list.pages; page++) {
    const request: CaseListFilter = { ...filter, limit: PAGE, cursor };
    const started = performance.now();
    const result = await listCases(database.db, request);
    const ms = performance.now() - started;
    times.push(ms);
    if (page >= 10) read.deep.push(ms);
    if (isSearch) read.perSearch.set(label, [...(read.perSearch.get(label) ?? []), ms]);
    const deepest = read.lastCursor.get(list.key);
    if (page > 1 && (!deepest || page > deepest.page))
      read.lastCursor.set(list.key, { label, filter: request, page });
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
}

/**
 * Prints the plan of each list's first and deepest page and of each search's first page; returns
 * the plans that scan a whole big table, also printed.
 */
async function explainPlans(
  database: Database,
  raw: postgres.Sql,
  lists: List[],
  searches: List,
  lastCursor: Map<string, Deepest>,
): Promise<string[]> {
  console.log("plans (EXPLAIN ANALYZE):");
  const offenders: string[] = [];
  const explain = async (label: string, filter: CaseListFilter) => {
    const offender = await explainPage(database, raw, label, filter);
    if (offender) offenders.push(offender);
  };
  for (const list of lists) {
    const first = list.filters[0]!;
    await explain(`${list.key} page 1 (${first.label})`, { ...first.filter, limit: PAGE });
    const deepest = lastCursor.get(list.key);
    if (deepest) await explain(`${list.key} page ${deepest.page} (${deepest.label})`, deepest.filter);
  }
  for (const { label, filter } of searches.filters)
    await explain(`search ${label}`, { ...filter, limit: PAGE });
  for (const offender of offenders) console.log(`  SEQ SCAN: ${offender}`);
  return offenders;
}

/**
 * Reads the tables and indexes once, so they are in the operating system's page cache as on a server
 * that has been running (the bulk load leaves them on disk). shared_buffers stays what the server has.
 */
async function prewarm(raw: postgres.Sql): Promise<void> {
  const started = performance.now();
  const relations = await raw<{ name: string }[]>`
    select c.oid::regclass::text as name from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'i', 't')
    order by pg_relation_size(c.oid) desc`;
  const prewarmed = await raw`create extension if not exists pg_prewarm`.then(
    () => true,
    () => false,
  );
  for (const { name } of relations)
    if (prewarmed) await raw`select pg_prewarm(${name}::regclass, 'read')`;
    else await raw.unsafe(`select count(*) from ${name}`).catch(() => {});
  console.log(
    `read ${relations.length} tables and indexes into the page cache (${prewarmed ? "pg_prewarm" : "table scans"}) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

/** Words and names to search for, taken from the seeded rows so each finds what a user would look for. */
async function searchTerms(raw: postgres.Sql): Promise<{ kind: string; q: string }[]> {
  const one = async (query: Promise<{ value: string }[]>) => (await query)[0]?.value ?? "nothing";
  const middle = Math.floor(CASES / 2);
  return [
    { kind: "common subject word", q: "refund" },
    { kind: "topic word", q: "warranty" },
    { kind: "brand name", q: "Quillon" },
    {
      kind: "order number",
      q: await one(raw`select substring(subject from 'order ([0-9]+)') as value from cases
                      where number = (select min(number) from cases where number >= ${1000 + middle} and subject like '%(order %')`),
    },
    {
      kind: "contact's full name",
      q: await one(raw`select name as value from contacts where id = ${uuidOf("contact", 4242)}`),
    },
    { kind: "common first name", q: "Maria" },
    { kind: "last name", q: "Takahashi" },
    { kind: "case number", q: `#${1000 + middle}` },
    {
      kind: "email address",
      q: await one(raw`select address as value from contact_identities
                      where kind = 'email' and contact_id = ${uuidOf("contact", 777)}`),
    },
    {
      kind: "phone number digits",
      q: (
        await one(raw`select address as value from contact_identities
                      where kind = 'phone' and contact_id = any(${Array.from({ length: 20 }, (_, i) => uuidOf("contact", 1234 + i))}::uuid[])
                      order by address limit 1`)
      ).slice(2),
    },
    {
      kind: "tracking number (message text)",
      q: await one(raw`select substring(i.body from '1Z[0-9A-F]{12}') as value
                      from cases c join interactions i on i.case_id = c.id
                      where c.number between ${1000 + middle} and ${1000 + middle + 500} and i.body like '%tracking number is 1Z%'
                      order by c.number, i.seq limit 1`),
    },
    { kind: "phrase in messages", q: "photo of the damage" },
  ];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
