/**
 * Remedies from live state, applied through the API: a queue short of agents gets named agents
 * moved from a queue that can spare them, with Erlang C's prediction, and routing then offers the
 * waiting cases to those agents; a breached case is offered to a named agent. Outcomes are judged.
 */
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { caseEvents, cases } from "../../db/schema/cases.ts";
import { agentSkills } from "../../db/schema/routing.ts";
import { remedies } from "../../db/schema/sla.ts";
import { judgeRemedies } from "../../sla/remedy-apply.ts";
import { sweepSla } from "../../sla/sla-monitor.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { routingSettled } from "../helpers/settled.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

describe("SLA remedies", () => {
  let app: TestApp;
  let now = new Date("2026-06-01T15:00:00Z");
  const sockets: RecordingSocket[] = [];
  const skills: Record<string, string> = {};
  const queues: Record<string, string> = {};
  const people: Record<string, { id: string; socket: RecordingSocket }> = {};

  beforeAll(async () => {
    app = await startTestApp({
      clock: () => now,
      env: { STATUS_UPDATES: "false", SESSION_TTL_HOURS: "720" },
    });
    for (const name of ["support", "sales"])
      skills[name] = (await app.admin.post("/api/skills", { name })).body.id;
    for (const name of ["support", "sales"]) {
      const queue = await app.admin.post("/api/queues", {
        name: `${name} desk`,
        requiredSkills: [{ skillId: skills[name], level: 2 }],
      });
      queues[name] = queue.body.id;
      await app.admin.post("/api/assignment-rules", {
        name,
        conditions: { keywords: [name] },
        queueId: queue.body.id,
      });
    }
    for (const name of ["Ana", "Raj", "Bea"]) {
      const agent = await app.createAgent({ name });
      await app.admin.request("PUT", `/api/agents/${agent.id}/skills`, {
        items: [{ skillId: skills.sales, level: 3 }],
      });
      const socket = await connectAgent(app.url, agent.token);
      sockets.push(socket);
      await agent.api.post("/api/me/presence", { status: "available" });
      people[name] = { id: agent.id, socket };
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  const write = async (body: string) =>
    (
      await ingest(app.services.cases, {
        channel: "sms",
        externalId: `SM${randomUUID()}`,
        from: { kind: "phone", address: `+1415${Math.floor(2_000_000 + Math.random() * 7_000_000)}` },
        body,
      })
    ).case;

  it("moves named agents from a queue that can spare them, and routing follows", async () => {
    const waiting = [
      await write("support: my login fails"),
      await write("support: reset my password"),
      await write("support: account locked"),
    ];
    expect(waiting.every((c) => c.queueId === queues.support)).toBe(true);

    const staffing = await app.admin.get("/api/sla/staffing");
    const support = staffing.body.items.find((q: { queueId: string }) => q.queueId === queues.support);
    expect(support).toMatchObject({ staffed: 0 });
    expect(support.needed).toBeGreaterThan(0);

    const board = await app.admin.get("/api/sla/board");
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    const short = board.body.queues.find(
      (q: { staffing: { queueId: string } }) => q.staffing.queueId === queues.support,
    );
    const move = short.remedies.find((r: { kind: string }) => r.kind === "move_agents");
    expect(move.params.fromQueueId).toBe(queues.sales);
    expect(move.predicted.text).toMatch(
      /^support desk needs \d+ to meet 80\/20 and has 0; moving .+ from sales desk brings support desk to \d+ % and keeps sales desk at \d+ %\.$/,
    );
    const moved: string[] = move.params.agentIds;
    expect(moved.length).toBeGreaterThan(0);

    const applied = await app.admin.post("/api/sla/remedies", {
      kind: "move_agents",
      queueId: queues.support,
      params: move.params,
      predicted: move.predicted,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body).toMatchObject({ kind: "move_agents", outcome: "pending" });

    // As predicted: the moved agents now get the waiting support cases.
    const movedSockets = Object.values(people)
      .filter((p) => moved.includes(p.id))
      .map((p) => p.socket);
    const offered = await Promise.race(
      movedSockets.map((s) => s.waitFor("offer", (o) => waiting.some((c) => c.id === o.caseId))),
    );
    expect(offered.queueId).toBe(queues.support);
    const others = Object.values(people).filter((p) => !moved.includes(p.id));
    for (const other of others)
      expect(
        other.socket.events.some((e) => e.name === "offer" && waiting.some((c) => c.id === e.payload.caseId)),
      ).toBe(false);

    now = new Date(now.getTime() + 11 * 60_000);
    await app.admin.login("admin@example.com", "admin-password");
    expect(await judgeRemedies(app.services.routing)).toBeGreaterThanOrEqual(1);
    const [judged] = await app.services.db.select().from(remedies).where(eq(remedies.id, applied.body.id));
    expect(judged!.outcome).toBe("recovered");
  });

  it("offers a breached case to a named agent with room", async () => {
    // Everyone busy elsewhere: away, so the case waits and breaches its first-response target.
    for (const person of Object.values(people))
      await app.services.router.setPresence({ agentId: person.id, presence: "away" });
    const late = await write("sales: quote please");
    now = new Date(now.getTime() + 5 * 60 * 60_000);
    await sweepSla(app.services.cases);
    await app.services.router.setPresence({ agentId: people.Bea!.id, presence: "available" });
    // Bea may be offered it by routing before the remedy; take the board's view either way.
    const board = await app.admin.get("/api/sla/board");
    const item = board.body.cases.find((c: { case: { id: string } }) => c.case.id === late.id);
    expect(item.case.slaStatus).toBe("breached");
    const kinds = item.remedies.map((r: { kind: string }) => r.kind);
    expect(kinds).toContain("raise_priority");
    expect(kinds).toContain("delay_notice");
    const offer = item.remedies.find((r: { kind: string }) => r.kind === "offer_to_agent");
    if (offer) {
      expect(offer.title).toMatch(/^Offer case #\d+ to Bea/);
      const applied = await app.admin.post("/api/sla/remedies", {
        kind: "offer_to_agent",
        caseId: late.id,
        params: offer.params,
      });
      expect([201, 409]).toContain(applied.status);
    }
    await people.Bea!.socket.waitFor("offer", (o) => o.caseId === late.id);
    const notice = await app.admin.post("/api/sla/remedies", {
      kind: "delay_notice",
      caseId: late.id,
      params: {},
    });
    expect(notice.status).toBe(201);
    expect((await app.admin.post("/api/sla/remedies", { kind: "offer_to_agent", params: {} })).status).toBe(
      400,
    );
  });

  it("widens a waiting case's routing ahead of its overflow steps, and routing follows", async () => {
    const vip = (await app.admin.post("/api/skills", { name: "vip" })).body.id;
    const queue = await app.admin.post("/api/queues", {
      name: "billing desk",
      requiredSkills: [{ skillId: skills.sales, level: 1 }],
      preferredSkills: [{ skillId: vip, level: 5 }],
      overflowSteps: [{ action: "drop_preferred", afterSeconds: 3600 }],
    });
    await app.admin.post("/api/assignment-rules", {
      name: "billing",
      conditions: { keywords: ["invoice"] },
      queueId: queue.body.id,
    });
    for (const person of Object.values(people))
      await app.services.router.setPresence({ agentId: person.id, presence: "available" });
    const waiting = await write("invoice: charged twice");
    expect(waiting.queueId).toBe(queue.body.id);
    // Nobody has the preferred skill: the case waits for its hour-long overflow step, also after
    // one more routing pass of its queue.
    await routingSettled(app, queue.body.id);
    expect(
      Object.values(people).some((p) =>
        p.socket.events.some((e) => e.name === "offer" && e.payload.caseId === waiting.id),
      ),
    ).toBe(false);

    const listed = await app.admin.get(`/api/cases/${waiting.id}/remedies`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const remedies = listed.body.items;
    const widen = remedies.find((r: { kind: string }) => r.kind === "widen_routing");
    expect(widen, JSON.stringify(remedies)).toBeDefined();
    expect(widen.title).toMatch(/drop the preferred skills/);
    expect(widen.predicted.text).toMatch(/^3 available agents \(.+\) can then take it; nobody can now\.$/);

    const applied = await app.admin.post("/api/sla/remedies", {
      kind: "widen_routing",
      caseId: waiting.id,
      params: widen.params,
      predicted: widen.predicted,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    await Promise.race(
      Object.values(people).map((p) => p.socket.waitFor("offer", (o) => o.caseId === waiting.id)),
    );
    const audit = await app.services.db.select().from(caseEvents).where(eq(caseEvents.caseId, waiting.id));
    expect(audit.find((row) => row.type === "remedy_applied")?.details).toMatchObject({
      kind: "widen_routing",
    });
  });

  /** The database refuses matching inserts into `table`, as a violated constraint would, until undone. */
  const refuseInserts = async (table: string, condition: string) => {
    await app.services.db.execute(
      sql.raw(
        "create or replace function sb_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$",
      ),
    );
    await app.services.db.execute(
      sql.raw(
        `create trigger sb_test_refuse before insert on ${table} for each row when (${condition}) execute function sb_test_refuse()`,
      ),
    );
    return () => app.services.db.execute(sql.raw(`drop trigger sb_test_refuse on ${table}`));
  };
  const applyRefused = async (table: string, condition: string, body: Record<string, unknown>) => {
    const undo = await refuseInserts(table, condition);
    try {
      return await app.admin.post("/api/sla/remedies", body);
    } finally {
      await undo();
    }
  };

  it("leaves nothing behind when a remedy fails partway", async () => {
    const french = (await app.admin.post("/api/skills", { name: "french" })).body.id;
    const desk = (
      await app.admin.post("/api/queues", {
        name: "french desk",
        requiredSkills: [{ skillId: french, level: 2 }],
      })
    ).body.id;
    await app.admin.post("/api/assignment-rules", {
      name: "french",
      conditions: { keywords: ["french"] },
      queueId: desk,
    });

    // Skill changes first, the remedy row last: the database refuses the remedy row.
    const skillsOf = (agentId: string) =>
      app.services.db.select().from(agentSkills).where(eq(agentSkills.agentId, agentId));
    const skillsBefore = await skillsOf(people.Ana!.id);
    const move = await applyRefused("remedies", `new.queue_id = '${desk}'`, {
      kind: "move_agents",
      queueId: desk,
      params: { fromQueueId: queues.sales, agentIds: [people.Ana!.id] },
    });
    expect(move.status, JSON.stringify(move.body)).toBe(500);
    expect(await skillsOf(people.Ana!.id)).toEqual(skillsBefore);
    expect(await app.services.db.select().from(remedies).where(eq(remedies.queueId, desk))).toEqual([]);

    // The case changes first, the remedy and its audit row last: the database refuses the audit row.
    const waiting = await write("french: bonjour, ma facture");
    expect(waiting.queueId).toBe(desk);
    const caseBefore = (await app.services.db.select().from(cases).where(eq(cases.id, waiting.id)))[0]!;
    const refusedAudit = `new.case_id = '${waiting.id}' and new.type = 'remedy_applied'`;
    const widen = await applyRefused("case_events", refusedAudit, {
      kind: "widen_routing",
      caseId: waiting.id,
      params: { steps: 1 },
    });
    expect(widen.status, JSON.stringify(widen.body)).toBe(500);
    const raise = await applyRefused("case_events", refusedAudit, {
      kind: "raise_priority",
      caseId: waiting.id,
      params: {},
    });
    expect(raise.status, JSON.stringify(raise.body)).toBe(500);
    const caseAfter = (await app.services.db.select().from(cases).where(eq(cases.id, waiting.id)))[0]!;
    expect(caseAfter).toEqual(caseBefore);
    expect(await app.services.db.select().from(remedies).where(eq(remedies.caseId, waiting.id))).toEqual([]);
    const audit = await app.services.db
      .select({ type: caseEvents.type })
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, waiting.id), eq(caseEvents.type, "edited")));
    expect(audit).toEqual([]);

    // Nothing is refused any more: the same remedy applies, and is recorded.
    const applied = await app.admin.post("/api/sla/remedies", {
      kind: "widen_routing",
      caseId: waiting.id,
      params: { steps: 1 },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  });

  it("refuses params that do not fit the remedy's kind, naming each issue, and applies nothing", async () => {
    const applied = async () => (await app.services.db.select({ id: remedies.id }).from(remedies)).length;
    const before = await applied();
    const someId = randomUUID();
    const wrong: [Record<string, unknown>, string][] = [
      [{ kind: "widen_routing", caseId: someId, params: { steps: 0 } }, "body.params.steps"],
      [{ kind: "widen_routing", caseId: someId, params: { steps: "2" } }, "body.params.steps"],
      [{ kind: "offer_to_agent", caseId: someId, params: { agentId: "bea" } }, "body.params.agentId"],
      [{ kind: "move_agents", queueId: someId, params: { agentIds: [] } }, "body.params.agentIds"],
      [{ kind: "overflow_to_queue", caseId: someId }, "body.params"],
      [{ kind: "raise_priority", caseId: someId, params: { priority: "asap" } }, "body.params.priority"],
    ];
    for (const [body, path] of wrong) {
      const refused = await app.admin.post("/api/sla/remedies", body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body).toEqual({
        error: "validation_failed",
        message: expect.stringContaining(`${path}:`),
        details: { issues: [expect.objectContaining({ path })] },
      });
    }
    expect(await applied()).toBe(before);
  });
});
