/**
 * Every inbox list and search, paged through the cursor, returns each matching case exactly once and
 * newest activity first — checked against a plain scan of all rows done here in the test. The
 * cases are seeded with many updates in the same millisecond (microseconds apart) and some in the
 * very same microsecond, so the cursor's tie-breaks are exercised; the lists and searches are the
 * ones the inbox's indexes serve (db/schema/cases.ts) and the search's branches (cases/case-search.ts).
 */
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CaseListFilter, listCases, OPEN_STATES } from "../../cases/case-queries.ts";
import { cases, interactions } from "../../db/schema/cases.ts";
import { contactIdentities, contacts } from "../../db/schema/contacts.ts";
import { queues } from "../../db/schema/routing.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

const CASES = 300;
const NAMES = ["Grace Hopper", "Ada Lovelace", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra"];
const SUBJECTS = ["Refund for order", "Invoice is wrong", "Parcel never arrived", "Password reset", ""];
const BODIES = [
  "My parcel was left at the wrong door",
  "Please send the invoice again",
  "The tracking number 1ZAB12CD34 shows nothing",
  "Thanks for the quick help",
];

interface Row {
  id: string;
  number: number;
  subject: string;
  state: string;
  assigneeId: string | null;
  queueId: string | null;
  slaStatus: string | null;
  contactId: string;
  /** updated_at with microseconds, ISO: sorts as text. */
  at: string;
}

describe("case list pages and search against a plain scan", () => {
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  let billing: string;
  let rows: Row[] = [];
  const nameOf = new Map<string, string>();
  const addressesOf = new Map<string, string[]>();
  const bodiesOf = new Map<string, string[]>();

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Paging Agent" });
    const teammate = await app.createAgent({ name: "Paging Teammate" });
    const template = await newCase(app.services, { from: { kind: "phone", address: "+16285550001" } });
    const [queue] = await app.services.db
      .insert(queues)
      .values({ name: "Billing (paging test)" })
      .returning({ id: queues.id });
    billing = queue!.id;
    const { db } = app.services;
    await db.execute(sql`
      insert into contacts (name) select (${sql.raw(`array[${NAMES.map((n) => `'${n}'`).join(", ")}]`)})[1 + g % 5] || ' ' || g
      from generate_series(1, 40) g`);
    await db.execute(sql`
      insert into contact_identities (contact_id, kind, address)
      select id, 'email', lower(replace(name, ' ', '.')) || '@example.org' from contacts where name like '% %'
        and id <> ${template.contactId}`);
    // Timestamps: 300 cases over 60 milliseconds, microseconds apart, every tenth one sharing its
    // neighbour's exact instant.
    await db.execute(sql`
      with template as (select machine_version from cases where id = ${template.id}),
      people as (select id, row_number() over (order by id) as k from contacts where id <> ${template.contactId}),
      seeded as (
        select g,
          (array['queued', 'assigned', 'waiting_on_customer', 'resolved', 'closed', 'assigned', 'new'])[1 + g % 7] as state,
          case when g % 7 in (0, 6) then null when g % 4 = 0 then ${teammate.id}::uuid else ${agent.id}::uuid end as assignee_id
        from generate_series(1, ${CASES}) g)
      insert into cases (contact_id, channel, subject, state, queue_id, assignee_id, customer_address,
                         machine_snapshot, machine_version, sla_status, sla_due_at, created_at, updated_at)
      select p.id, 'email',
        (${sql.raw(`array[${SUBJECTS.map((s) => `'${s}'`).join(", ")}]`)})[1 + g % 5] || case when g % 5 = 4 then '' else ' ' || g end,
        s.state,
        case when g % 3 = 0 then ${billing}::uuid else ${template.queueId}::uuid end,
        s.assignee_id,
        'someone@example.org',
        -- The snapshot the columns copy (the cases_state_is_snapshot check).
        jsonb_build_object('value', s.state, 'context', jsonb_build_object('assigneeId', s.assignee_id, 'resolvedAt', null)),
        t.machine_version,
        (array['active', 'at_risk', 'breached', null, 'met', 'breached'])[1 + g % 6],
        now() + interval '1 hour',
        timestamptz '2026-05-01T10:00:00Z',
        timestamptz '2026-05-01T10:00:00Z' + ((g - g % 10 / 9) * 197) * interval '1 microsecond'
      from seeded s
      join people p on p.k = 1 + g % 40
      cross join template t`);
    await db.execute(sql`
      insert into interactions (case_id, channel, kind, direction, body, status)
      select c.id, 'email', 'message', 'inbound',
        (${sql.raw(`array[${BODIES.map((b) => `'${b}'`).join(", ")}]`)})[1 + (c.number + j) % 4], 'received'
      from cases c, generate_series(1, 1 + c.number % 3) j
      where c.id <> ${template.id}`);

    rows = await db
      .select({
        id: cases.id,
        number: cases.number,
        subject: cases.subject,
        state: cases.state,
        assigneeId: cases.assigneeId,
        queueId: cases.queueId,
        slaStatus: cases.slaStatus,
        contactId: cases.contactId,
        at: sql<string>`to_char(${cases.updatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
      })
      .from(cases);
    for (const contact of await db.select().from(contacts)) nameOf.set(contact.id, contact.name ?? "");
    for (const identity of await db.select().from(contactIdentities))
      addressesOf.set(identity.contactId, [...(addressesOf.get(identity.contactId) ?? []), identity.address]);
    for (const interaction of await db
      .select({ caseId: interactions.caseId, body: interactions.body })
      .from(interactions)
      .orderBy(asc(interactions.seq)))
      bodiesOf.set(interaction.caseId, [...(bodiesOf.get(interaction.caseId) ?? []), interaction.body]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  /** The ids the scan finds, newest activity first, ties broken by the larger id. */
  const expected = (match: (row: Row) => boolean) =>
    rows
      .filter(match)
      .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
      .map((row) => row.id);

  /** Every page of `GET /api/cases?query`, `limit` at a time, through the cursor. */
  async function pageThrough(query: string, limit = 7): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 200; pages++) {
      const response = await agent.api.get(
        `/api/cases?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      seen.push(...response.body.items.map((c: { id: string }) => c.id));
      cursor = response.body.nextCursor;
      if (!cursor) return seen;
    }
    throw new Error(`more than 200 pages for ${query}`);
  }

  const isOpen = (row: Row) => (OPEN_STATES as string[]).includes(row.state);
  const contains = (text: string | null | undefined, q: string) =>
    !!text?.toLowerCase().includes(q.toLowerCase());
  const matchesSearch = (row: Row, q: string) =>
    contains(row.subject, q) ||
    contains(nameOf.get(row.contactId), q) ||
    (addressesOf.get(row.contactId) ?? []).some((address) => contains(address, q)) ||
    (bodiesOf.get(row.id) ?? []).some((body) => contains(body, q)) ||
    `#${row.number}` === q ||
    String(row.number) === q;

  it("seeds timestamps that share milliseconds and instants", () => {
    const millis = new Set(rows.map((row) => row.at.slice(0, 23)));
    const instants = new Set(rows.map((row) => row.at));
    expect(millis.size).toBeLessThan(rows.length / 3);
    expect(instants.size).toBeLessThan(rows.length);
  });

  it("pages each inbox list once, in order", async () => {
    const lists: [string, (row: Row) => boolean][] = [
      ["", () => true],
      ["status=open", isOpen],
      ["assignee=me&status=open", (row) => row.assigneeId === agent.id && isOpen(row)],
      ["assignee=me", (row) => row.assigneeId === agent.id],
      ["assignee=none&status=open", (row) => row.assigneeId === null && isOpen(row)],
      ["assignee=none", (row) => row.assigneeId === null],
      [`queue=${billing}&status=open`, (row) => row.queueId === billing && isOpen(row)],
      [`queue=${billing}`, (row) => row.queueId === billing],
      [
        "sla=at_risk,breached&status=open",
        (row) => (row.slaStatus === "at_risk" || row.slaStatus === "breached") && isOpen(row),
      ],
      ["sla=breached", (row) => row.slaStatus === "breached"],
      [
        "sla=none,active&status=queued,assigned",
        (row) =>
          (row.slaStatus === null || row.slaStatus === "active") &&
          ["queued", "assigned"].includes(row.state),
      ],
      [
        "status=resolved,closed&assignee=me",
        (row) => ["resolved", "closed"].includes(row.state) && row.assigneeId === agent.id,
      ],
    ];
    for (const [query, match] of lists) {
      const want = expected(match);
      expect(want.length, query).toBeGreaterThan(0);
      expect(await pageThrough(query), query).toEqual(want);
    }
  });

  it("searches subjects, names, addresses, message text and numbers as a scan does, page by page", async () => {
    const numbered = rows.find((row) => row.subject.endsWith(" 123"))!;
    const searches: [string, (row: Row) => boolean][] = [
      ["q=refund", (row) => matchesSearch(row, "refund")],
      ["q=Grace%20Hopper", (row) => matchesSearch(row, "Grace Hopper")],
      ["q=lovelace", (row) => matchesSearch(row, "lovelace")],
      ["q=turing.2%40example", (row) => matchesSearch(row, "turing.2@example")],
      ["q=wrong%20door", (row) => matchesSearch(row, "wrong door")],
      ["q=1ZAB12", (row) => matchesSearch(row, "1ZAB12")],
      ["q=invoice", (row) => matchesSearch(row, "invoice")],
      [`q=%23${numbered.number}`, (row) => matchesSearch(row, `#${numbered.number}`)],
      [`q=${numbered.number}`, (row) => matchesSearch(row, String(numbered.number))],
      ["q=123", (row) => matchesSearch(row, "123")],
      [
        "q=invoice&assignee=me&status=open",
        (row) => matchesSearch(row, "invoice") && row.assigneeId === agent.id && isOpen(row),
      ],
      [`q=parcel&queue=${billing}`, (row) => matchesSearch(row, "parcel") && row.queueId === billing],
      ["q=hopper&sla=breached", (row) => matchesSearch(row, "hopper") && row.slaStatus === "breached"],
    ];
    for (const [query, match] of searches) {
      const want = expected(match);
      expect(want.length, query).toBeGreaterThan(0);
      expect(await pageThrough(query, 5), query).toEqual(want);
    }
    expect(await pageThrough("q=nothing%20like%20this")).toEqual([]);
  });

  it("finds the same cases whether each place is walked newest first or read from its trigram index", async () => {
    // Which way a search reads a place depends on how common the word is (cases/case-search.ts);
    // both must give the scan's answer, in order, through the cursor.
    const pageAll = async (filter: Omit<CaseListFilter, "limit" | "cursor">) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listCases(app.services.db, { ...filter, limit: 4, cursor });
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    const searches: [Omit<CaseListFilter, "limit" | "cursor">, (row: Row) => boolean][] = [
      [{ q: "refund" }, (row) => matchesSearch(row, "refund")],
      [{ q: "hopper" }, (row) => matchesSearch(row, "hopper")],
      [{ q: "lovelace.1" }, (row) => matchesSearch(row, "lovelace.1")],
      [{ q: "wrong door" }, (row) => matchesSearch(row, "wrong door")],
      [
        { q: "invoice", assigneeId: agent.id, states: [...OPEN_STATES] },
        (row) => matchesSearch(row, "invoice") && row.assigneeId === agent.id && isOpen(row),
      ],
      [
        { q: "parcel", queueId: billing, slaStatuses: ["breached", "none"] },
        (row) =>
          matchesSearch(row, "parcel") &&
          row.queueId === billing &&
          (row.slaStatus === "breached" || row.slaStatus === null),
      ],
    ];
    for (const strategy of ["walk", "index"] as const)
      for (const [filter, match] of searches) {
        const want = expected(match);
        expect(want.length, filter.q).toBeGreaterThan(0);
        const searchStrategies = { subject: strategy, name: strategy, address: strategy, body: strategy };
        expect(
          await pageAll({ ...filter, searchStrategies }),
          `${strategy} ${JSON.stringify(filter)}`,
        ).toEqual(want);
      }
  });

  it("searches one or two letters in subjects, names and numbers only", async () => {
    // A pattern without three letters or digits in a row has no trigram to look up; reading every
    // interaction for it would be a scan of the largest table.
    const bySubject = expected(
      (row) => contains(row.subject, "ar") || contains(nameOf.get(row.contactId), "ar"),
    );
    expect(bySubject.length).toBeGreaterThan(0);
    expect(await pageThrough("q=ar")).toEqual(bySubject);
    // "1Z" is only in message text.
    expect(await pageThrough("q=1Z")).toEqual([]);
  });

  it("accepts a cursor from before microseconds were kept", async () => {
    const first = await agent.api.get("/api/cases?limit=3");
    const last = first.body.items.at(-1) as { id: string; updatedAt: string };
    const legacy = Buffer.from(JSON.stringify([last.updatedAt, last.id])).toString("base64url");
    const next = await agent.api.get(`/api/cases?limit=3&cursor=${legacy}`);
    expect(next.status).toBe(200);
    const all = expected(() => true);
    expect(next.body.items.map((c: { id: string }) => c.id)).not.toContain(last.id);
    expect(all.indexOf(next.body.items[0].id)).toBeGreaterThan(all.indexOf(last.id));
    const bad = await agent.api.get("/api/cases?cursor=bm90LWEtY3Vyc29y");
    expect(bad.status).toBe(400);
    expect(bad.body.details).toMatchObject({ field: "cursor" });
  });

  it("keeps a case found twice (subject and message) once", async () => {
    const both = rows.find(
      (row) =>
        contains(row.subject, "invoice") && (bodiesOf.get(row.id) ?? []).some((b) => contains(b, "invoice")),
    );
    expect(both).toBeDefined();
    const ids = await pageThrough("q=invoice", 100);
    expect(ids.filter((id) => id === both!.id)).toHaveLength(1);
    const [stored] = await app.services.db.select({ id: cases.id }).from(cases).where(eq(cases.id, both!.id));
    expect(stored).toBeDefined();
  });
});
