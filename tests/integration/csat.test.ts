/**
 * CSAT where the team works, against the real app: the rating on the case (detail, list, live
 * push), the inbox's CSAT filter, and the figures per queue and agent (wall, agent grid, reports)
 * within a supervisor's queue scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "../../cases/replies.ts";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { computeIntervals } from "../../sla/metrics-intervals.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";
import { connectAgent, connectVisitor } from "../helpers/sockets.ts";

describe("CSAT on cases", () => {
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  const now = new Date("2026-06-01T12:00:00Z");
  let phone = 7000;

  beforeAll(async () => {
    app = await startTestApp({ clock: () => now });
    agent = await app.createAgent({ name: "Rhea Rated" });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A resolved case of the agent's, rated by its customer when `rating` is given. */
  const resolvedCase = async (rating?: number, comment?: string) => {
    phone += 1;
    const row = await newCase(app.services, { from: { kind: "phone", address: `+1415777${phone}` } });
    await assignCase(app.services, row.id, agent.id);
    await performAction(app.services.cases, {
      caseId: row.id,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });
    if (rating !== undefined) {
      const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
      const rated = await createApi(app.url).post(`/api/status/${token}/rating`, { rating, comment });
      expect(rated.status).toBe(200);
    }
    return row;
  };

  it("shows the rating and comment on the case and in the list, null before", async () => {
    const unrated = await resolvedCase();
    expect((await agent.api.get(`/api/cases/${unrated.id}`)).body.csat).toBeNull();
    const rated = await resolvedCase(4, "  quick and kind ");
    const detail = await agent.api.get(`/api/cases/${rated.id}`);
    expect(detail.body.csat).toEqual({ rating: 4, comment: "quick and kind", at: now.toISOString() });
    const list = await agent.api.get("/api/cases?status=resolved&limit=100");
    const listed = list.body.items.find((item: { id: string }) => item.id === rated.id);
    expect(listed.csat).toEqual({ rating: 4, comment: "quick and kind", at: now.toISOString() });
  });

  it("pushes the rating to the consoles that show the case", async () => {
    const row = await resolvedCase();
    const socket = await connectAgent(app.url, agent.token);
    try {
      const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
      await createApi(app.url).post(`/api/status/${token}/rating`, { rating: 2, comment: "slow" });
      const pushed = await socket.waitFor("case.updated", (summary) => summary.id === row.id && summary.csat);
      expect(pushed.csat).toMatchObject({ rating: 2, comment: "slow" });
    } finally {
      socket.close();
    }
  });

  it("takes the rating from the chat widget's socket once the chat is resolved", async () => {
    const visitor = await connectVisitor(app.url);
    try {
      expect(await visitor.emitWithAck("rate", { rating: 5 })).toMatchObject({ error: "hello_first" });
      await visitor.emitWithAck("hello", { name: "Vic Visitor" });
      const sent = await visitor.emitWithAck("message", { body: "Is my order shipped?" });
      expect(sent.caseId).toBeDefined();
      const early = await visitor.emitWithAck("rate", { rating: 5 });
      expect(early.error).toBeDefined();
      await assignCase(app.services, sent.caseId, agent.id);
      await performAction(app.services.cases, {
        caseId: sent.caseId,
        action: "resolve",
        actor: { type: "agent", id: agent.id },
      });
      // The update that resolves the chat asks for the rating.
      const update = await visitor.waitFor("message", (message) => message.askRating === true);
      expect(update.from).toBe("agent");
      expect((await visitor.emitWithAck("rate", { rating: 9 })).error).toBeDefined();
      expect(await visitor.emitWithAck("rate", { rating: 3, comment: "ok" })).toEqual({
        rating: 3,
        comment: "ok",
      });
      const detail = await agent.api.get(`/api/cases/${sent.caseId}`);
      expect(detail.body.csat).toMatchObject({ rating: 3, comment: "ok" });
    } finally {
      visitor.close();
    }
  });

  it("filters the list by rating, rated, unrated and low", async () => {
    const one = await resolvedCase(1);
    const three = await resolvedCase(3);
    const five = await resolvedCase(5);
    const none = await resolvedCase();
    const ids = async (csat: string) =>
      (await agent.api.get(`/api/cases?status=resolved&limit=100&csat=${csat}`)).body.items.map(
        (item: { id: string }) => item.id,
      );
    expect(await ids("5")).toContain(five.id);
    expect(await ids("5")).not.toContain(three.id);
    const low = await ids("low");
    expect(low).toContain(one.id);
    expect(low).not.toContain(three.id);
    expect(low).not.toContain(none.id);
    const rated = await ids("rated");
    expect(rated).toEqual(expect.arrayContaining([one.id, three.id, five.id]));
    expect(rated).not.toContain(none.id);
    const unrated = await ids("unrated");
    expect(unrated).toContain(none.id);
    expect(unrated).not.toContain(five.id);
    expect(await ids("3,unrated")).toEqual(expect.arrayContaining([three.id, none.id]));
    const bad = await agent.api.get("/api/cases?csat=6");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBeDefined();
  });
});

describe("CSAT figures per queue and per agent", () => {
  let app: TestApp;
  let now = new Date("2026-06-01T11:50:00Z");
  type Person = Awaited<ReturnType<TestApp["createAgent"]>>;
  let bea: Person;
  let sam: Person;
  let limitedSue: Person;
  let billing = "";
  let sales = "";

  const queue = async (label: string) => {
    const skill = await app.admin.post("/api/skills", { name: `${label}-skill` });
    const created = await app.admin.post("/api/queues", {
      name: label,
      requiredSkills: [{ skillId: skill.body.id, level: 3 }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };
  let phone = 8000;
  /** A case in `queueId`, worked and resolved by `person`, then rated by its customer. */
  const ratedCase = async (queueId: string, person: Person, rating: number) => {
    phone += 1;
    const row = await newCase(app.services, { from: { kind: "phone", address: `+1415777${phone}` } });
    const moved = await app.admin.post(`/api/cases/${row.id}/transfer`, {
      toQueueId: queueId,
      note: "Moved to its queue",
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await assignCase(app.services, row.id, person.id);
    await performAction(app.services.cases, {
      caseId: row.id,
      action: "resolve",
      actor: { type: "agent", id: person.id },
    });
    const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
    expect((await createApi(app.url).post(`/api/status/${token}/rating`, { rating })).status).toBe(200);
    return row.id;
  };

  beforeAll(async () => {
    app = await startTestApp({ clock: () => now, env: { DEFAULT_TIME_ZONE: "UTC" } });
    billing = await queue("Billing");
    sales = await queue("Sales");
    bea = await app.createAgent({ name: "Bea Billing" });
    sam = await app.createAgent({ name: "Sam Sales" });
    limitedSue = await app.createAgent({ role: "supervisor", name: "Sue Limited" });
    const scoped = await app.admin.request("PUT", `/api/agents/${limitedSue.id}/queue-scope`, {
      limited: true,
      queueIds: [billing],
    });
    expect(scoped.status, JSON.stringify(scoped.body)).toBe(200);
    await ratedCase(billing, bea, 2);
    await ratedCase(billing, bea, 5);
    await ratedCase(sales, sam, 4);
    // Yesterday's rating is outside today's figures.
    now = new Date("2026-05-31T20:00:00Z");
    await ratedCase(sales, sam, 1);
    now = new Date("2026-06-01T12:00:00Z");
  });
  afterAll(async () => {
    await app?.close();
  });

  it("shows each queue's and the team's CSAT on the live metrics, by window", async () => {
    const live = await app.admin.get("/api/metrics/live");
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    const byName = new Map(live.body.queues.map((q: { name: string }) => [q.name, q]));
    expect((byName.get("Billing") as { csat: unknown }).csat).toEqual({
      today: { average: 3.5, count: 2 },
      last15m: { average: 3.5, count: 2 },
      last60m: { average: 3.5, count: 2 },
    });
    expect((byName.get("Sales") as { csat: { today: unknown } }).csat.today).toEqual({
      average: 4,
      count: 1,
    });
    expect(live.body.team.csat.today).toEqual({ average: 3.67, count: 3 });
    now = new Date("2026-06-01T12:30:00Z");
    const later = await app.admin.get("/api/metrics/live");
    expect(later.body.team.csat.last15m).toEqual({ average: null, count: 0 });
    expect(later.body.team.csat.today).toEqual({ average: 3.67, count: 3 });
    now = new Date("2026-06-01T12:00:00Z");
  });

  it("shows each agent's CSAT today on the agent grid", async () => {
    const board = await app.admin.get("/api/agents/board");
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    const byId = new Map(board.body.items.map((row: { id: string; csat: unknown }) => [row.id, row.csat]));
    expect(byId.get(bea.id)).toEqual({ average: 3.5, count: 2 });
    expect(byId.get(sam.id)).toEqual({ average: 4, count: 1 });
    expect(byId.get(limitedSue.id)).toEqual({ average: null, count: 0 });
  });

  it("gives a limited supervisor the figures of their queues only", async () => {
    const live = await limitedSue.api.get("/api/metrics/live");
    expect(live.body.queues.map((q: { name: string }) => q.name)).toEqual(["Billing"]);
    expect(live.body.team.csat.today).toEqual({ average: 3.5, count: 2 });
    const board = await limitedSue.api.get("/api/agents/board");
    for (const row of board.body.items as { id: string; csat: { count: number } }[])
      if (row.id === sam.id) expect(row.csat.count).toBe(0);
  });

  it("adds CSAT to the interval reports, read from the cases", async () => {
    await computeIntervals(app.services.db, now);
    const from = "2026-06-01T11:00:00.000Z";
    const to = "2026-06-01T12:15:00.000Z";
    const report = await app.admin.get(`/api/metrics/intervals?from=${from}&to=${to}`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const rows = report.body.intervals as { queueId: string; intervalStart: string; csat: unknown }[];
    const at1145 = (queueId: string) =>
      rows.find((row) => row.queueId === queueId && row.intervalStart === "2026-06-01T11:45:00.000Z")?.csat;
    expect(at1145(billing)).toEqual({ average: 3.5, count: 2 });
    expect(at1145(sales)).toEqual({ average: 4, count: 1 });
    const scoped = await limitedSue.api.get(`/api/metrics/intervals?from=${from}&to=${to}`);
    expect(new Set(scoped.body.intervals.map((row: { queueId: string }) => row.queueId))).toEqual(
      new Set([billing]),
    );
  });
});
