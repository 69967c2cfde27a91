/**
 * The report end to end with a controlled clock: real cases go through ingest, an offer, acceptance
 * and resolution with known timings (the timeline of sla-metrics.test.ts), plus SLA outcomes, a
 * rating and a disposition; the report's figures are checked against values worked out by hand,
 * counted live and again from the stored 15-minute intervals.
 */
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { performAction } from "../../cases/replies.ts";
import { cases } from "../../db/schema/cases.ts";
import { queueIntervals, slaEvents, slaPolicies } from "../../db/schema/sla.ts";
import { computeIntervals } from "../../sla/metrics-intervals.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

const T0 = Date.parse("2026-03-02T09:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const DAY = "from=2026-03-01T23:00:00Z&to=2026-03-02T23:00:00Z";

describe("reports", () => {
  let now = at(0);
  let app: TestApp;
  const sockets: RecordingSocket[] = [];
  let supportId = "";
  let alice: Awaited<ReturnType<TestApp["createAgent"]>> & { socket: RecordingSocket };
  let supervisor: Awaited<ReturnType<TestApp["createAgent"]>>;
  const ids: Record<"a" | "b" | "c" | "d", string> = { a: "", b: "", c: "", d: "" };

  const advanceTo = async (seconds: number) => {
    now = at(seconds);
    await app.admin.login(ADMIN.email, ADMIN.password);
  };
  const arrives = async (channel: "chat" | "sms") => {
    const result = await ingest(app.services.cases, {
      channel,
      externalId: `report-${randomUUID()}`,
      from:
        channel === "chat"
          ? { kind: "chat", address: `visitor-${randomUUID()}` }
          : { kind: "phone", address: `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}` },
      body: "Help please",
      queueHint: supportId,
    });
    return result.case.id;
  };
  const offerOf = (caseId: string) => alice.socket.waitFor("offer", (offer) => offer.caseId === caseId);
  const accept = async (caseId: string) => {
    const offer = await offerOf(caseId);
    await app.services.router.acceptOffer({ offerId: offer.offerId, agentId: alice.id });
  };
  const act = (caseId: string, action: "resolve" | "reopen" | "close", actor: "alice" | "system") =>
    performAction(app.services.cases, {
      caseId,
      action,
      actor: actor === "system" ? { type: "system" } : { type: "agent", id: alice.id },
    });
  const report = (query: string) => app.admin.get(`/api/reports?${query}`);

  beforeAll(async () => {
    app = await startTestApp({ clock: () => now, env: { OFFER_TIMEOUT_SECONDS: "3600" } });
    await app.services.db.update(slaPolicies).set({ enabled: false });
    const skill = await app.admin.post("/api/skills", { name: "report-chat" });
    const queue = await app.admin.post("/api/queues", {
      name: "Report support",
      requiredSkills: [{ skillId: skill.body.id, level: 1 }],
      wrapUpSeconds: 30,
      serviceLevelPercent: 80,
      serviceLevelSeconds: 20,
    });
    supportId = queue.body.id;
    const agent = await app.createAgent({ name: "Alice" });
    await app.admin.request("PUT", `/api/agents/${agent.id}/skills`, {
      items: [{ skillId: skill.body.id, level: 5 }],
    });
    alice = { ...agent, socket: await connectAgent(app.url, agent.token) };
    const bob = await app.createAgent({ name: "Bob" });
    sockets.push(alice.socket, await connectAgent(app.url, bob.token));
    supervisor = await app.createAgent({ role: "supervisor", name: "Sue" });
    for (const person of [alice, bob]) await person.api.post("/api/me/presence", { status: "available" });

    ids.a = await arrives("chat");
    await advanceTo(10);
    await accept(ids.a);
    ids.b = await arrives("chat");
    await advanceTo(40);
    await accept(ids.b);
    ids.c = await arrives("sms");
    await offerOf(ids.c);
    await advanceTo(100);
    await act(ids.c, "close", "system");
    await advanceTo(160);
    await act(ids.a, "resolve", "alice");
    await advanceTo(220);
    await act(ids.b, "resolve", "alice");
    await advanceTo(300);
    await act(ids.a, "reopen", "alice");
    await advanceTo(360);
    await act(ids.a, "resolve", "alice");
    await advanceTo(500);
    ids.d = await arrives("sms");
    await offerOf(ids.d);
    await app.services.db.insert(slaEvents).values([
      { caseId: ids.a, targetId: randomUUID(), metric: "first_response", cycle: 1, type: "met", at: at(100) },
      {
        caseId: ids.b,
        targetId: randomUUID(),
        metric: "first_response",
        cycle: 1,
        type: "met_late",
        at: at(200),
      },
      { caseId: ids.c, targetId: randomUUID(), metric: "answer", cycle: 1, type: "breached", at: at(50) },
    ]);
    // A customer rates A with 4; B was a billing question.
    await app.services.db
      .update(cases)
      .set({ csatRating: 4, csatAt: at(400) })
      .where(eq(cases.id, ids.a));
    const code = await app.admin.post("/api/dispositions", { label: "Billing question" });
    await app.services.db.update(cases).set({ dispositionId: code.body.id }).where(eq(cases.id, ids.b));
    await advanceTo(600);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  // Worked out by hand from the timeline (the same as the live metrics' first ten minutes).
  const support = {
    offered: 4,
    answered: 2,
    abandoned: 1,
    serviceLevel: 0.3333,
    asa: 20,
    aht: 160,
    abandonment: 0.3333,
    occupancy: 0.55,
    fcr: 0.5,
    slaMet: 0.3333,
  };

  it("answers one queue's figures, volume by local hour, SLA per target, agents and dispositions", async () => {
    const answer = await report(`${DAY}&timeZone=Europe/Berlin&queueId=${supportId}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const body = answer.body;
    expect(body.period).toEqual({
      from: "2026-03-02T00:00:00+01:00",
      to: "2026-03-03T00:00:00+01:00",
      timeZone: "Europe/Berlin",
      queueId: supportId,
    });
    expect(body.queues).toHaveLength(1);
    expect(body.queues[0]).toMatchObject({
      name: "Report support",
      goal: { percent: 80, seconds: 20 },
      ...support,
    });
    expect(body.queues[0].csat).toEqual({ average: 4, count: 1 });
    expect(body.totals).toMatchObject({ ...support, csat: { average: 4, count: 1 } });
    // Four cases, all in the 10:00 hour in Berlin (09:00 UTC); 24 hours listed.
    expect(body.volume.byHour).toHaveLength(24);
    expect(body.volume.byHour[10]).toEqual({
      start: "2026-03-02T10:00:00+01:00",
      chat: 2,
      email: 0,
      sms: 2,
      voice: 0,
      total: 4,
    });
    expect(body.volume).toMatchObject({ total: 4, byChannel: { chat: 2, email: 0, sms: 2, voice: 0 } });
    expect(body.days).toEqual([{ start: "2026-03-02T00:00:00+01:00", ...support }]);
    expect(body.sla).toEqual([
      { metric: "answer", met: 0, metLate: 0, breached: 1, attainment: 0 },
      { metric: "first_response", met: 1, metLate: 1, breached: 0, attainment: 0.5 },
    ]);
    const aliceRow = body.agents.find((row: { name: string }) => row.name === "Alice");
    // A twice (resolved, reopened, resolved) and B: 150, 180 and 60 s of work, 30 s wrap-up each.
    expect(aliceRow).toMatchObject({ handled: 3, aht: 160, occupancy: 0.55, csat: { average: 4, count: 1 } });
    expect(body.agents.find((row: { name: string }) => row.name === "Bob")).toMatchObject({
      handled: 0,
      aht: null,
      occupancy: 0,
    });
    expect(body.dispositions).toEqual([
      { dispositionId: expect.any(String), label: "Billing question", count: 1, share: 0.5 },
      { dispositionId: null, label: "No disposition", count: 1, share: 0.5 },
    ]);
  });

  it("counts the whole team's time for every queue together", async () => {
    const answer = await report(`${DAY}&timeZone=UTC`);
    expect(answer.status).toBe(200);
    // Bob's idle available time halves occupancy.
    expect(answer.body.totals).toMatchObject({ ...support, occupancy: 0.275 });
    // The period starts at 23:00 UTC: 09:00 is its eleventh hour.
    expect(answer.body.volume.byHour[10]).toMatchObject({ start: "2026-03-02T09:00:00+00:00", total: 4 });
  });

  it("reads settled intervals from their stored rows, to the same figures", async () => {
    await advanceTo(1200);
    const live = (await report(`${DAY}&timeZone=Europe/Berlin&queueId=${supportId}`)).body;
    await computeIntervals(app.services.db, now);
    const stored = (await report(`${DAY}&timeZone=Europe/Berlin&queueId=${supportId}`)).body;
    expect(stored.queues).toEqual(live.queues);
    expect(stored.days).toEqual(live.days);
    // The 09:00 row is what the report reads: a changed row shows.
    await app.services.db
      .update(queueIntervals)
      .set({ figures: sql`jsonb_set(${queueIntervals.figures}, '{offered}', '104')` })
      .where(and(eq(queueIntervals.queueId, supportId), eq(queueIntervals.intervalStart, at(0))));
    const changed = (await report(`${DAY}&timeZone=Europe/Berlin&queueId=${supportId}`)).body;
    expect(changed.queues[0].offered).toBe(104);
  });

  it("refuses a bad zone, a backwards or too long period, and agents", async () => {
    for (const query of [
      `${DAY}&timeZone=Mars/Olympus`,
      "from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z",
      "from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z",
      "from=yesterday&to=2026-03-01T00:00:00Z",
      `${DAY}&queueId=not-a-queue`,
    ]) {
      const answer = await report(query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.message.length, query).toBeGreaterThan(10);
    }
    expect((await report(`${DAY}&queueId=${randomUUID()}`)).status).toBe(404);
    expect((await alice.api.get(`/api/reports?${DAY}`)).status).toBe(403);
    expect((await supervisor.api.get(`/api/reports?${DAY}`)).status).toBe(200);
  });
});
