/**
 * Skill-based routing end to end, configured through the API, offers received over real sockets:
 * required skills, each overflow step, skip-if-no-agents, sticky agents, aging, assignment rules,
 * transfer, get-next, supervisor assignment, wrap-up, and live queue figures.
 */
import { randomUUID } from "node:crypto";
import { eq, ne } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { performAction } from "../../cases/replies.ts";
import { agents } from "../../db/schema/agents.ts";
import { caseEvents, cases, interactions } from "../../db/schema/cases.ts";
import { rooms } from "../../server/realtime/publisher.ts";
import type { Api } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { jobRunsCompleted } from "../helpers/settled.ts";
import { connectAgent, connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

describe("skill-based routing", () => {
  let app: TestApp;
  const sockets: RecordingSocket[] = [];
  const skillIds: Record<string, string> = {};
  let phone = 3000;

  beforeAll(async () => {
    app = await startTestApp({ env: { OFFER_TIMEOUT_SECONDS: "20", SWEEP_INTERVAL_SECONDS: "1" } });
    for (const name of ["spanish", "billing", "vip", "sales", "support"]) {
      const created = await app.admin.post("/api/skills", { name });
      expect(created.status).toBe(201);
      skillIds[name] = created.body.id;
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });
  // Each test starts with nobody available and nothing waiting.
  afterEach(async () => {
    for (const { id } of await app.services.db.select({ id: agents.id }).from(agents)) {
      await app.services.router.setPresence({ agentId: id, presence: "offline" });
    }
    for (const { id } of await app.services.db
      .select({ id: cases.id })
      .from(cases)
      .where(ne(cases.state, "closed"))) {
      await performAction(app.services.cases, { caseId: id, action: "close", actor: { type: "system" } });
    }
  });

  /** A queue and a rule sending messages that contain `keyword` to it. */
  const queueFor = async (keyword: string, config: Record<string, unknown>) => {
    const queue = await app.admin.post("/api/queues", {
      name: `Queue ${keyword} ${randomUUID().slice(0, 6)}`,
      ...config,
    });
    expect(queue.status, JSON.stringify(queue.body)).toBe(201);
    const rule = await app.admin.post("/api/assignment-rules", {
      name: keyword,
      conditions: { keywords: [keyword] },
      queueId: queue.body.id,
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    return queue.body.id as string;
  };

  const agentWith = async (
    name: string,
    levels: Record<string, number>,
    options: { available?: boolean } = {},
  ) => {
    const agent = await app.createAgent({ name });
    const items = Object.entries(levels).map(([skill, level]) => ({ skillId: skillIds[skill], level }));
    expect((await app.admin.request("PUT", `/api/agents/${agent.id}/skills`, { items })).status).toBe(200);
    const socket = await connectAgent(app.url, agent.token);
    sockets.push(socket);
    if (options.available !== false)
      expect((await agent.api.post("/api/me/presence", { status: "available" })).status).toBe(200);
    return { ...agent, socket };
  };

  const customerWrites = async (body: string, from?: string) => {
    phone += 1;
    const result = await ingest(app.services.cases, {
      channel: "sms",
      externalId: `SM${randomUUID()}`,
      from: { kind: "phone", address: from ?? `+1415666${phone}` },
      to: "+14155550100",
      body,
    });
    return result.case;
  };

  const required = (skill: string, level: number) => ({ skillId: skillIds[skill], level });

  it("offers a case only to agents holding its required skills at the level", async () => {
    const queueId = await queueFor("hola", { requiredSkills: [required("spanish", 3)] });
    const novice = await agentWith("Novice", { spanish: 2 });
    const fluent = await agentWith("Fluent", { spanish: 5 });
    const row = await customerWrites("hola, necesito ayuda");
    expect(row.queueId).toBe(queueId);
    const offer = await fluent.socket.waitFor("offer", (o) => o.caseId === row.id);
    expect(offer.queueId).toBe(queueId);
    expect(novice.socket.events.some((e) => e.name === "offer" && e.payload.caseId === row.id)).toBe(false);
  });

  it("drops preferred skills after their wait", async () => {
    await queueFor("invoice", {
      requiredSkills: [required("billing", 1)],
      preferredSkills: [required("vip", 5)],
      overflowSteps: [{ action: "drop_preferred", afterSeconds: 2 }],
    });
    const clerk = await agentWith("Clerk", { billing: 3 });
    const row = await customerWrites("question about my invoice");
    const offer = await clerk.socket.waitFor("offer", (o) => o.caseId === row.id);
    const waited = Date.parse(offer.expiresAt) - 20_000 - Date.parse(offer.waitingSince);
    expect(waited).toBeGreaterThanOrEqual(1900);
  });

  it("lowers required levels after their wait", async () => {
    await queueFor("refund", {
      requiredSkills: [required("billing", 5)],
      overflowSteps: [{ action: "lower_required", by: 3, afterSeconds: 2 }],
    });
    const junior = await agentWith("Junior", { billing: 2 });
    const row = await customerWrites("I want a refund");
    const offer = await junior.socket.waitFor("offer", (o) => o.caseId === row.id);
    // Offered only once the 2 s step had lowered billing 5 to 2: not on arrival.
    const waited = Date.parse(offer.expiresAt) - 20_000 - Date.parse(offer.waitingSince);
    expect(waited).toBeGreaterThanOrEqual(1900);
  });

  it("widens a case to an overflow queue's agents after the wait", async () => {
    const supportQueue = await queueFor("zzsupportonly", { requiredSkills: [required("support", 1)] });
    await queueFor("upgrade", {
      requiredSkills: [required("sales", 1)],
      overflowSteps: [{ action: "add_queue", queueId: supportQueue, afterSeconds: 1 }],
    });
    const helper = await agentWith("Helper", { support: 2 });
    const row = await customerWrites("I want to upgrade my plan");
    await helper.socket.waitFor("offer", (o) => o.caseId === row.id);
  });

  it("skips a step's wait when nobody is available for the criteria before it", async () => {
    await queueFor("priorityline", {
      requiredSkills: [required("billing", 1)],
      preferredSkills: [required("vip", 5)],
      overflowSteps: [{ action: "drop_preferred", afterSeconds: 600, skipIfNoAgents: true }],
    });
    const clerk = await agentWith("Skip Clerk", { billing: 1 });
    const row = await customerWrites("priorityline please");
    // No VIP agent exists at all, so the 10-minute wait is skipped.
    await clerk.socket.waitFor("offer", (o) => o.caseId === row.id, 5000);
  });

  it("keeps a returning customer's case for their last agent for the sticky time", async () => {
    await queueFor("again", { stickySeconds: 3 });
    const first = await agentWith("Sticky First", {});
    const customer = "+14157770001";
    const earlier = await customerWrites("again, first time", customer);
    const offer1 = await first.socket.waitFor("offer", (o) => o.caseId === earlier.id);
    expect((await first.socket.emitWithAck("offer.accept", { offerId: offer1.offerId })).ok).toBe(true);
    expect((await first.api.post(`/api/cases/${earlier.id}/actions`, { action: "close" })).status).toBe(200);
    // Another agent has been idle longer, but the case waits for the first one (who is away for now).
    await first.api.post("/api/me/presence", { status: "away" });
    const other = await agentWith("Sticky Other", {});
    const again = await customerWrites("again, second time", customer);
    expect(again.stickyAgentId).toBe(first.id);
    await first.api.post("/api/me/presence", { status: "available" });
    await first.socket.waitFor("offer", (o) => o.caseId === again.id, 5000);
    expect(other.socket.events.some((e) => e.name === "offer" && e.payload.caseId === again.id)).toBe(false);
  });

  it("gives a sticky case to someone else once the sticky time has passed", async () => {
    await queueFor("later", { stickySeconds: 1 });
    const gone = await agentWith("Gone", {}, { available: false });
    await app.services.router.setPresence({ agentId: gone.id, presence: "away" });
    const customer = "+14157770002";
    const earlier = await customerWrites("later, first", customer);
    await app.services.router.transfer({ caseId: earlier.id, toAgentId: gone.id, actor: { type: "system" } });
    await performAction(app.services.cases, {
      caseId: earlier.id,
      action: "close",
      actor: { type: "system" },
    });
    const standIn = await agentWith("Stand-in", {});
    const again = await customerWrites("later, again", customer);
    expect(again.stickyAgentId).toBe(gone.id);
    const offer = await standIn.socket.waitFor("offer", (o) => o.caseId === again.id, 8000);
    expect(
      Date.parse(offer.expiresAt) - 20_000 - Date.parse(again.createdAt.toISOString()),
    ).toBeGreaterThanOrEqual(900);
  });

  it("ages waiting cases so an old low-priority case overtakes a newer high-priority one", async () => {
    const queueId = await queueFor("aging", { agingSteps: [{ afterSeconds: 5, raiseBy: 3 }] });
    const rule = await app.admin.post("/api/assignment-rules", {
      name: "urgent aging",
      conditions: { keywords: ["agingurgent"] },
      queueId,
      setPriority: "high",
    });
    expect(rule.status).toBe(201);
    const old = await customerWrites("aging: low and old");
    // It has waited 10 s (aged); the new one would need 5 s to age too, more than a slow machine takes.
    await app.services.db
      .update(cases)
      .set({ priority: "low", enqueuedAt: new Date(Date.now() - 10_000) })
      .where(eq(cases.id, old.id));
    const fresh = await customerWrites("agingurgent: high and new");
    expect(fresh.priority).toBe("high");
    const solo = await agentWith("Solo", {});
    await app.services.db
      .update(agents)
      .set({ capacity: { voice: 1, chat: 3, sms: 1, email: 5 } })
      .where(eq(agents.id, solo.id));
    const first = await solo.socket.waitFor("offer");
    expect(first.caseId).toBe(old.id);
  });

  it("routes by address, contact attribute and priority rules, first match winning", async () => {
    const vipQueue = (await app.admin.post("/api/queues", { name: "VIP desk" })).body.id;
    const lineQueue = (await app.admin.post("/api/queues", { name: "Hotline" })).body.id;
    const rules = await app.admin.get("/api/assignment-rules");
    const vip = await app.admin.post("/api/assignment-rules", {
      name: "vip",
      conditions: { contactAttributes: { tier: "vip" } },
      queueId: vipQueue,
      setPriority: "urgent",
    });
    const line = await app.admin.post("/api/assignment-rules", {
      name: "hotline",
      conditions: { addresses: ["+14155550199"] },
      queueId: lineQueue,
    });
    // VIP first.
    const order = await app.admin.post("/api/assignment-rules/order", {
      ids: [vip.body.id, ...rules.body.items.map((r: { id: string }) => r.id), line.body.id],
    });
    expect(order.status).toBe(200);
    const known = await customerWrites("hello", "+14157770010");
    await app.services.db
      .update((await import("../../db/schema/contacts.ts")).contacts)
      .set({ attributes: { tier: "vip" } })
      .where(eq((await import("../../db/schema/contacts.ts")).contacts.id, known.contactId));
    await performAction(app.services.cases, { caseId: known.id, action: "close", actor: { type: "system" } });
    const vipCase = await customerWrites("hello again", "+14157770010");
    expect(vipCase).toMatchObject({ queueId: vipQueue, priority: "urgent" });
    const lineCase = await ingest(app.services.cases, {
      channel: "sms",
      externalId: `SM${randomUUID()}`,
      from: { kind: "phone", address: "+14157770011" },
      to: "+14155550199",
      body: "calling the hotline",
    });
    expect(lineCase.case.queueId).toBe(lineQueue);
    const plain = await customerWrites("nothing special");
    const [defaultQueue] = (await app.admin.get("/api/queues")).body.items.filter(
      (q: { isDefault: boolean }) => q.isDefault,
    );
    expect(plain.queueId).toBe(defaultQueue.id);
  });

  it("transfers to an agent with a note, and to a queue whose agents then get it", async () => {
    const billingQueue = await queueFor("xfer-billing", { requiredSkills: [required("billing", 1)] });
    const first = await agentWith("Xfer First", {});
    const row = await customerWrites("generic question for transfer");
    const offer = await first.socket.waitFor("offer", (o) => o.caseId === row.id);
    await first.socket.emitWithAck("offer.accept", { offerId: offer.offerId });

    const colleague = await agentWith("Xfer Colleague", {}, { available: false });
    await colleague.api.post("/api/me/presence", { status: "away" });
    const toAgent = await first.api.post(`/api/cases/${row.id}/transfer`, {
      toAgentId: colleague.id,
      note: "Knows this customer",
    });
    expect(toAgent.status, JSON.stringify(toAgent.body)).toBe(200);
    expect(toAgent.body).toMatchObject({ state: "assigned", assigneeId: colleague.id });
    const notes = await app.services.db.select().from(interactions).where(eq(interactions.caseId, row.id));
    expect(notes.find((n) => n.kind === "note")?.body).toBe("Knows this customer");
    // The first agent no longer holds it and may not move it again.
    expect((await first.api.post(`/api/cases/${row.id}/transfer`, { toQueueId: billingQueue })).status).toBe(
      403,
    );

    const biller = await agentWith("Xfer Biller", { billing: 4 });
    const toQueue = await colleague.api.post(`/api/cases/${row.id}/transfer`, {
      toQueueId: billingQueue,
      note: "Billing issue",
    });
    // Routing runs right after the transfer commits, so the case may already be offered.
    expect(toQueue.body).toMatchObject({ queueId: billingQueue, assigneeId: null });
    expect(["queued", "offered"]).toContain(toQueue.body.state);
    const billerOffer = await biller.socket.waitFor("offer", (o) => o.caseId === row.id);
    // Nobody answered the customer yet: they have waited since their first message, not since the transfer.
    expect(billerOffer.waitingSince).toBe(new Date(row.createdAt).toISOString());
    const trail = await app.services.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id));
    expect(trail.filter((e) => (e.details as { transfer?: boolean }).transfer)).toHaveLength(2);
  });

  it("lets an agent pull the next case and refuses a supervisor assignment over capacity", async () => {
    const queueId = await queueFor("pullme", {});
    const puller = await agentWith("Puller", {}, { available: false });
    const row = await customerWrites("pullme please");
    expect(row.queueId).toBe(queueId);
    expect((await puller.api.post("/api/me/next")).status).toBe(409);
    await app.services.db
      .update(agents)
      .set({ capacity: { voice: 1, chat: 3, sms: 1, email: 5 } })
      .where(eq(agents.id, puller.id));
    // Available, but routing must not race the pull: nobody else is available and the pull assigns at once.
    await puller.api.post("/api/me/presence", { status: "away" });
    await app.services.router.setPresence({ agentId: puller.id, presence: "available" });
    const pulled = await puller.api.post("/api/me/next");
    if (pulled.body.case)
      expect(pulled.body.case).toMatchObject({ id: row.id, assigneeId: puller.id, state: "assigned" });
    else await puller.socket.waitFor("offer", (o) => o.caseId === row.id);

    const supervisor = await app.createAgent({ role: "supervisor" });
    const another = await customerWrites("pullme again");
    const refused = await supervisor.api.post(`/api/cases/${another.id}/assign`, { agentId: puller.id });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/has no room for another sms case \(1 of 1\)/);
    // Pulling says why nothing comes: the one SMS the agent could take needs room they do not have.
    const nothing = await puller.api.post("/api/me/next");
    expect(nothing.status).toBe(200);
    expect(nothing.body.case).toBeNull();
    expect(nothing.body.nothing).toMatchObject({
      code: "at_capacity",
      message: expect.stringMatching(/SMS and WhatsApp messages 1 of 1/),
    });
    expect((await puller.api.post(`/api/cases/${another.id}/assign`, { agentId: puller.id })).status).toBe(
      403,
    );
  });

  it("lets an agent take a waiting case they may work from its page", async () => {
    await queueFor("takeme", { requiredSkills: [required("billing", 2)] });
    const taker = await agentWith("Taker", { billing: 3 }, { available: false });
    await taker.api.post("/api/me/presence", { status: "away" });
    const outsider = await agentWith("Outsider", {}, { available: false });
    await outsider.api.post("/api/me/presence", { status: "away" });
    const waiting = await customerWrites("takeme: my bill");

    // Not in a queue they serve: refused, nothing changes.
    const refused = await outsider.api.post(`/api/cases/${waiting.id}/take`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });

    const taken = await taker.api.post(`/api/cases/${waiting.id}/take`);
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(taken.body).toMatchObject({ id: waiting.id, assigneeId: taker.id, state: "assigned" });

    // Offered to a colleague right now: theirs to answer first, and the refusal says so.
    const colleague = await agentWith("Colleague", { billing: 3 });
    const offeredCase = await customerWrites("takeme: a second bill");
    await colleague.socket.waitFor("offer", (o) => o.caseId === offeredCase.id);
    const second = await taker.api.post(`/api/cases/${offeredCase.id}/take`);
    expect(second.status).toBe(403);
    expect(second.body.message).toMatch(/being offered to another agent/);

    // At capacity: 409 naming the channel.
    await app.services.db
      .update(agents)
      .set({ capacity: { voice: 1, chat: 3, sms: 1, email: 5 } })
      .where(eq(agents.id, taker.id));
    await colleague.api.post("/api/me/presence", { status: "offline" });
    const third = await customerWrites("takeme: a third bill");
    const full = await taker.api.post(`/api/cases/${third.id}/take`);
    expect(full.status).toBe(409);
    expect(full.body.message).toMatch(/no room for another sms case \(1 of 1\)/);
  });

  it("keeps a just-finished chat agent in wrap-up before the next offer", async () => {
    await queueFor("wrapchat", { wrapUpSeconds: 2 });
    const chatter = await agentWith("Chatter", {});
    const visitor = await connectVisitor(app.url);
    sockets.push(visitor);
    await visitor.emitWithAck("hello", {});
    const first = await visitor.emitWithAck("message", { body: "wrapchat one" });
    const offer = await chatter.socket.waitFor("offer", (o) => o.caseId === first.caseId);
    await chatter.socket.emitWithAck("offer.accept", { offerId: offer.offerId });
    const resolvedAt = Date.now();
    expect((await chatter.api.post(`/api/cases/${first.caseId}/actions`, { action: "close" })).status).toBe(
      200,
    );
    const [row] = await app.services.db.select().from(agents).where(eq(agents.id, chatter.id));
    expect(row!.wrapUpUntil!.getTime()).toBeGreaterThan(resolvedAt + 1000);
    const other = await connectVisitor(app.url);
    sockets.push(other);
    await other.emitWithAck("hello", {});
    const second = await other.emitWithAck("message", { body: "wrapchat two" });
    await chatter.socket.waitFor("offer", (o) => o.caseId === second.caseId, 8000);
    expect(Date.now() - resolvedAt).toBeGreaterThanOrEqual(1900);
  });

  it("pushes live queue figures to supervisors and the place in line to a waiting visitor", async () => {
    const queueId = await queueFor("liveq", {});
    const quietQueueId = await queueFor("quietq", {});
    const supervisor = await app.createAgent({ role: "supervisor" });
    const wall = await connectAgent(app.url, supervisor.token);
    sockets.push(wall);
    const visitors: RecordingSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const visitor = await connectVisitor(app.url);
      sockets.push(visitor);
      visitors.push(visitor);
      await visitor.emitWithAck("hello", {});
      await visitor.emitWithAck("message", { body: `liveq number ${i}` });
    }
    const stats = await wall.waitFor("queue.stats", (p) =>
      p.queues.some((q: { queueId: string; waiting: number }) => q.queueId === queueId && q.waiting === 3),
    );
    const mine = stats.queues.find((q: { queueId: string }) => q.queueId === queueId);
    expect(mine.longestWaitSeconds).toBeGreaterThanOrEqual(0);
    const third = await visitors[2]!.waitFor("queue.position", (p) => p.position === 3);
    expect(third.estimatedWaitSeconds === null || third.estimatedWaitSeconds > 0).toBe(true);
    // Rate limit: pushes for one queue arrive at most once a second. Its waiting times grow every
    // second, so its figures keep changing: wait for three pushes of them, then look at the spacing.
    const pushesOfQueue = () =>
      wall.events.filter(
        (e) =>
          e.name === "queue.stats" &&
          e.payload.queues.some((q: { queueId: string }) => q.queueId === queueId),
      ).length;
    await expect.poll(pushesOfQueue, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    const times = wall.events
      .filter(
        (e) =>
          e.name === "queue.stats" &&
          e.payload.queues.some((q: { queueId: string }) => q.queueId === queueId),
      )
      .map((e) => Date.parse(e.payload.at));
    // Once a second by the scheduler; a busy machine starts a run up to a few hundred ms early or late.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(700);
    const api: Api = supervisor.api;
    const snapshot = await api.get("/api/queues/stats");
    expect(snapshot.body.queues.find((q: { queueId: string }) => q.queueId === queueId).waiting).toBe(3);

    // An empty queue's figures do not change, so the wall got them once.
    expect(
      wall.events.some(
        (e) =>
          e.name === "queue.stats" &&
          e.payload.queues.some((q: { queueId: string }) => q.queueId === quietQueueId),
      ),
    ).toBe(true);
    // With no supervisor connected nothing is computed; the next one to connect gets every queue's
    // figures, the unchanged ones too.
    wall.close();
    // Once the server has let the console go, the next run of the once-a-second job finds nobody.
    await expect
      .poll(async () => (await app.services.agentNamespace().in(rooms.supervisors).fetchSockets()).length)
      .toBe(0);
    await jobRunsCompleted(app, "push-live-stats");
    const later = await connectAgent(app.url, supervisor.token);
    sockets.push(later);
    await later.waitFor("queue.stats", (p) =>
      p.queues.some((q: { queueId: string }) => q.queueId === quietQueueId),
    );
  });
});
