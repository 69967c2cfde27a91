/**
 * One authority for a case's state: the machine snapshot. The `state`, `assignee_id` and
 * `resolved_at` columns are written from it in one place and the database refuses a row where they
 * differ; a random walk through every event, written through the real write path, keeps them equal
 * to the snapshot the machine decides in memory. An event the machine refuses writes nothing.
 */
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count, eq, sql } from "drizzle-orm";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CaseEvent,
  caseColumnsOf,
  decideCaseEvent,
  type PersistedCaseSnapshot,
} from "../../cases/case-machine.ts";
import { statesTagged } from "../../cases/case-states.ts";
import { applyCaseEvent, type CaseRow, lockCase, snapshotOf } from "../../cases/case-workflow.ts";
import { performAction } from "../../cases/replies.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import { connect, type Database } from "../../db/connect.ts";
import { MIGRATIONS_FOLDER, runMigrations } from "../../db/migrate.ts";
import { queryRows } from "../../db/rows.ts";
import { caseEvents, cases } from "../../db/schema/cases.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";
import { createEmptyPostgresDatabase, usingPostgres } from "../helpers/test-db.ts";

const DAY = 24 * 3600_000;

describe("a case's state has one authority", () => {
  let app: TestApp;
  let agents: string[];
  const deps = () => app.services.cases;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    // Offline agents: routing offers them nothing while the walk moves cases by hand.
    agents = [(await app.createAgent()).id, (await app.createAgent()).id];
  });
  afterAll(async () => {
    await app?.close();
  });

  const read = async (caseId: string): Promise<CaseRow> =>
    (await app.services.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;
  const auditCount = async (caseId: string) =>
    (await app.services.db.select({ n: count() }).from(caseEvents).where(eq(caseEvents.caseId, caseId)))[0]!
      .n;
  /** One event through the write path every service uses: the case locked, the event applied. */
  const send = (caseId: string, event: CaseEvent, changes: Record<string, unknown> = {}) =>
    withUnitOfWork(deps(), async (tx, uow) =>
      applyCaseEvent(tx, uow, deps(), await lockCase(tx, caseId), event, { type: "system" }, {}, changes),
    );
  const columnsOf = (row: CaseRow) => ({
    state: row.state,
    assigneeId: row.assigneeId,
    resolvedAt: row.resolvedAt,
  });

  describe("the columns are the snapshot's", () => {
    it("refuses to store a state, assignee or resolution time its snapshot does not have", async () => {
      const row = await newCase(app.services);
      expect(row.state).toBe("queued");
      const drifts = [
        sql`update cases set state = 'closed' where id = ${row.id}`,
        sql`update cases set assignee_id = ${agents[0]}::uuid where id = ${row.id}`,
        sql`update cases set resolved_at = now() where id = ${row.id}`,
        sql`update cases set machine_snapshot = jsonb_set(machine_snapshot, '{value}', '"assigned"') where id = ${row.id}`,
      ];
      for (const drift of drifts) {
        const error = await app.services.db.execute(drift).then(
          () => null,
          (failure: Error & { cause?: Error }) => failure,
        );
        // drizzle wraps the driver's error ("violates check constraint ...") in its own.
        expect(`${error?.message} ${error?.cause?.message}`).toMatch(/cases_state_is_snapshot/);
      }
      // Written together, as the workflow writes them, they are accepted.
      await app.services.db.execute(sql`
        update cases set state = 'assigned', assignee_id = ${agents[0]}::uuid,
          machine_snapshot = jsonb_build_object('value', 'assigned',
            'context', jsonb_build_object('assigneeId', ${agents[0]}::text, 'resolvedAt', null))
        where id = ${row.id}`);
      expect(columnsOf(await read(row.id))).toEqual({
        state: "assigned",
        assigneeId: agents[0],
        resolvedAt: null,
      });
    });

    it("keeps them equal through every event, accepted or refused, on the real write path", async () => {
      const anyEvent = fc.oneof(
        ...(
          [
            "ENQUEUE",
            "OFFER_RETURNED",
            "UNASSIGN",
            "CUSTOMER_MESSAGE",
            "WAIT_ON_CUSTOMER",
            "RESOLVE",
            "REOPEN",
            "CLOSE",
            "AUTO_CLOSE",
            "UPDATE",
          ] as const
        ).map((type) => fc.constant({ type })),
        fc
          .record({
            type: fc.constantFrom("OFFER", "ASSIGN", "AGENT_REPLIED"),
            agent: fc.integer({ min: 0, max: 1 }),
          })
          .map(({ type, agent }) => ({ type, agentId: agents[agent]! })),
      );
      // Gaps of seconds to days, so the reopen window and the auto-close delay are crossed both ways.
      const step = fc.record({
        event: anyEvent,
        gapMs: fc.oneof(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 12 * DAY })),
        priority: fc.constantFrom("low", "normal", "high", "urgent"),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
          const created = await newCase(app.services);
          let expected: PersistedCaseSnapshot = snapshotOf(created);
          let at = created.createdAt.getTime();
          for (const { event: partial, gapMs, priority } of steps) {
            at += gapMs;
            const event = { ...partial, at } as CaseEvent;
            const before = await read(created.id);
            const decision = decideCaseEvent(deps().machine, expected, event);
            const applied = await send(created.id, event, { priority });
            expect(applied.accepted).toBe(decision.accepted);
            const after = await read(created.id);
            expect(after.machineSnapshot).toEqual(decision.snapshot);
            expect(columnsOf(after)).toEqual(caseColumnsOf(snapshotOf(after)));
            if (!decision.accepted) {
              // A refused event writes nothing: not the event's own changes either.
              expect(after.revision).toBe(before.revision);
              expect(after.priority).toBe(before.priority);
            } else {
              expect(after.priority).toBe(priority);
            }
            expected = decision.snapshot;
          }
        }),
        { numRuns: 25 },
      );
      // Across every case the walks left behind, too.
      const [{ drifted }] = (await queryRows<{ drifted: number }>(
        app.services.db,
        sql`select count(*)::int as drifted from cases
            where (machine_snapshot->>'value') is distinct from state
               or (machine_snapshot->'context'->>'assigneeId')::uuid is distinct from assignee_id`,
      )) as [{ drifted: number }];
      expect(Number(drifted)).toBe(0);
    });
  });

  it("has the SQL functions name the states the machine's tags give", async () => {
    // sb_* (db/migrations) write state names as literals; these are the tags they stand for.
    const source = async (name: string) =>
      (
        await queryRows<{ src: string }>(
          app.services.db,
          sql`select prosrc as src from pg_proc where proname = ${name}`,
        )
      )[0]!.src;
    const list = (tag: Parameters<typeof statesTagged>[0]) =>
      statesTagged(tag)
        .map((state) => `'${state}'`)
        .join(", ");
    const load = await source("sb_agent_load");
    expect(load.split(`state IN (${list("occupiesAgent")})`)).toHaveLength(3);
    expect(statesTagged("routable")).toEqual(["queued"]);
    expect(await source("sb_offer")).toContain("c.state <> 'queued'");
    expect(statesTagged("final")).toEqual(["closed"]);
    expect(await source("sb_inbound_context")).toContain("state = 'closed'");
    expect(await source("sb_ingest")).toContain("state = 'closed'");
  });

  describe("an event the machine refuses", () => {
    it("does not write a reply's first-response time on a case nobody holds", async () => {
      const row = await newCase(app.services);
      const audits = await auditCount(row.id);
      const applied = await send(
        row.id,
        { type: "AGENT_REPLIED", agentId: agents[0]!, at: Date.now() },
        { firstResponseAt: new Date() },
      );
      expect(applied.accepted).toBe(false);
      const after = await read(row.id);
      expect(after.firstResponseAt).toBeNull();
      expect(after.revision).toBe(row.revision);
      expect(await auditCount(row.id)).toBe(audits);
    });

    it("does not change a closed case's details", async () => {
      const row = await newCase(app.services);
      const closed = await performAction(deps(), {
        caseId: row.id,
        action: "close",
        actor: { type: "system" },
      });
      const audits = await auditCount(row.id);
      const applied = await send(
        row.id,
        { type: "UPDATE", at: Date.now() },
        { priority: "urgent", tags: ["x"] },
      );
      expect(applied.accepted).toBe(false);
      const after = await read(row.id);
      expect(after).toMatchObject({
        priority: closed.priority,
        tags: closed.tags,
        revision: closed.revision,
      });
      expect(await auditCount(row.id)).toBe(audits);
    });

    it("is refused with the reason through the API, and nothing is written", async () => {
      const row = await newCase(app.services);
      await performAction(deps(), { caseId: row.id, action: "close", actor: { type: "system" } });
      const before = await read(row.id);
      const audits = await auditCount(row.id);
      const edit = await app.admin.request("PATCH", `/api/cases/${row.id}`, { priority: "urgent" });
      expect(edit.status).toBe(409);
      expect(edit.body).toMatchObject({ error: "illegal_action" });
      expect(await read(row.id)).toEqual(before);
      expect(await auditCount(row.id)).toBe(audits);
      // Nor by a stranger's id.
      expect(
        (await app.admin.request("PATCH", `/api/cases/${randomUUID()}`, { priority: "high" })).status,
      ).toBe(404);
    });
  });

  describe("the migration that ties them", () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    /** A fresh, empty database of the mode under test. */
    async function emptyDatabase(): Promise<Database> {
      if (!usingPostgres()) {
        const database = await connect({});
        cleanups.push(() => database.close());
        return database;
      }
      const empty = await createEmptyPostgresDatabase();
      const database = await connect({ databaseUrl: empty.url, maxConnections: 2 });
      cleanups.push(async () => {
        await database.close();
        await empty.drop();
      });
      return database;
    }

    const migrateFrom = (database: Database, migrationsFolder: string) =>
      database.kind === "pglite"
        ? migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder })
        : migratePostgres(database.db as unknown as PostgresJsDatabase, { migrationsFolder });

    it("gives a case that had drifted its snapshot's values, with an audit row, before refusing drift", async () => {
      // The migrations before this one, as a database made before it has them.
      const before = mkdtempSync(join(tmpdir(), "switchboard-migrations-"));
      cleanups.push(async () => rmSync(before, { recursive: true, force: true }));
      cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
      const journalPath = join(before, "meta", "_journal.json");
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
      const at = journal.entries.findIndex((entry) => entry.tag.endsWith("_case_state_is_snapshot"));
      expect(at).toBeGreaterThan(0);
      writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));

      const database = await emptyDatabase();
      await migrateFrom(database, before);
      const agent = randomUUID();
      const [contact] = await queryRows<{ id: string }>(
        database.db,
        sql`insert into contacts (name) values ('Drift') returning id`,
      );
      await database.db.execute(sql`
        insert into agents (id, email, name, role, password_hash) values (${agent}::uuid, 'drift@example.com', 'Drift', 'agent', 'x')`);
      const snapshot = (value: string, assigneeId: string | null) =>
        JSON.stringify({ value, context: { assigneeId, resolvedAt: null } });
      const [drifted, kept] = await queryRows<{ id: string }>(
        database.db,
        sql`insert into cases (contact_id, channel, state, assignee_id, customer_address, machine_snapshot, machine_version)
            values (${contact!.id}::uuid, 'sms', 'assigned', ${agent}::uuid, '+14155550001', ${snapshot("queued", null)}::jsonb, 1),
                   (${contact!.id}::uuid, 'sms', 'assigned', ${agent}::uuid, '+14155550002', ${snapshot("assigned", agent)}::jsonb, 1)
            returning id`,
      );

      await runMigrations(database);
      const rows = await queryRows<{ id: string; state: string; assignee_id: string | null }>(
        database.db,
        sql`select id, state, assignee_id from cases order by customer_address`,
      );
      expect(rows).toEqual([
        { id: drifted!.id, state: "queued", assignee_id: null },
        { id: kept!.id, state: "assigned", assignee_id: agent },
      ]);
      const audits = await queryRows<{
        case_id: string;
        type: string;
        from_state: string;
        to_state: string;
        details: Record<string, unknown>;
      }>(database.db, sql`select case_id, type, from_state, to_state, details from case_events`);
      expect(audits).toEqual([
        {
          case_id: drifted!.id,
          type: "state_repaired",
          from_state: "assigned",
          to_state: "queued",
          details: expect.objectContaining({ fromAssigneeId: agent, toAssigneeId: null }),
        },
      ]);
      await expect(
        database.db.execute(sql`update cases set state = 'closed' where id = ${kept!.id}::uuid`),
      ).rejects.toThrow();
    });
  });
});
