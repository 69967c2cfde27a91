/**
 * No case is left with an agent who is gone: when every console of an agent has been disconnected
 * for the grace period, the agent goes offline, pending offers return and chats are re-queued;
 * email stays assigned. A reconnect within the grace period changes nothing.
 */
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { agents } from "../../db/schema/agents.ts";
import { cases, offers } from "../../db/schema/index.ts";
import { rooms } from "../../server/realtime/publisher.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { completedJobRuns, jobRunsCompleted } from "../helpers/settled.ts";
import { connectAgent, connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

describe("agent connections", () => {
  let app: TestApp;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { AGENT_DISCONNECT_GRACE_SECONDS: "1", SWEEP_INTERVAL_SECONDS: "1" } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  const presenceOf = async (agentId: string) =>
    (
      await app.services.db
        .select({ presence: agents.presence, reason: agents.presenceReason })
        .from(agents)
        .where(eq(agents.id, agentId))
    )[0]!;
  const consolesOf = async (agentId: string) =>
    (await app.services.agentNamespace().in(rooms.agent(agentId)).fetchSockets()).length;
  const caseRow = async (caseId: string) =>
    (await app.services.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;

  it("sets a vanished agent offline, re-queues their chats, returns their offers and keeps their email", async () => {
    const agent = await app.createAgent({ name: "Vanishing" });
    const socket = await connectAgent(app.url, agent.token);
    await agent.api.post("/api/me/presence", { status: "available" });

    const visitor = await connectVisitor(app.url);
    sockets.push(visitor);
    await visitor.emitWithAck("hello", {});
    const chat = await visitor.emitWithAck("message", { body: "are you there?" });
    const offer = await socket.waitFor("offer", (o) => o.caseId === chat.caseId);
    await socket.emitWithAck("offer.accept", { offerId: offer.offerId });

    const email = await ingest(app.services.cases, {
      channel: "email",
      externalId: `<${randomUUID()}@example.com>`,
      from: { kind: "email", address: "slow@example.com" },
      subject: "Invoice",
      body: "Please check my invoice",
    });
    const emailOffer = await socket.waitFor("offer", (o) => o.caseId === email.case.id);
    await socket.emitWithAck("offer.accept", { offerId: emailOffer.offerId });

    const waiting = await connectVisitor(app.url);
    sockets.push(waiting);
    await waiting.emitWithAck("hello", {});
    const third = await waiting.emitWithAck("message", { body: "me too" });
    const pending = await socket.waitFor("offer", (o) => o.caseId === third.caseId);

    socket.close();
    await expect.poll(async () => (await presenceOf(agent.id)).presence, { timeout: 15_000 }).toBe("offline");
    expect((await presenceOf(agent.id)).reason).toBe("Disconnected");
    expect(await caseRow(chat.caseId)).toMatchObject({ state: "queued", assigneeId: null });
    expect(await caseRow(email.case.id)).toMatchObject({ state: "assigned", assigneeId: agent.id });
    const [returned] = await app.services.db.select().from(offers).where(eq(offers.id, pending.offerId));
    expect(returned!.status).toBe("cancelled");
    expect((await caseRow(third.caseId)).state).toBe("queued");
  });

  it("does nothing when the console reconnects within the grace period", async () => {
    const agent = await app.createAgent({ name: "Reloading" });
    const first = await connectAgent(app.url, agent.token);
    await agent.api.post("/api/me/presence", { status: "available" });
    const checksBefore = await completedJobRuns(app, "check-agent-connection");
    first.close();
    // A reload: the server lets the old console go, then the new one connects within the grace period.
    await expect.poll(() => consolesOf(agent.id)).toBe(0);
    const second = await connectAgent(app.url, agent.token);
    sockets.push(second);
    // The grace period's check ran, and found the console that came back.
    await expect
      .poll(() => completedJobRuns(app, "check-agent-connection"), { timeout: 15_000 })
      .toBeGreaterThan(checksBefore);
    expect((await presenceOf(agent.id)).presence).toBe("available");
  });

  it("answers a sign-in check the database could not make with a retryable error, not 'unauthorized'", async () => {
    const agent = await app.createAgent({ name: "Reconnect storm" });
    // A real database failure for the session lookup alone: its table is briefly not there.
    await app.services.db.execute(sql`alter table sessions rename to sessions_away`);
    let refusal: unknown;
    try {
      refusal = await connectAgent(app.url, agent.token).then(
        (socket) => socket.close(),
        (error: unknown) => error,
      );
    } finally {
      await app.services.db.execute(sql`alter table sessions_away rename to sessions`);
    }
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).not.toMatch(/unauthorized/);
    expect((refusal as Error & { data?: unknown }).data).toEqual({ code: "TEMPORARY" });
    // Once the database answers again, the same token signs in.
    sockets.push(await connectAgent(app.url, agent.token));
  });

  it("keeps an agent with another console open", async () => {
    const agent = await app.createAgent({ name: "Two tabs" });
    const tabA = await connectAgent(app.url, agent.token);
    const tabB = await connectAgent(app.url, agent.token);
    sockets.push(tabB);
    await agent.api.post("/api/me/presence", { status: "available" });
    tabA.close();
    await expect.poll(() => consolesOf(agent.id)).toBe(1);
    // With a console left nothing is scheduled, so there is no check to wait for. Three sweeps a
    // second apart are two grace periods (1 s here): a check scheduled by the close would have run.
    await jobRunsCompleted(app, "maintenance-sweep", 3);
    expect((await presenceOf(agent.id)).presence).toBe("available");
  });
});
