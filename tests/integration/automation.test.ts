/**
 * Automation through the real app: an event rule firing on an inbound message with an audit row
 * naming it, first-match against all-match sets, a loop between two rules stopped by the depth
 * guard, a time rule firing when due and not before, a macro applied in one click, a dry-run, and a
 * bad rule refused without writing anything.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepDueRules } from "../../automation/schedule.ts";
import { queryRows } from "../../db/rows.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";
import { jobQueueDrained } from "../helpers/settled.ts";

type Audit = { type: string; details: Record<string, unknown> };

describe("automation", () => {
  let app: TestApp;
  let offsetMs = 0;
  let billingId: string;

  beforeAll(async () => {
    app = await startTestApp({ clock: () => new Date(Date.now() + offsetMs) });
    const billing = await app.admin.post("/api/queues", { name: "Billing (automation)" });
    expect(billing.status, JSON.stringify(billing.body)).toBe(201);
    billingId = billing.body.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  const audits = (caseId: string) =>
    queryRows<Audit>(
      app.services.db,
      sql`select type, details from case_events where case_id = ${caseId} and type in ('automation_rule', 'automation_loop_stopped', 'macro_applied') order by id`,
    );
  const caseRow = async (caseId: string) => (await app.admin.get(`/api/cases/${caseId}`)).body;
  const ruleCount = async () =>
    (
      await queryRows<{ n: number }>(app.services.db, sql`select count(*)::int as n from automation_rules`)
    )[0]!.n;

  async function ruleSet(name: string, mode: "first_match" | "all_match") {
    const created = await app.admin.post("/api/admin/automation/rule-sets", { name, mode });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }
  async function rule(body: Record<string, unknown>) {
    const created = await app.admin.post("/api/admin/automation/rules", body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }
  /** Every rule job so far has run (rules fire off the realtime queue). */
  const settled = () => jobQueueDrained(app, "realtime");

  it("fires an event rule on an inbound message and leaves an audit row naming it", async () => {
    const setId = await ruleSet("Inbound", "all_match");
    await rule({
      ruleSetId: setId,
      name: "Refunds to billing",
      trigger: "event",
      events: ["interaction.created"],
      conditions: [{ field: "message", op: "contains", value: "refund" }],
      actions: [
        { type: "add_tags", tags: ["refund"] },
        { type: "set_queue", queueId: billingId },
      ],
    });
    await rule({
      ruleSetId: setId,
      name: "New SMS",
      trigger: "event",
      events: ["case.created"],
      conditions: [{ field: "channel", op: "in", value: ["sms"] }],
      actions: [{ type: "add_tags", tags: ["new-sms"] }],
    });
    const refund = await newCase(app.services, { body: "I want a REFUND for my order" });
    const other = await newCase(app.services, { body: "Where is my parcel?" });
    await expect.poll(async () => (await audits(refund.id)).length, { timeout: 15_000 }).toBe(2);
    const audit = (await audits(refund.id)).find((a) => a.details.ruleName === "Refunds to billing");
    expect(audit!.details).toMatchObject({ ruleName: "Refunds to billing", event: "interaction.created" });
    expect(audit!.details.actions).toEqual([
      { type: "add_tags", status: "done" },
      { type: "set_queue", status: "done" },
    ]);
    const row = await caseRow(refund.id);
    expect([...row.tags].sort()).toEqual(["new-sms", "refund"]);
    expect(row.queueId ?? row.queue?.id).toBe(billingId);
    await settled();
    expect((await audits(other.id)).map((a) => a.details.ruleName)).toEqual(["New SMS"]);
    expect((await caseRow(other.id)).tags).toEqual(["new-sms"]);
    expect((await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${setId}`)).status).toBe(204);
  });

  it("sets custom fields through their definitions: a value the field refuses fails that action alone", async () => {
    for (const field of [
      { entity: "case", key: "plan", label: "Plan", type: "choice", options: ["gold", "silver"] },
      { entity: "case", key: "seats", label: "Seats", type: "number" },
    ])
      expect((await app.admin.post("/api/admin/custom-fields", field)).status).toBe(201);
    const setId = await ruleSet("Fields", "all_match");
    await rule({
      ruleSetId: setId,
      name: "Gold customers",
      trigger: "event",
      events: ["interaction.created"],
      conditions: [{ field: "message", op: "contains", value: "gold plan" }],
      actions: [
        { type: "set_custom_field", key: "plan", value: "gold" },
        { type: "set_custom_field", key: "seats", value: "many" },
      ],
    });
    const gold = await newCase(app.services, { body: "We are on the gold plan" });
    await expect.poll(async () => (await audits(gold.id)).length, { timeout: 15_000 }).toBe(1);
    const [audit] = await audits(gold.id);
    expect(audit!.details.actions).toEqual([
      { type: "set_custom_field", status: "done" },
      expect.objectContaining({ type: "set_custom_field", status: "failed" }),
    ]);
    expect(JSON.stringify(audit!.details.actions)).toMatch(/Seats/);
    expect((await caseRow(gold.id)).customFields).toEqual({ plan: "gold" });
    expect((await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${setId}`)).status).toBe(204);
  });

  it("sends a rule's reply as automatic, and never to a message that must not get an automatic answer", async () => {
    const setId = await ruleSet("Auto reply", "all_match");
    await rule({
      ruleSetId: setId,
      name: "Acknowledge",
      trigger: "event",
      events: ["interaction.created"],
      conditions: [{ field: "message", op: "contains", value: "ack me" }],
      actions: [{ type: "reply", text: "Thanks {{contact.first_name}}, we have case #{{case.number}}." }],
    });
    const person = await newCase(app.services, { body: "please ack me" });
    const robot = await newCase(app.services, {
      body: "ack me (I am out of office)",
      metadata: { noAutoReply: true, loopReason: "Auto-Submitted: auto-replied" },
    });
    await expect.poll(async () => (await audits(person.id)).length, { timeout: 15_000 }).toBe(1);
    await expect.poll(async () => (await audits(robot.id)).length, { timeout: 15_000 }).toBe(1);
    const outbound = (caseId: string) =>
      queryRows<{ body: string; author_agent_id: string | null; metadata: Record<string, unknown> }>(
        app.services.db,
        sql`select body, author_agent_id, metadata from interactions where case_id = ${caseId} and direction = 'outbound'`,
      );
    const [sent] = await outbound(person.id);
    expect(sent!.body).toBe(`Thanks there, we have case #${person.number}.`);
    expect(sent!.author_agent_id).toBeNull();
    expect(sent!.metadata).toMatchObject({ automatic: true, automation: { ruleName: "Acknowledge" } });
    expect(await outbound(robot.id)).toEqual([]);
    expect((await audits(robot.id))[0]!.details.actions).toEqual([
      {
        type: "reply",
        status: "skipped",
        note: "the customer's message must not be answered automatically (Auto-Submitted: auto-replied)",
      },
    ]);
    await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${setId}`);
  });

  it("runs the first matching rule of a first-match set and every matching rule of an all-match set", async () => {
    const first = await ruleSet("First", "first_match");
    const all = await ruleSet("All", "all_match");
    const onOrder = { trigger: "event", events: ["interaction.created"] };
    const late = [{ field: "message", op: "matches", value: "order.*late" }];
    await rule({
      ruleSetId: first,
      name: "F1",
      ...onOrder,
      conditions: late,
      actions: [{ type: "add_tags", tags: ["f1"] }],
    });
    await rule({
      ruleSetId: first,
      name: "F2",
      ...onOrder,
      conditions: late,
      actions: [{ type: "add_tags", tags: ["f2"] }],
    });
    await rule({
      ruleSetId: all,
      name: "A1",
      ...onOrder,
      conditions: late,
      actions: [{ type: "add_tags", tags: ["a1"] }],
    });
    await rule({
      ruleSetId: all,
      name: "A2",
      ...onOrder,
      conditions: [...late, { field: "channel", op: "in", value: ["sms"] }],
      actions: [{ type: "set_priority", priority: "high" }],
    });
    const created = await newCase(app.services, { body: "My order is very late" });
    await expect.poll(async () => (await audits(created.id)).length, { timeout: 15_000 }).toBe(3);
    await settled();
    const row = await caseRow(created.id);
    expect([...row.tags].sort()).toEqual(["a1", "f1"]);
    expect(row.priority).toBe("high");
    expect((await audits(created.id)).map((a) => a.details.ruleName)).toEqual(["F1", "A1", "A2"]);
    for (const id of [first, all]) await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${id}`);
  });

  it("stops two rules that undo each other after one turn each", async () => {
    const setId = await ruleSet("Ping pong", "all_match");
    const onUpdate = { trigger: "event", events: ["case.updated"] };
    await rule({
      ruleSetId: setId,
      name: "Ping",
      ...onUpdate,
      conditions: [{ field: "tags", op: "includes", value: "ping" }],
      actions: [
        { type: "remove_tags", tags: ["ping"] },
        { type: "add_tags", tags: ["pong"] },
      ],
    });
    await rule({
      ruleSetId: setId,
      name: "Pong",
      ...onUpdate,
      conditions: [{ field: "tags", op: "includes", value: "pong" }],
      actions: [
        { type: "remove_tags", tags: ["pong"] },
        { type: "add_tags", tags: ["ping"] },
      ],
    });
    const created = await newCase(app.services, { body: "loop me" });
    await settled();
    expect((await app.admin.request("PATCH", `/api/cases/${created.id}`, { tags: ["ping"] })).status).toBe(
      200,
    );
    await expect.poll(async () => (await audits(created.id)).length, { timeout: 15_000 }).toBe(2);
    await settled();
    // Each rule ran once for the agent's change; then neither may run again for it.
    const trail = await audits(created.id);
    expect(trail.map((a) => a.details.ruleName)).toEqual(["Ping", "Pong"]);
    expect((await caseRow(created.id)).tags).toEqual(["ping"]);
    await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${setId}`);
  });

  it("stops a chain of rules at depth 3 with an audit row saying so", async () => {
    // First-match, last step first: each change runs exactly one more step of the chain.
    const setId = await ruleSet("Chain", "first_match");
    const step = (from: string, to: string) =>
      rule({
        ruleSetId: setId,
        name: `${from} to ${to}`,
        trigger: "event",
        events: ["case.updated"],
        conditions: [
          { field: "tags", op: "includes", value: from },
          { field: "tags", op: "not_includes", value: to },
        ],
        actions: [{ type: "add_tags", tags: [to] }],
      });
    for (const [from, to] of [
      ["c4", "c5"],
      ["c3", "c4"],
      ["c2", "c3"],
      ["c1", "c2"],
    ])
      await step(from!, to!);
    const created = await newCase(app.services, { body: "chain" });
    await settled();
    expect((await app.admin.request("PATCH", `/api/cases/${created.id}`, { tags: ["c1"] })).status).toBe(200);
    await expect
      .poll(async () => (await audits(created.id)).some((a) => a.type === "automation_loop_stopped"), {
        timeout: 15_000,
      })
      .toBe(true);
    await settled();
    const trail = await audits(created.id);
    expect(trail.map((a) => a.details.ruleName ?? a.type)).toEqual([
      "c1 to c2",
      "c2 to c3",
      "c3 to c4",
      "automation_loop_stopped",
    ]);
    expect(trail.map((a) => a.details.depth)).toEqual([0, 1, 2, 3]);
    expect(trail[3]!.details.rules).toEqual([expect.objectContaining({ ruleName: "c4 to c5" })]);
    expect((await caseRow(created.id)).tags).toEqual(["c1", "c2", "c3", "c4"]);
    await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${setId}`);
  });

  it("applies a macro: the reply goes out as the agent's, tags and state change, one audit row names it", async () => {
    const agent = await app.createAgent({ name: "Maca Cro" });
    const created = await newCase(app.services, { body: "Can you close this?" });
    await assignCase(app.services, created.id, agent.id);
    const macro = await agent.api.post("/api/macros", {
      name: "Solved",
      actions: [
        { type: "reply", text: "Hi {{contact.first_name}}, case #{{case.number}} is solved." },
        { type: "add_tags", tags: ["solved-by-macro"] },
        { type: "set_state", state: "resolved" },
      ],
    });
    expect(macro.status, JSON.stringify(macro.body)).toBe(201);
    expect(macro.body).toMatchObject({ shared: false, ownerAgentId: agent.id });
    const applied = await agent.api.post(`/api/cases/${created.id}/macros/${macro.body.id}/apply`, {});
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.actions.map((a: { status: string }) => a.status)).toEqual(["done", "done", "done"]);
    const row = await caseRow(created.id);
    expect(row.state).toBe("resolved");
    expect(row.tags).toContain("solved-by-macro");
    const [reply] = await queryRows<{
      body: string;
      author_agent_id: string;
      metadata: Record<string, unknown>;
    }>(
      app.services.db,
      sql`select body, author_agent_id, metadata from interactions where case_id = ${created.id} and direction = 'outbound'`,
    );
    expect(reply!.body).toBe(`Hi there, case #${created.number} is solved.`);
    expect(reply!.author_agent_id).toBe(agent.id);
    expect(reply!.metadata.automatic).toBeUndefined();
    expect((await audits(created.id)).map((a) => [a.type, a.details.macroName])).toEqual([
      ["macro_applied", "Solved"],
    ]);

    // Resolving reads the queue's settings; with routing's cache cold they are read inside the
    // macro's transaction (on the embedded database a read outside it would wait for itself).
    const third = await newCase(app.services, { body: "Resolve me" });
    await assignCase(app.services, third.id, agent.id);
    const resolve = await agent.api.post("/api/macros", {
      name: "Resolve",
      actions: [{ type: "set_state", state: "resolved" }],
    });
    app.services.routing.config.invalidate();
    const resolved = await agent.api.post(`/api/cases/${third.id}/macros/${resolve.body.id}/apply`, {});
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect((await caseRow(third.id)).state).toBe("resolved");

    // All or nothing: a macro whose last action cannot be done (assigning to an offline colleague)
    // is refused with the reason, and its reply is not sent either.
    const other = await app.createAgent({ name: "Off Line" });
    const second = await newCase(app.services, { body: "Hand me over" });
    await assignCase(app.services, second.id, agent.id);
    const handOver = await agent.api.post("/api/macros", {
      name: "Hand over",
      actions: [
        { type: "reply", text: "A colleague takes over." },
        { type: "assign", agentId: other.id },
      ],
    });
    const refused = await agent.api.post(`/api/cases/${second.id}/macros/${handOver.body.id}/apply`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/Off Line is offline/);
    const sent = await queryRows<{ n: number }>(
      app.services.db,
      sql`select count(*)::int as n from interactions where case_id = ${second.id} and direction = 'outbound'`,
    );
    expect(sent[0]!.n).toBe(0);
    expect(await audits(second.id)).toEqual([]);
    // Someone else's personal macro is neither listed nor applied for them.
    expect((await other.api.get("/api/macros")).body.items).toEqual([]);
    const shared = await agent.api.post("/api/macros", {
      name: "Team",
      actions: macro.body.actions,
      shared: true,
    });
    expect(shared.status).toBe(403);
  });

  it("dry-runs a rule: the open cases it would match now, with why", async () => {
    const setId = await ruleSet("Dry", "all_match");
    const ruleId = await rule({
      ruleSetId: setId,
      name: "VIP",
      trigger: "event",
      events: ["case.updated"],
      enabled: false,
      conditions: [{ field: "tags", op: "includes", value: "vip-dry" }],
      actions: [{ type: "set_priority", priority: "urgent" }],
    });
    const vip = await newCase(app.services, { body: "vip" });
    const plain = await newCase(app.services, { body: "plain" });
    await app.admin.request("PATCH", `/api/cases/${vip.id}`, { tags: ["vip-dry"] });
    const dry = await app.admin.post(`/api/admin/automation/rules/${ruleId}/dry-run`, {});
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    const ids = dry.body.matched.map((m: { caseId: string }) => m.caseId);
    expect(ids).toContain(vip.id);
    expect(ids).not.toContain(plain.id);
    expect(dry.body.matched.find((m: { caseId: string }) => m.caseId === vip.id).why[0]).toMatch(
      /tags includes 'vip-dry': yes/,
    );
    // Nothing was changed.
    expect((await caseRow(vip.id)).priority).toBe("normal");
    await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${setId}`);
  });

  it("refuses a bad rule with a 400 naming the condition or action, writing nothing", async () => {
    const setId = await ruleSet("Bad", "all_match");
    const before = await ruleCount();
    const base = { ruleSetId: setId, name: "Bad", trigger: "event", events: ["case.created"] };
    const unsafe = await app.admin.post("/api/admin/automation/rules", {
      ...base,
      conditions: [
        { field: "channel", op: "in", value: ["email"] },
        { field: "message", op: "matches", value: "(a+)+$" },
      ],
      actions: [{ type: "add_tags", tags: ["x"] }],
    });
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.message).toMatch(/conditions\.1\.value: cannot repeat a group/);
    const field = await app.admin.post("/api/admin/automation/rules", {
      ...base,
      conditions: [{ field: "colour", op: "eq", value: "red" }],
      actions: [{ type: "add_tags", tags: ["x"] }],
    });
    expect(field.status).toBe(400);
    expect(field.body.message).toMatch(/conditions\.0\.field/);
    const queue = await app.admin.post("/api/admin/automation/rules", {
      ...base,
      actions: [{ type: "set_queue", queueId: "00000000-0000-4000-8000-000000000000" }],
    });
    expect(queue.status).toBe(400);
    expect(queue.body.message).toMatch(/actions\[0\] \(set_queue\): queue .* does not exist/);
    const noEvents = await app.admin.post("/api/admin/automation/rules", {
      ...base,
      events: [],
      actions: [{ type: "add_tags", tags: ["x"] }],
    });
    expect(noEvents.status).toBe(400);
    expect(await ruleCount()).toBe(before);
    const agent = await app.createAgent();
    expect((await agent.api.get("/api/admin/automation/rule-sets")).status).toBe(403);
    await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${setId}`);
  });

  it("fires a time rule once it is due, and not before", async () => {
    const setId = await ruleSet("Time", "all_match");
    await rule({
      ruleSetId: setId,
      name: "Stale after an hour",
      trigger: "time",
      timeAnchor: "created",
      afterMinutes: 60,
      conditions: [{ field: "tags", op: "includes", value: "timed" }],
      actions: [
        { type: "set_priority", priority: "urgent" },
        { type: "note", text: "Waiting for an hour." },
      ],
    });
    const created = await newCase(app.services, { body: "timed" });
    await app.admin.request("PATCH", `/api/cases/${created.id}`, { tags: ["timed"] });
    await settled();
    const schedule = () =>
      queryRows<{ due_at: Date }>(
        app.services.db,
        sql`select due_at from automation_schedule where case_id = ${created.id}`,
      );
    await expect.poll(async () => (await schedule()).length, { timeout: 15_000 }).toBe(1);
    const [row] = await schedule();
    expect(new Date(row!.due_at).getTime()).toBe(new Date(created.createdAt).getTime() + 60 * 60_000);

    // Not due yet: the sweep reads nothing for it.
    await sweepDueRules(app.services.automation);
    expect(await audits(created.id)).toEqual([]);
    expect((await caseRow(created.id)).priority).toBe("normal");

    offsetMs = 61 * 60_000;
    try {
      await expect
        .poll(
          async () => {
            await sweepDueRules(app.services.automation);
            return (await audits(created.id)).length;
          },
          { timeout: 15_000 },
        )
        .toBe(1);
      const [audit] = await audits(created.id);
      expect(audit!.details).toMatchObject({
        ruleName: "Stale after an hour",
        event: "time",
        anchor: "created",
      });
      expect((await caseRow(created.id)).priority).toBe("urgent");
      await settled();
      // Its row is gone and a second sweep fires nothing more.
      await sweepDueRules(app.services.automation);
      expect(await schedule()).toEqual([]);
      expect(await audits(created.id)).toHaveLength(1);
    } finally {
      offsetMs = 0;
    }
    await app.admin.request("DELETE", `/api/admin/automation/rule-sets/${setId}`);
  });

  it("reads due rows through the due_at index, so a sweep's cost follows what is due", async () => {
    const plan = await app.services.db.transaction(async (tx) => {
      // A test table is tiny, where a scan is cheapest: forbid it to see whether the index can serve.
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<{ "QUERY PLAN": string }>(
        tx,
        sql`explain select case_id, rule_id from automation_schedule where due_at <= now() order by due_at limit 200`,
      );
    });
    expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(
      /Index Scan using automation_schedule_due_idx/,
    );
  });
});
