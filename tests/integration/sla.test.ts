/**
 * SLA targets against the real database with a controlled clock: clocks start, pause while the case
 * waits on the customer and resume with the time carried over; targets are met, met late, flagged
 * at risk and breached by the monitor; two monitors at once write one breach per target; escalation
 * rules act; a change of priority re-targets the clocks.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { addReply, performAction } from "../../cases/replies.ts";
import { connect, type Database } from "../../db/connect.ts";
import { caseEvents, cases } from "../../db/schema/cases.ts";
import { caseSlaTargets, slaEvents } from "../../db/schema/sla.ts";
import { sweepSla } from "../../sla/sla-monitor.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import { connectAgent } from "../helpers/sockets.ts";
import { usingPostgres } from "../helpers/test-db.ts";

const MINUTE = 60_000;

describe("SLA", () => {
  let app: TestApp;
  let agentId = "";
  let now = new Date("2026-06-01T10:00:00Z");
  const advance = (minutes: number) => {
    now = new Date(now.getTime() + minutes * MINUTE);
  };
  let phone = 7000;

  beforeAll(async () => {
    // Sessions follow the fake clock: a long lifetime keeps them valid while time moves on.
    app = await startTestApp({
      clock: () => now,
      env: { STATUS_UPDATES: "false", SESSION_TTL_HOURS: "720" },
    });
    const agent = await app.createAgent({ name: "Sla Sam" });
    agentId = agent.id;
    await app.admin.request("PATCH", `/api/agents/${agentId}`, {
      capacity: { voice: 1, chat: 20, sms: 50, email: 50 },
    });
    const [standard] = (await app.admin.get("/api/sla/policies")).body.items;
    const patched = await app.admin.request("PATCH", `/api/sla/policies/${standard.id}`, {
      targets: {
        normal: {
          first_response: { minutes: 60, business: false },
          next_response: { minutes: 30, business: false },
          resolution: { minutes: 240, business: false },
        },
        high: {
          first_response: { minutes: 20, business: false },
          resolution: { minutes: 120, business: false },
        },
      },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  const newCase = async () => {
    phone += 1;
    return (
      await ingest(app.services.cases, {
        channel: "sms",
        externalId: `SM${randomUUID()}`,
        from: { kind: "phone", address: `+1415777${phone}` },
        body: "Help",
      })
    ).case;
  };
  const targetOf = async (caseId: string, metric: string) =>
    (
      await app.services.db
        .select()
        .from(caseSlaTargets)
        .where(and(eq(caseSlaTargets.caseId, caseId), eq(caseSlaTargets.metric, metric as never)))
    )[0]!;
  const actor = () => ({ type: "agent" as const, id: agentId });

  it("starts clocks with the case and meets the first response on time", async () => {
    const row = await newCase();
    const first = await targetOf(row.id, "first_response");
    expect(first).toMatchObject({ status: "active", targetMinutes: 60 });
    expect(first.dueAt!.toISOString()).toBe(new Date(now.getTime() + 60 * MINUTE).toISOString());
    const [stored] = await app.services.db.select().from(cases).where(eq(cases.id, row.id));
    expect(stored!.slaDueAt!.toISOString()).toBe(first.dueAt!.toISOString());

    await assignCase(app.services, row.id, agentId);
    advance(30);
    await addReply(app.services.cases, { caseId: row.id, agentId, body: "On it" });
    expect(await targetOf(row.id, "first_response")).toMatchObject({ status: "met", dueAt: null });
    const events = await app.services.db.select().from(slaEvents).where(eq(slaEvents.caseId, row.id));
    expect(events.map((e) => e.type)).toEqual(["met"]);
  });

  it("flags at risk, then breached, once each, and a late reply is met late", async () => {
    const row = await newCase();
    await assignCase(app.services, row.id, agentId);
    advance(46); // 14 minutes left of 60: inside the last 25 %
    await sweepSla(app.services.cases);
    expect((await targetOf(row.id, "first_response")).status).toBe("at_risk");
    advance(15);
    await sweepSla(app.services.cases);
    await sweepSla(app.services.cases);
    const breached = await targetOf(row.id, "first_response");
    expect(breached.status).toBe("breached");
    const [stored] = await app.services.db.select().from(cases).where(eq(cases.id, row.id));
    expect(stored!.slaStatus).toBe("breached");
    advance(5);
    await addReply(app.services.cases, { caseId: row.id, agentId, body: "Sorry for the wait" });
    expect((await targetOf(row.id, "first_response")).status).toBe("met_late");
    const events = await app.services.db
      .select()
      .from(slaEvents)
      .where(and(eq(slaEvents.caseId, row.id), eq(slaEvents.metric, "first_response")));
    expect(events.map((e) => e.type).sort()).toEqual(["at_risk", "breached", "met_late"]);
  });

  it("pauses while waiting on the customer and resumes with the time already spent", async () => {
    const row = await newCase();
    await assignCase(app.services, row.id, agentId);
    advance(100);
    await addReply(app.services.cases, { caseId: row.id, agentId, body: "Can you send the order number?" });
    await performAction(app.services.cases, { caseId: row.id, action: "wait_on_customer", actor: actor() });
    const paused = await targetOf(row.id, "resolution");
    expect(paused).toMatchObject({ paused: true, dueAt: null, elapsedMinutes: 100 });
    advance(600); // the customer takes ten hours: it does not count
    await sweepSla(app.services.cases);
    expect((await targetOf(row.id, "resolution")).status).toBe("active");
    await ingest(app.services.cases, {
      channel: "sms",
      externalId: `SM${randomUUID()}`,
      from: { kind: "phone", address: row.customerAddress },
      body: "Here you go",
    });
    const resumed = await targetOf(row.id, "resolution");
    expect(resumed.paused).toBe(false);
    expect(resumed.dueAt!.toISOString()).toBe(new Date(now.getTime() + 140 * MINUTE).toISOString());
    // Their message after our reply started the next-response clock.
    expect((await targetOf(row.id, "next_response")).status).toBe("active");
    advance(20);
    await performAction(app.services.cases, { caseId: row.id, action: "resolve", actor: actor() });
    expect((await targetOf(row.id, "resolution")).status).toBe("met");
  });

  it("writes one breach per target when two monitors run at once", async () => {
    const rows = await Promise.all(Array.from({ length: 6 }, () => newCase()));
    advance(61);
    // Two monitors: on PostgreSQL through separate connection pools, as two processes would.
    let second: Database | undefined;
    if (usingPostgres()) second = await connect({ databaseUrl: app.testDb.url!, maxConnections: 3 });
    const otherDeps = second ? { ...app.services.cases, db: second.db } : app.services.cases;
    const [a, b] = await Promise.all([sweepSla(app.services.cases), sweepSla(otherDeps)]);
    await second?.close();
    for (const row of rows) {
      const breaches = await app.services.db
        .select()
        .from(slaEvents)
        .where(
          and(
            eq(slaEvents.caseId, row.id),
            eq(slaEvents.metric, "first_response"),
            eq(slaEvents.type, "breached"),
          ),
        );
      expect(breaches).toHaveLength(1);
    }
    const flagged = [...a, ...b].filter(
      (f) => rows.some((r) => r.id === f.caseId) && f.metric === "first_response" && f.type === "breached",
    );
    expect(flagged).toHaveLength(6);
  });

  it("re-targets the clocks when the priority changes", async () => {
    const row = await newCase();
    advance(10);
    const changed = await app.admin.request("PATCH", `/api/cases/${row.id}`, {
      priority: "high",
      tags: ["VIP", "vip", "refund"],
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ priority: "high", tags: ["refund", "vip"] });
    const first = await targetOf(row.id, "first_response");
    expect(first.targetMinutes).toBe(20);
    expect(first.dueAt!.toISOString()).toBe(new Date(now.getTime() + 10 * MINUTE).toISOString());
    const audit = await app.services.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, row.id), eq(caseEvents.type, "edited")));
    expect(audit[0]!.details).toMatchObject({ before: { priority: "normal" }, after: { priority: "high" } });
    expect((await app.admin.request("PATCH", `/api/cases/${row.id}`, {})).status).toBe(400);
  });

  it("escalates: tells supervisors, raises the priority, moves the case", async () => {
    const supervisor = await app.createAgent({ role: "supervisor" });
    const wall = await connectAgent(app.url, supervisor.token);
    const rescue = await app.admin.post("/api/queues", { name: "Rescue" });
    for (const rule of [
      { name: "Tell", trigger: "at_risk", metric: "first_response", action: "notify_supervisor" },
      { name: "Bump", trigger: "breached", metric: "first_response", action: "raise_priority" },
      {
        name: "Move",
        trigger: "breached",
        metric: "first_response",
        action: "move_to_queue",
        targetQueueId: rescue.body.id,
      },
    ]) {
      expect((await app.admin.post("/api/sla/escalation-rules", rule)).status).toBe(201);
    }
    expect(
      (
        await app.admin.post("/api/sla/escalation-rules", {
          name: "Bad",
          trigger: "breached",
          action: "move_to_queue",
        })
      ).status,
    ).toBe(400);

    const row = await newCase();
    advance(50);
    const runMonitor = async () => {
      const { escalate } = await import("../../sla/escalation.ts");
      await escalate(app.services.cases, app.services.router, await sweepSla(app.services.cases));
    };
    await runMonitor();
    const told = await wall.waitFor("sla.escalated", (e) => e.caseId === row.id);
    expect(told.message).toMatch(new RegExp(`Case #${row.number}: first response at risk \\(Tell\\)`));
    advance(15);
    await runMonitor();
    const [moved] = await app.services.db.select().from(cases).where(eq(cases.id, row.id));
    expect(moved).toMatchObject({ priority: "high", queueId: rescue.body.id });
    wall.close();
  });

  it("refuses business hours in a time zone nobody knows, naming what it must be", async () => {
    const refused = await app.admin.post("/api/queues", {
      name: "Nowhere",
      businessHours: {
        timeZone: "Mars/Olympus",
        weekly: [{ day: 1, start: "09:00", end: "17:00" }],
        holidays: [],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/timeZone: must be an IANA time zone such as Europe\/Berlin/);
  });

  it("adds a specific policy above the catch-all and says when one can never apply", async () => {
    const targets = { normal: { first_response: { minutes: 5, business: false } } };
    const vip = await app.admin.post("/api/sla/policies", {
      name: "VIP",
      conditions: { tags: ["vip"] },
      targets,
    });
    expect(vip.status, JSON.stringify(vip.body)).toBe(201);
    expect(vip.body.neverApplies).toBeNull();
    const order = async () =>
      ((await app.admin.get("/api/sla/policies")).body.items as { name: string }[]).map((p) => p.name);
    // The seeded catch-all comes after the new, narrower policy: otherwise it would never apply.
    const names = await order();
    expect(names.indexOf("VIP")).toBeLessThan(names.findIndex((name) => name !== "VIP"));

    const vipChats = await app.admin.post("/api/sla/policies", {
      name: "VIP chats",
      conditions: { tags: ["vip"], channels: ["chat"] },
      targets,
    });
    expect(vipChats.status).toBe(201);
    expect(vipChats.body.neverApplies).toContain("'VIP' comes first");

    const items = (await app.admin.get("/api/sla/policies")).body.items as { id: string; name: string }[];
    const ids = items.map((p) => p.id);
    const moved = [vipChats.body.id, ...ids.filter((id) => id !== vipChats.body.id)];
    const reordered = await app.admin.post("/api/sla/policies/order", { ids: moved });
    expect(reordered.status).toBe(200);
    for (const policy of reordered.body.items) expect(policy.neverApplies, policy.name).toBeNull();
    for (const id of [vip.body.id, vipChats.body.id])
      expect((await app.admin.request("DELETE", `/api/sla/policies/${id}`)).status).toBe(204);
  });
});
