/**
 * CSV exports as jobs: a cases export carries its header, times in the asked zone, custom fields as
 * JSON and defused formulas; an interactions export of 12,001 rows streams over several keyset pages
 * with its progress counted; downloads are attachments; another supervisor sees nothing of it; bad
 * input is refused and writes nothing.
 */
import { parse } from "csv-parse/sync";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases } from "../../db/schema/cases.ts";
import { exportJobs } from "../../db/schema/integrations.ts";
import { EXPORT_PAGE_ROWS } from "../../reports/export-jobs.ts";
import type { Api } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

async function finished(api: Api, id: string) {
  for (let tries = 0; tries < 600; tries++) {
    const answer = await api.get(`/api/exports/${id}`);
    if (answer.body.status === "done" || answer.body.status === "failed") return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the export did not finish");
}

async function download(app: TestApp, api: Api, path: string) {
  const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${api.token}` } });
  return { response, text: await response.text() };
}

describe("CSV exports", () => {
  let app: TestApp;
  let sue: Awaited<ReturnType<TestApp["createAgent"]>>;
  let sam: Awaited<ReturnType<TestApp["createAgent"]>>;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  const period = () => ({
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date(Date.now() + 3_600_000).toISOString(),
  });
  let chattyCaseId = "";

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    sue = await app.createAgent({ role: "supervisor", name: "Sue" });
    sam = await app.createAgent({ role: "supervisor", name: "Sam" });
    agent = await app.createAgent({ name: "Ann" });
    const first = await newCase(app.services, { body: "first" });
    const second = await newCase(app.services, { body: "second" });
    await newCase(app.services, { body: "third" });
    chattyCaseId = first.id;
    await app.services.db
      .update(cases)
      .set({ subject: '=HYPERLINK("http://evil.example","x")', customFields: { tier: "gold", seats: 12 } })
      .where(eq(cases.id, first.id));
    await app.services.db
      .update(cases)
      .set({ subject: 'Refund, "urgent"\nplease' })
      .where(eq(cases.id, second.id));
    // 12,000 more messages on the first case: the interactions export needs three pages.
    await app.services.db.execute(sql`
      insert into interactions (case_id, channel, kind, direction, body, status)
      select ${first.id}::uuid, 'sms', 'message', 'inbound', '@row ' || g, 'received'
      from generate_series(1, 12000) g`);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("writes a cases export with its header, local times, custom fields and defused formulas", async () => {
    const started = await sue.api.post("/api/exports", {
      kind: "cases",
      ...period(),
      timeZone: "America/New_York",
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ kind: "cases", status: "queued", downloadUrl: null });
    const done = await finished(sue.api, started.body.id);
    expect(done).toMatchObject({ status: "done", rowsWritten: 3, rowsTotal: 3, error: null });
    expect(done.downloadUrl).toBe(`/api/exports/${done.id}/download`);

    const { response, text } = await download(app, sue.api, done.downloadUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const [header, ...rows] = parse(text) as string[][];
    expect(header).toContain("custom_fields");
    expect(header!.slice(0, 4)).toEqual(["case_id", "number", "created_at", "channel"]);
    expect(rows).toHaveLength(3);
    const cell = (row: string[], column: string) => row[header!.indexOf(column)]!;
    // New York's offset on the day the case was created, whatever the server's zone.
    for (const row of rows)
      expect(cell(row, "created_at")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00$/);
    const evil = rows.find((row) => cell(row, "case_id") === chattyCaseId)!;
    expect(cell(evil, "subject")).toBe('\'=HYPERLINK("http://evil.example","x")');
    expect(JSON.parse(cell(evil, "custom_fields"))).toEqual({ tier: "gold", seats: 12 });
    expect(cell(evil, "custom_fields")).toBe('{"tier":"gold","seats":12}');
    expect(rows.map((row) => cell(row, "subject"))).toContain('Refund, "urgent"\nplease');
  });

  it("streams a large interactions export over several pages, counting its progress", async () => {
    const started = await sue.api.post("/api/exports", {
      kind: "interactions",
      ...period(),
      timeZone: "UTC",
    });
    expect(started.status).toBe(202);
    const done = await finished(sue.api, started.body.id);
    expect(done).toMatchObject({ status: "done", rowsWritten: 12_003, rowsTotal: 12_003 });
    expect(12_003).toBeGreaterThan(2 * EXPORT_PAGE_ROWS);
    const { text } = await download(app, sue.api, done.downloadUrl);
    const [header, ...rows] = parse(text) as string[][];
    expect(header).toEqual([
      "interaction_id",
      "case_number",
      "created_at",
      "channel",
      "kind",
      "direction",
      "status",
      "author",
      "body",
    ]);
    expect(rows).toHaveLength(12_003);
    expect(new Set(rows.map((row) => row[0])).size).toBe(12_003);
    expect(rows.filter((row) => row[8]!.startsWith("'@row "))).toHaveLength(12_000);
    expect(rows[0]![2]).toMatch(/\+00:00$/);
  });

  it("writes the other kinds", async () => {
    for (const kind of ["agent_performance", "sla_events", "csat"]) {
      const started = await sue.api.post("/api/exports", { kind, ...period() });
      const done = await finished(sue.api, started.body.id);
      expect(done.status, kind).toBe("done");
      const { text } = await download(app, sue.api, done.downloadUrl);
      expect((parse(text) as string[][])[0]!.length, kind).toBeGreaterThan(3);
    }
  });

  it("shows each person their own exports; admins all", async () => {
    const mine = await sue.api.get("/api/exports");
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThanOrEqual(5);
    const id = mine.body.items[0].id;
    expect((await sam.api.get("/api/exports")).body.items).toEqual([]);
    expect((await sam.api.get(`/api/exports/${id}`)).status).toBe(404);
    expect((await download(app, sam.api, `/api/exports/${id}/download`)).response.status).toBe(404);
    expect((await agent.api.get(`/api/exports/${id}`)).status).toBe(403);
    expect((await agent.api.post("/api/exports", { kind: "cases", ...period() })).status).toBe(403);
    const all = await app.admin.get("/api/exports");
    expect(all.body.items.map((item: { id: string }) => item.id)).toContain(id);
    expect((await app.admin.get(`/api/exports/${id}`)).status).toBe(200);
  });

  it("refuses a bad kind, zone or period and writes nothing", async () => {
    const [before] = await app.services.db.select({ n: count() }).from(exportJobs);
    for (const body of [
      { kind: "passwords", ...period() },
      { kind: "cases", ...period(), timeZone: "Mars/Olympus" },
      { kind: "cases", from: period().to, to: period().from },
      { kind: "cases", from: "2026-01-01T00:00:00Z", to: "2026-12-01T00:00:00Z" },
      { kind: "cases" },
    ]) {
      const answer = await sue.api.post("/api/exports", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const [after] = await app.services.db.select({ n: count() }).from(exportJobs);
    expect(after!.n).toBe(before!.n);
  });
});
