/**
 * Saved inbox views through the API: personal views seen by their owner only, shared views seen by
 * everyone and kept by supervisors and admins, queries checked against the inbox's own filters
 * (unknown keys named), and a refused request writes nothing.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

type Person = Awaited<ReturnType<TestApp["createAgent"]>>;

describe("saved inbox views", () => {
  let app: TestApp;
  let ana: Person;
  let ben: Person;
  let supervisor: Person;

  beforeAll(async () => {
    app = await startTestApp();
    ana = await app.createAgent({ name: "Ana Views" });
    ben = await app.createAgent({ name: "Ben Views" });
    supervisor = await app.createAgent({ role: "supervisor", name: "Sue Views" });
  });
  afterAll(async () => {
    await app?.close();
  });

  const viewCount = async () =>
    (await queryRows<{ n: number }>(app.services.db, sql`select count(*)::int as n from saved_views`))[0]!.n;
  const names = async (person: Person) =>
    ((await person.api.get("/api/views")).body.items as { name: string }[]).map((view) => view.name);

  it("keeps a personal view for its owner only, and a shared one for everyone", async () => {
    const mine = await ana.api.post("/api/views", {
      name: "My urgent chats",
      query: "?assignee=me&status=open&channel=chat&priority=urgent,high",
    });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body).toMatchObject({
      name: "My urgent chats",
      query: "assignee=me&status=open&channel=chat&priority=urgent,high",
      shared: false,
      ownerAgentId: ana.id,
      canChange: true,
    });
    const shared = await supervisor.api.post("/api/views", {
      name: "Unassigned breaches",
      query: "assignee=none&status=open&sla=breached",
      shared: true,
    });
    expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    expect(shared.body).toMatchObject({ shared: true, ownerAgentId: null, createdById: supervisor.id });

    expect(await names(ana)).toEqual(["My urgent chats", "Unassigned breaches"]);
    expect(await names(ben)).toEqual(["Unassigned breaches"]);
    const bensView = (await ben.api.get("/api/views")).body.items[0];
    expect(bensView.canChange).toBe(false);

    // The saved query lists exactly what the inbox would.
    const listed = await ana.api.get(`/api/cases?${mine.body.query}`);
    expect(listed.status).toBe(200);
  });

  it("refuses a shared view from an agent, and unknown or broken filters by name, writing nothing", async () => {
    const before = await viewCount();
    const sharedByAgent = await ana.api.post("/api/views", {
      name: "Team",
      query: "status=open",
      shared: true,
    });
    expect(sharedByAgent.status).toBe(403);
    expect(sharedByAgent.body.message).toMatch(/supervisors and admins; save it as a personal view/);

    const unknown = await ana.api.post("/api/views", {
      name: "Odd",
      query: "status=open&colour=red&limit=5",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: "validation_failed" });
    expect(unknown.body.message).toContain("colour, limit");

    const badValue = await ana.api.post("/api/views", { name: "Odd", query: "status=sleeping" });
    expect(badValue.status).toBe(400);
    expect(badValue.body.message).toMatch(/status.*unknown status 'sleeping'/);

    const twice = await ana.api.post("/api/views", { name: "Odd", query: "channel=chat&channel=sms" });
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/repeated: channel/);

    const badQueue = await ana.api.post("/api/views", { name: "Odd", query: "queue=billing" });
    expect(badQueue.status).toBe(400);

    const noName = await ana.api.post("/api/views", { name: "  ", query: "status=open" });
    expect(noName.status).toBe(400);

    const sameName = await ana.api.post("/api/views", { name: "my URGENT chats", query: "status=open" });
    expect(sameName.status).toBe(409);
    expect(await viewCount()).toBe(before);
  });

  it("lets the owner change and delete a personal view, and hides it from everyone else", async () => {
    const view = (await ana.api.post("/api/views", { name: "Low CSAT", query: "csat=low" })).body;
    const renamed = await ana.api.request("PUT", `/api/views/${view.id}`, {
      name: "Unhappy customers",
      query: "csat=low,1&status=resolved",
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Unhappy customers", query: "csat=low,1&status=resolved" });

    // Not Ben's and not the supervisor's to see: 404, as for a view that does not exist.
    for (const other of [ben, supervisor]) {
      expect((await other.api.request("PUT", `/api/views/${view.id}`, { name: "Mine now" })).status).toBe(
        404,
      );
      expect((await other.api.request("DELETE", `/api/views/${view.id}`)).status).toBe(404);
    }
    expect((await ana.api.request("PUT", `/api/views/${view.id}`, { query: "nope=1" })).status).toBe(400);
    expect((await ana.api.request("PUT", `/api/views/${view.id}`, { shared: true })).status).toBe(403);
    expect((await ana.api.request("PUT", `/api/views/${view.id}`, {})).status).toBe(400);
    expect((await ana.api.request("DELETE", `/api/views/${view.id}`)).status).toBe(204);
    expect((await ana.api.request("DELETE", `/api/views/${view.id}`)).status).toBe(404);
    expect((await ana.api.request("DELETE", `/api/views/${randomUUID()}`)).status).toBe(404);
  });

  it("lets supervisors and admins keep shared views, and refuses agents", async () => {
    const view = (
      await supervisor.api.post("/api/views", {
        name: "Urgent everywhere",
        query: "priority=urgent",
        shared: true,
      })
    ).body;
    const byAgent = await ben.api.request("PUT", `/api/views/${view.id}`, { name: "Mine" });
    expect(byAgent.status).toBe(403);
    expect((await ben.api.request("DELETE", `/api/views/${view.id}`)).status).toBe(403);

    const byAdmin = await app.admin.request("PUT", `/api/views/${view.id}`, { name: "Urgent, any queue" });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ name: "Urgent, any queue", shared: true, canChange: true });

    // A supervisor shares a personal view of theirs, and unshares it back into their own list.
    const personal = (await supervisor.api.post("/api/views", { name: "Sue's own", query: "assignee=me" }))
      .body;
    const sharedNow = await supervisor.api.request("PUT", `/api/views/${personal.id}`, { shared: true });
    expect(sharedNow.body).toMatchObject({ shared: true, ownerAgentId: null });
    expect(await names(ben)).toContain("Sue's own");
    const unshared = await supervisor.api.request("PUT", `/api/views/${personal.id}`, { shared: false });
    expect(unshared.body).toMatchObject({ shared: false, ownerAgentId: supervisor.id });
    expect(await names(ben)).not.toContain("Sue's own");

    expect((await supervisor.api.request("DELETE", `/api/views/${view.id}`)).status).toBe(204);
    expect(await names(ana)).not.toContain("Urgent, any queue");
  });
});
