/**
 * Queue scopes end to end: a supervisor limited to Billing sees and manages only Billing's cases,
 * agents and figures (over HTTP and the socket), a limited agent sees their own work and their
 * queues, the router never offers a case outside an agent's scope, and an admin sets scopes through
 * one validated, logged call. Unlimited people keep seeing everything.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";
import { routingSettled } from "../helpers/settled.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

type Person = Awaited<ReturnType<TestApp["createAgent"]>>;

describe("queue scopes", () => {
  let app: TestApp;
  let billing: { id: string; skill: string };
  let sales: { id: string; skill: string };
  let limitedSue: Person;
  let openTom: Person;
  let billingAgent: Person;
  let salesAgent: Person;
  let billingCase: string;
  let salesCase: string;
  const sockets: RecordingSocket[] = [];

  const queue = async (label: string) => {
    const skill = await app.admin.post("/api/skills", { name: `${label}-${randomUUID().slice(0, 6)}` });
    const created = await app.admin.post("/api/queues", {
      name: `${label} ${randomUUID().slice(0, 6)}`,
      requiredSkills: [{ skillId: skill.body.id, level: 3 }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { id: created.body.id as string, skill: skill.body.id as string };
  };
  const giveSkill = async (person: Person, ...skills: string[]) => {
    const items = skills.map((skillId) => ({ skillId, level: 5 }));
    expect((await app.admin.request("PUT", `/api/agents/${person.id}/skills`, { items })).status).toBe(200);
  };
  const caseIn = async (queueId: string, body: string) => {
    const row = await newCase(app.services, { body });
    const moved = await app.admin.post(`/api/cases/${row.id}/transfer`, { toQueueId: queueId, note: body });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    return row.id;
  };
  const setScope = (agentId: string, body: unknown) =>
    app.admin.request("PUT", `/api/agents/${agentId}/queue-scope`, body);

  beforeAll(async () => {
    app = await startTestApp();
    billing = await queue("billing");
    sales = await queue("sales");
    limitedSue = await app.createAgent({ role: "supervisor", name: "Sue Limited" });
    openTom = await app.createAgent({ role: "supervisor", name: "Tom Everything" });
    billingAgent = await app.createAgent({ name: "Bea Billing" });
    salesAgent = await app.createAgent({ name: "Sam Sales" });
    await giveSkill(billingAgent, billing.skill);
    await giveSkill(salesAgent, sales.skill);
    billingCase = await caseIn(billing.id, "Invoice twice");
    salesCase = await caseIn(sales.id, "Upgrade my plan quietly");
    const set = await setScope(limitedSue.id, { limited: true, queueIds: [billing.id] });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  describe("the admin API", () => {
    it("sets a scope, shows it in the agent view, and logs the change with before and after", async () => {
      const person = await app.createAgent({ name: "Scoped Sal" });
      const answer = await setScope(person.id, { limited: true, queueIds: [sales.id, billing.id] });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.queueScope).toEqual({
        limited: true,
        queueIds: expect.arrayContaining([sales.id, billing.id]),
      });
      const list = await app.admin.get("/api/agents");
      const row = list.body.items.find((item: { id: string }) => item.id === person.id);
      expect(row.queueScope.limited).toBe(true);
      expect(row.queueScope.queueIds).toHaveLength(2);
      const log = await app.admin.get(
        `/api/admin/security-log?kind=queue_scope_changed&agentId=${person.id}`,
      );
      expect(log.status, JSON.stringify(log.body)).toBe(200);
      expect(log.body.items[0]).toMatchObject({
        kind: "queue_scope_changed",
        details: {
          before: { limited: false, queueIds: [] },
          after: { limited: true, queueIds: expect.arrayContaining([sales.id, billing.id]) },
        },
      });
      // Limited to nothing: own work only. Then back to every queue.
      expect((await setScope(person.id, { limited: true, queueIds: [] })).body.queueScope).toEqual({
        limited: true,
        queueIds: [],
      });
      expect((await setScope(person.id, { limited: false, queueIds: [] })).body.queueScope).toEqual({
        limited: false,
        queueIds: [],
      });
    });

    it("refuses an unknown queue by name, a bad body, an unknown agent and a non-admin, writing nothing", async () => {
      const person = await app.createAgent({ name: "Unchanged Una" });
      const ghost = randomUUID();
      const unknown = await setScope(person.id, { limited: true, queueIds: [billing.id, ghost] });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({
        error: "validation_failed",
        message: expect.stringContaining(ghost),
      });
      expect((await setScope(person.id, { limited: "yes", queueIds: [] })).status).toBe(400);
      expect((await setScope(person.id, { limited: true, queueIds: ["billing"] })).status).toBe(400);
      expect((await setScope(randomUUID(), { limited: true, queueIds: [] })).status).toBe(404);
      const refused = await limitedSue.api.request("PUT", `/api/agents/${person.id}/queue-scope`, {
        limited: true,
        queueIds: [],
      });
      expect(refused.status).toBe(403);
      const row = (await app.admin.get("/api/agents")).body.items.find(
        (item: { id: string }) => item.id === person.id,
      );
      expect(row.queueScope).toEqual({ limited: false, queueIds: [] });
    });
  });

  describe("a supervisor limited to one queue", () => {
    it("lists and searches only that queue's cases; an unlimited supervisor sees both", async () => {
      const mine = await limitedSue.api.get("/api/cases?status=open&limit=100");
      const ids = mine.body.items.map((item: { id: string }) => item.id);
      expect(ids).toContain(billingCase);
      expect(ids).not.toContain(salesCase);
      expect(mine.body.items.every((item: { queueId: string }) => item.queueId === billing.id)).toBe(true);
      const search = await limitedSue.api.get("/api/cases?q=quietly");
      expect(search.body.items.map((item: { id: string }) => item.id)).not.toContain(salesCase);
      const byQueue = await limitedSue.api.get(`/api/cases?queue=${sales.id}`);
      expect(byQueue.body.items).toEqual([]);
      const all = await openTom.api.get("/api/cases?status=open&limit=100");
      const allIds = all.body.items.map((item: { id: string }) => item.id);
      expect(allIds).toEqual(expect.arrayContaining([billingCase, salesCase]));
      expect(
        (await openTom.api.get(`/api/cases?q=quietly`)).body.items.map((i: { id: string }) => i.id),
      ).toContain(salesCase);
    });

    it("answers 404 for an out-of-scope case, to reading and to every change, and changes nothing", async () => {
      expect((await limitedSue.api.get(`/api/cases/${salesCase}`)).status).toBe(404);
      const attempts = [
        limitedSue.api.request("PATCH", `/api/cases/${salesCase}`, { priority: "urgent" }),
        limitedSue.api.post(`/api/cases/${salesCase}/assign`, { agentId: salesAgent.id }),
        limitedSue.api.post(`/api/cases/${salesCase}/transfer`, { toQueueId: billing.id }),
        limitedSue.api.post(`/api/cases/${salesCase}/actions`, { action: "resolve" }),
        limitedSue.api.post(`/api/cases/${salesCase}/notes`, { body: "peek" }),
      ];
      for (const answer of await Promise.all(attempts))
        expect(answer.status, JSON.stringify(answer.body)).toBe(404);
      const detail = await app.admin.get(`/api/cases/${salesCase}`);
      expect(detail.body).toMatchObject({ priority: "normal", queueId: sales.id, assigneeId: null });
      expect(
        detail.body.interactions.some(
          (i: { kind: string; body: string }) => i.kind === "note" && i.body === "peek",
        ),
      ).toBe(false);
      // An in-scope case goes only to an agent the supervisor sees.
      const toStranger = await limitedSue.api.post(`/api/cases/${billingCase}/assign`, {
        agentId: salesAgent.id,
      });
      expect(toStranger.status, JSON.stringify(toStranger.body)).toBe(404);
      // In scope: managed as before.
      const edit = await limitedSue.api.request("PATCH", `/api/cases/${billingCase}`, { priority: "high" });
      expect(edit.status, JSON.stringify(edit.body)).toBe(200);
      expect((await limitedSue.api.get(`/api/cases/${billingCase}`)).status).toBe(200);
    });

    it("sees only the agents and figures of that queue", async () => {
      const board = await limitedSue.api.get("/api/agents/board");
      const names = board.body.items.map((item: { name: string }) => item.name);
      expect(names).toContain("Bea Billing");
      expect(names).toContain("Sue Limited");
      expect(names).not.toContain("Sam Sales");
      expect(names).not.toContain("Tom Everything");
      for (const path of ["/api/agents", "/api/agents/directory"]) {
        const listed = (await limitedSue.api.get(path)).body.items.map((item: { name: string }) => item.name);
        expect(listed, path).toContain("Bea Billing");
        expect(listed, path).not.toContain("Sam Sales");
      }
      expect(
        (await limitedSue.api.post(`/api/agents/${salesAgent.id}/presence`, { status: "away" })).status,
      ).toBe(404);
      const everyone = (await openTom.api.get("/api/agents/board")).body.items.map(
        (i: { name: string }) => i.name,
      );
      expect(everyone).toEqual(expect.arrayContaining(["Bea Billing", "Sam Sales"]));

      const stats = await limitedSue.api.get("/api/queues/stats");
      expect(stats.body.queues.map((q: { queueId: string }) => q.queueId)).toEqual([billing.id]);
      const live = await limitedSue.api.get("/api/metrics/live");
      expect(live.status, JSON.stringify(live.body)).toBe(200);
      expect(live.body.queues.map((q: { queueId: string }) => q.queueId)).toEqual([billing.id]);
      expect(live.body.team.backlog.waiting).toBe(live.body.queues[0].backlog.waiting);
      const intervals = await limitedSue.api.get(`/api/metrics/intervals?queueId=${sales.id}`);
      expect(intervals.body.intervals ?? []).toEqual([]);
      const slaBoard = await limitedSue.api.get("/api/sla/board");
      expect(slaBoard.status).toBe(200);
      for (const entry of slaBoard.body.queues) expect(entry.staffing.queueId).toBe(billing.id);
      for (const entry of slaBoard.body.cases) expect(entry.case.queueId).toBe(billing.id);
      const day = {
        from: new Date(Date.now() - 86_400_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      };
      const reasons = await limitedSue.api.get(`/api/reports/dispositions?from=${day.from}&to=${day.to}`);
      expect(reasons.status, JSON.stringify(reasons.body)).toBe(200);
      const openStats = await openTom.api.get("/api/queues/stats");
      expect(openStats.body.queues.map((q: { queueId: string }) => q.queueId)).toEqual(
        expect.arrayContaining([billing.id, sales.id]),
      );
    });

    it("gets case events of that queue over the socket and none of another's; an unlimited one gets both", async () => {
      const limited = await connectAgent(app.url, limitedSue.token);
      const open = await connectAgent(app.url, openTom.token);
      sockets.push(limited, open);
      // Sales first, seen by the unlimited supervisor, then Billing: a socket gets its pushes in
      // order, so once Billing's arrives a Sales push to the limited one would have arrived before it.
      expect((await app.admin.request("PATCH", `/api/cases/${salesCase}`, { priority: "low" })).status).toBe(
        200,
      );
      await open.waitFor("case.updated", (payload) => payload.id === salesCase);
      expect(
        (await app.admin.request("PATCH", `/api/cases/${billingCase}`, { priority: "low" })).status,
      ).toBe(200);
      await open.waitFor("case.updated", (payload) => payload.id === billingCase);
      await limited.waitFor("case.updated", (payload) => payload.id === billingCase);
      expect(limited.events.some((e) => e.name === "case.updated" && e.payload.id === salesCase)).toBe(false);
      const watch = await limited.emitWithAck("case.watch", { caseId: salesCase });
      expect(watch.ok).toBe(false);
    });

    it("loses a queue's events at once when an admin narrows the scope", async () => {
      const socket = await connectAgent(app.url, openTom.token);
      const watcher = await app.createAgent({ role: "supervisor", name: "Wes Watcher" });
      const witness = await connectAgent(app.url, watcher.token);
      sockets.push(socket, witness);
      expect((await setScope(openTom.id, { limited: true, queueIds: [sales.id] })).status).toBe(200);
      await app.admin.request("PATCH", `/api/cases/${billingCase}`, { priority: "normal" });
      await witness.waitFor(
        "case.updated",
        (payload) => payload.id === billingCase && payload.priority === "normal",
      );
      await app.admin.request("PATCH", `/api/cases/${salesCase}`, { priority: "normal" });
      await socket.waitFor(
        "case.updated",
        (payload) => payload.id === salesCase && payload.priority === "normal",
      );
      expect(
        socket.events.some(
          (e) => e.name === "case.updated" && e.payload.id === billingCase && e.payload.priority === "normal",
        ),
      ).toBe(false);
      expect((await setScope(openTom.id, { limited: false, queueIds: [] })).status).toBe(200);
    });
  });

  describe("a limited agent", () => {
    it("sees their own work and their queues' cases, and is never offered a case outside them", async () => {
      const both = await app.createAgent({ name: "Bo Both" });
      await giveSkill(both, billing.skill, sales.skill);
      expect((await setScope(both.id, { limited: true, queueIds: [billing.id] })).status).toBe(200);
      const ownSales = await caseIn(sales.id, "Assigned across queues");
      await assignCase(app.services, ownSales, both.id);
      const list = (await both.api.get("/api/cases?status=open&limit=100")).body.items.map(
        (item: { id: string }) => item.id,
      );
      expect(list).toEqual(expect.arrayContaining([billingCase, ownSales]));
      expect(list).not.toContain(salesCase);
      expect((await both.api.get(`/api/cases/${salesCase}`)).status).toBe(404);
      expect((await both.api.get(`/api/cases/${ownSales}`)).status).toBe(200);

      // Available with room for both queues' work: only Billing's case is offered.
      const socket = await connectAgent(app.url, both.token);
      sockets.push(socket);
      await app.services.router.setPresence({ agentId: both.id, presence: "available" });
      await routingSettled(app);
      const offer = await socket.waitFor("offer");
      expect(offer.caseId).toBe(billingCase);
      const offers = socket.events.filter((e) => e.name === "offer").map((e) => e.payload.caseId);
      expect(offers).not.toContain(salesCase);
    });
  });
});
