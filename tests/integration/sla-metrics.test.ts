/**
 * Live metrics end to end with a controlled clock: real cases go through ingest, a routing offer,
 * acceptance and resolution with known timings (one abandoned, one reopened), then the live figures,
 * the API, the stored 15-minute intervals (computed twice, and by two callers at once) and the
 * `metrics.live` push to a supervisor's socket are checked against figures worked out by hand.
 */
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { performAction } from "../../cases/replies.ts";
import { queueIntervals, slaEvents, slaPolicies } from "../../db/schema/sla.ts";
import { liveMetrics } from "../../sla/metrics.ts";
import { computeIntervals, listIntervals } from "../../sla/metrics-intervals.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";
import { jobRunsCompleted } from "../helpers/settled.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

const T0 = Date.parse("2026-03-02T09:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

describe("live metrics", () => {
  let now = at(0);
  const clock = () => now;
  let app: TestApp;
  const sockets: RecordingSocket[] = [];
  let supportId = "";
  let alice: Awaited<ReturnType<TestApp["createAgent"]>> & { socket: RecordingSocket };
  let supervisor: Awaited<ReturnType<TestApp["createAgent"]>>;
  const ids: Record<"a" | "b" | "c" | "d", string> = { a: "", b: "", c: "", d: "" };

  /** Moves the clock; sessions follow it, so the admin signs in again. */
  const advanceTo = async (seconds: number) => {
    now = at(seconds);
    await app.admin.login(ADMIN.email, ADMIN.password);
  };
  const arrives = async (channel: "chat" | "sms") => {
    const result = await ingest(app.services.cases, {
      channel,
      externalId: `metrics-${randomUUID()}`,
      from:
        channel === "chat"
          ? { kind: "chat", address: `visitor-${randomUUID()}` }
          : { kind: "phone", address: `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}` },
      body: "Help please",
      queueHint: supportId,
    });
    expect(result.case.queueId).toBe(supportId);
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
  const support = async () => {
    const metrics = await liveMetrics(app.services.db, now, { timeZone: "UTC" });
    return { metrics, queue: metrics.queues.find((q) => q.queueId === supportId)! };
  };

  beforeAll(async () => {
    // Offers wait an hour: the clock jumps minutes at a time and no offer may lapse meanwhile.
    app = await startTestApp({ clock, env: { OFFER_TIMEOUT_SECONDS: "3600" } });
    // SLA events are written by hand below, so the SLA figure is known; the seeded policy would add its own.
    await app.services.db.update(slaPolicies).set({ enabled: false });
    const skill = await app.admin.post("/api/skills", { name: "metrics-chat" });
    const queue = await app.admin.post("/api/queues", {
      name: "Metrics support",
      requiredSkills: [{ skillId: skill.body.id, level: 1 }],
      wrapUpSeconds: 30,
      serviceLevelPercent: 80,
      serviceLevelSeconds: 20,
    });
    expect(queue.status, JSON.stringify(queue.body)).toBe(201);
    supportId = queue.body.id;

    const agent = await app.createAgent({ name: "Alice" });
    const skills = [{ skillId: skill.body.id, level: 5 }];
    expect((await app.admin.request("PUT", `/api/agents/${agent.id}/skills`, { items: skills })).status).toBe(
      200,
    );
    alice = { ...agent, socket: await connectAgent(app.url, agent.token) };
    // Bob holds no skill: he counts for the team's occupancy, not for the support queue's.
    const bob = await app.createAgent({ name: "Bob" });
    sockets.push(alice.socket, await connectAgent(app.url, bob.token));
    supervisor = await app.createAgent({ role: "supervisor", name: "Sue" });
    for (const person of [alice, bob])
      expect((await person.api.post("/api/me/presence", { status: "available" })).status).toBe(200);

    // 09:00:00 A arrives and is offered to Alice, who takes it after 10 s (within the 20 s goal).
    ids.a = await arrives("chat");
    await advanceTo(10);
    await accept(ids.a);
    // 09:00:10 B arrives; taken after 30 s (outside the goal).
    ids.b = await arrives("chat");
    await advanceTo(40);
    await accept(ids.b);
    // 09:00:40 C arrives and is offered; the customer is gone a minute later.
    ids.c = await arrives("sms");
    await offerOf(ids.c);
    await advanceTo(100);
    await act(ids.c, "close", "system");
    // A resolved after 150 s of work, B after 180 s; each chat adds 30 s of wrap-up.
    await advanceTo(160);
    await act(ids.a, "resolve", "alice");
    await advanceTo(220);
    await act(ids.b, "resolve", "alice");
    // A is reopened to Alice and resolved again a minute later: not a first-contact resolution.
    await advanceTo(300);
    await act(ids.a, "reopen", "alice");
    await advanceTo(360);
    await act(ids.a, "resolve", "alice");
    // 09:08:20 D arrives and is still waiting (offered) when the figures are read.
    await advanceTo(500);
    ids.d = await arrives("sms");
    await offerOf(ids.d);
    // SLA targets as the monitor records them: one met, one met late, one breached and never met.
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
    await advanceTo(600);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  // Worked out by hand from the timeline above.
  const firstTenMinutes = {
    offered: 4,
    answered: 2,
    abandoned: 1,
    serviceLevel: 0.3333,
    asa: 20,
    aht: 160,
    abandonment: 0.3333,
    // Alice available 600 s, busy (work or wrap-up) 09:00:10–09:04:10 and 09:05:00–09:06:30.
    occupancy: 0.55,
    fcr: 0.5,
    slaMet: 0.3333,
  };

  it("computes each queue's and the team's figures from what happened", async () => {
    const { metrics, queue } = await support();
    expect(queue.goal).toEqual({ percent: 80, seconds: 20 });
    expect(queue.today).toEqual(firstTenMinutes);
    expect(queue.last15m).toEqual(firstTenMinutes);
    expect(queue.last60m).toEqual(firstTenMinutes);
    expect(queue.backlog).toEqual({ waiting: 1, oldestAgeSeconds: 100, medianAgeSeconds: 100 });
    // The team: the same cases, and Bob's idle available time halves occupancy.
    expect(metrics.team.today).toEqual({ ...firstTenMinutes, occupancy: 0.275 });
    expect(metrics.team.backlog).toEqual({ waiting: 1, oldestAgeSeconds: 100, medianAgeSeconds: 100 });
    const general = metrics.queues.find((q) => q.name === "General")!;
    expect(general.today).toMatchObject({ offered: 0, answered: 0, serviceLevel: null, occupancy: 0.275 });
  });

  it("answers the same figures on the API, to supervisors only", async () => {
    const answer = await supervisor.api.get("/api/metrics/live");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify((await support()).metrics)));
    expect((await alice.api.get("/api/metrics/live")).status).toBe(403);
  });

  it("slides the rolling windows while today keeps everything", async () => {
    await advanceTo(1200);
    const { queue } = await support();
    // 09:05–09:20: A's second resolution (60 s + 30 s wrap-up) and D's arrival only.
    expect(queue.last15m).toEqual({
      offered: 1,
      answered: 0,
      abandoned: 0,
      serviceLevel: null,
      asa: null,
      aht: 90,
      abandonment: null,
      occupancy: 0.1,
      fcr: 0,
      slaMet: null,
    });
    expect(queue.today).toEqual({ ...firstTenMinutes, occupancy: 0.275 });
    expect(queue.last60m).toEqual(queue.today);
    expect(queue.backlog).toMatchObject({ waiting: 1, oldestAgeSeconds: 700 });
  });

  it("stores 15-minute intervals, the same rows when computed twice or by two callers at once", async () => {
    // The clock stands at 09:20: 09:00–09:15 has ended and settled, 09:15 is under way.
    const first = await computeIntervals(app.services.db, now);
    expect(first.intervals.map((d) => d.toISOString())).toContain("2026-03-02T09:15:00.000Z");
    const query = { queueId: supportId, from: at(0), to: at(1800) };
    const rows = await listIntervals(app.services.db, query);
    expect(rows.map((row) => [row.intervalStart.toISOString(), row.provisional])).toEqual([
      ["2026-03-02T09:00:00.000Z", false],
      ["2026-03-02T09:15:00.000Z", true],
    ]);
    expect(rows[0]!.figures).toEqual({
      ...firstTenMinutes,
      carriedIn: 0,
      answeredWithinTarget: 1,
      answerSeconds: 40,
      handled: 3,
      handleSeconds: 480,
      availableSeconds: 900,
      occupiedSeconds: 330,
      occupancy: 0.3667,
      resolved: 2,
      resolvedFirstContact: 1,
      slaCompleted: 3,
      slaMetOnTime: 1,
      goalPercent: 80,
      goalSeconds: 20,
      // Alice's and Bob's 900 s each.
      teamAvailableSeconds: 1800,
      teamOccupiedSeconds: 330,
    });
    expect(rows[1]!.figures).toMatchObject({ offered: 0, availableSeconds: 300, occupancy: 0, aht: null });

    // 09:00 is final now, so a second run recomputes only the current interval, to the same figures.
    const second = await computeIntervals(app.services.db, now);
    expect(second.intervals.map((d) => d.toISOString())).toEqual(["2026-03-02T09:15:00.000Z"]);
    await Promise.all([computeIntervals(app.services.db, now), computeIntervals(app.services.db, now)]);
    expect(await listIntervals(app.services.db, query)).toEqual(rows);

    const answer = await supervisor.api.get(
      `/api/metrics/intervals?queueId=${supportId}&from=${at(0).toISOString()}&to=${at(1800).toISOString()}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.intervals).toHaveLength(2);
    expect(answer.body.intervals[0]).toMatchObject({
      queueId: supportId,
      intervalStart: "2026-03-02T09:00:00.000Z",
      intervalEnd: "2026-03-02T09:15:00.000Z",
      provisional: false,
      figures: { offered: 4, serviceLevel: 0.3333, occupancy: 0.3667 },
    });
    // What was answered or abandoned in an interval arrived in it or was carried over into it.
    for (const { figures } of answer.body.intervals)
      expect(figures.answered + figures.abandoned).toBeLessThanOrEqual(figures.offered + figures.carriedIn);
    // Today now reads the settled 09:00 interval from its row and counts only 09:15–09:20 live.
    const live = await support();
    expect(live.queue.today).toEqual({ ...firstTenMinutes, occupancy: 0.275 });
    expect(live.metrics.team.today).toEqual({ ...firstTenMinutes, occupancy: 0.1375 });
    const settled = and(eq(queueIntervals.queueId, supportId), eq(queueIntervals.intervalStart, at(0)));
    await app.services.db
      .update(queueIntervals)
      .set({ figures: sql`jsonb_set(${queueIntervals.figures}, '{offered}', '104')` })
      .where(settled);
    expect((await support()).queue.today.offered).toBe(104);
    await app.services.db.update(queueIntervals).set({ figures: rows[0]!.figures }).where(settled);

    const all = await supervisor.api.get(
      `/api/metrics/intervals?from=${at(0).toISOString()}&to=${at(900).toISOString()}`,
    );
    expect(all.body.intervals.map((row: { queueId: string }) => row.queueId)).toContain(supportId);
  });

  it("refuses bad interval queries with a reason", async () => {
    const ask = (query: string) => supervisor.api.get(`/api/metrics/intervals?${query}`);
    const from = at(0).toISOString();
    const cases: [string, number, RegExp][] = [
      [`from=${from}&to=${at(-60).toISOString()}`, 400, /to: must be after `from`/],
      [`from=${from}&to=${new Date(T0 + 32 * 86_400_000).toISOString()}`, 400, /at most 31 days/],
      ["from=yesterday", 400, /querystring.from/],
      ["queueId=42", 400, /queueId: must be a queue id/],
      [`queueId=${randomUUID()}&from=${from}&to=${at(900).toISOString()}`, 404, /Queue '.*' does not exist/],
      [
        `to=${new Date(T0 - 40 * 86_400_000).toISOString()}&from=${new Date(T0 - 80 * 86_400_000).toISOString()}`,
        400,
        /31 days/,
      ],
    ];
    for (const [query, status, message] of cases) {
      const answer = await ask(query);
      expect(answer.status, query).toBe(status);
      expect(answer.body.message, query).toMatch(message);
    }
    expect((await alice.api.get(`/api/metrics/intervals?from=${from}`)).status).toBe(403);
  });

  it("pushes metrics.live to supervisors at most once a second, and nothing while figures stand still", {
    timeout: 60_000,
  }, async () => {
    const socket = await connectAgent(app.url, supervisor.token);
    sockets.push(socket);
    const received: number[] = [];
    socket.socket.on("metrics.live", () => received.push(Date.now()));
    // A busy floor: the clock runs (ages grow, windows slide), so the figures change before every
    // run of the pusher. Until three pushes have arrived (or twelve runs, which would fail below).
    for (let runs = 0; runs < 12 && received.length < 3; runs++) {
      now = new Date(now.getTime() + 1000);
      await jobRunsCompleted(app, "push-live-metrics", 1);
    }
    expect(received.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < received.length; i++)
      expect(received[i]! - received[i - 1]!).toBeGreaterThanOrEqual(1000);
    const last = socket.events.filter((event) => event.name === "metrics.live").at(-1)!.payload;
    expect(last.queues.find((q: { queueId: string }) => q.queueId === supportId).today.offered).toBe(4);

    // The clock stops: after one push of the final figures, nothing more. Two runs on the stopped
    // clock (the first may push the final figures; the second, a whole interval later, must not),
    // then three more runs on the same figures.
    await jobRunsCompleted(app, "push-live-metrics", 2);
    const settled = received.length;
    await jobRunsCompleted(app, "push-live-metrics", 3);
    expect(received.length).toBe(settled);
  });
});
