/**
 * Offers over real sockets: expiry and rejection pass the case to the next agent, missed offers in a
 * row set an agent away (and supervisors hear of it), going away hands offers back, and an agent is
 * never offered more than their capacity.
 */
import { randomUUID } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { performAction } from "../../cases/replies.ts";
import { agents } from "../../db/schema/agents.ts";
import { cases } from "../../db/schema/cases.ts";
import { offers } from "../../db/schema/routing.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { routingSettled } from "../helpers/settled.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

describe("offers", () => {
  let app: TestApp;
  const sockets: RecordingSocket[] = [];
  let phone = 1000;

  beforeAll(async () => {
    // One-second offers keep the expiry tests quick; the sweep catches a lost expiry job.
    app = await startTestApp({ env: { OFFER_TIMEOUT_SECONDS: "1", SWEEP_INTERVAL_SECONDS: "1" } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });
  // Each test starts with an empty queue and nobody available.
  afterEach(async () => {
    const everyone = await app.services.db.select({ id: agents.id }).from(agents);
    for (const { id } of everyone)
      await app.services.router.setPresence({ agentId: id, presence: "offline" });
    const open = await app.services.db.select({ id: cases.id }).from(cases).where(ne(cases.state, "closed"));
    for (const { id } of open)
      await performAction(app.services.cases, { caseId: id, action: "close", actor: { type: "system" } });
  });

  const newCase = async (channel: "sms" | "chat" = "sms") => {
    phone += 1;
    const result = await ingest(app.services.cases, {
      channel,
      externalId: `ext-${randomUUID()}`,
      from:
        channel === "sms"
          ? { kind: "phone", address: `+1415555${phone}` }
          : { kind: "chat", address: `visitor-${randomUUID()}` },
      body: "Help please",
    });
    return result.case.id;
  };

  const agentOnline = async (name: string) => {
    const agent = await app.createAgent({ name });
    const socket = await connectAgent(app.url, agent.token);
    sockets.push(socket);
    return { ...agent, socket };
  };

  const setAll = async (presence: "available" | "away" | "offline", ...list: { api: TestApp["admin"] }[]) => {
    for (const agent of list)
      expect((await agent.api.post("/api/me/presence", { status: presence })).status).toBe(200);
  };

  it("passes an expired offer to another agent with room, not back to the one who let it lapse", async () => {
    const [a, b] = [await agentOnline("Lapse A"), await agentOnline("Lapse B")];
    await setAll("available", a, b);
    const caseId = await newCase();
    const first = await Promise.race([
      a.socket.waitFor("offer", (o) => o.caseId === caseId).then((o) => ({ who: a, other: b, offer: o })),
      b.socket.waitFor("offer", (o) => o.caseId === caseId).then((o) => ({ who: b, other: a, offer: o })),
    ]);
    await first.who.socket.waitFor(
      "offer.closed",
      (o) => o.offerId === first.offer.offerId && o.status === "expired",
    );
    const next = await first.other.socket.waitFor("offer", (o) => o.caseId === caseId);
    expect(next.offerId).not.toBe(first.offer.offerId);

    // Accepting the lapsed offer is refused with a reason.
    const late = await first.who.socket.emitWithAck("offer.accept", { offerId: first.offer.offerId });
    expect(late).toMatchObject({ ok: false, error: "conflict" });
    expect(late.message).toMatch(/no longer open \(it was expired\)/);

    expect(await first.other.socket.emitWithAck("offer.accept", { offerId: next.offerId })).toEqual({
      ok: true,
      caseId,
    });
  });

  it("offers a lapsed case again at once when the agent who missed it is the only one with room", async () => {
    const only = await agentOnline("Only One");
    await setAll("available", only);
    const caseId = await newCase();
    const offer1 = await only.socket.waitFor("offer", (o) => o.caseId === caseId);
    await only.socket.waitFor("offer.closed", (o) => o.offerId === offer1.offerId && o.status === "expired");
    const lapsedAt = Date.now();
    const offer2 = await only.socket.waitFor(
      "offer",
      (o) => o.caseId === caseId && o.offerId !== offer1.offerId,
    );
    // Promptly: well inside the 60 s cool-down that used to hold it back from them.
    expect(Date.now() - lapsedAt).toBeLessThan(30_000);
    expect(await only.socket.emitWithAck("offer.accept", { offerId: offer2.offerId })).toEqual({
      ok: true,
      caseId,
    });
  });

  it("passes a rejected offer to the next agent", async () => {
    const [a, b] = [await agentOnline("Reject A"), await agentOnline("Reject B")];
    await setAll("available", a, b);
    const caseId = await newCase();
    const firstOffer = await Promise.race([
      a.socket.waitFor("offer", (o) => o.caseId === caseId).then((o) => ({ who: a, other: b, offer: o })),
      b.socket.waitFor("offer", (o) => o.caseId === caseId).then((o) => ({ who: b, other: a, offer: o })),
    ]);
    expect(
      await firstOffer.who.socket.emitWithAck("offer.reject", { offerId: firstOffer.offer.offerId }),
    ).toEqual({ ok: true });
    const next = await firstOffer.other.socket.waitFor("offer", (o) => o.caseId === caseId);
    expect(await firstOffer.other.socket.emitWithAck("offer.accept", { offerId: next.offerId })).toEqual({
      ok: true,
      caseId,
    });
    const detail = await a.api.get(`/api/cases/${caseId}`);
    expect(detail.body).toMatchObject({ state: "assigned", assigneeId: firstOffer.other.id });
  });

  it("does not offer a case back to the agent who rejected it, who can still take it from its page", async () => {
    const only = await agentOnline("Rejects It");
    await setAll("available", only);
    const caseId = await newCase();
    const offer = await only.socket.waitFor("offer", (o) => o.caseId === caseId);
    expect(await only.socket.emitWithAck("offer.reject", { offerId: offer.offerId })).toEqual({ ok: true });
    await routingSettled(app);
    expect((await only.api.get("/api/me/offers")).body.items).toEqual([]);
    expect((await only.api.get(`/api/cases/${caseId}`)).body.state).toBe("queued");
    const taken = await only.api.post(`/api/cases/${caseId}/take`);
    expect(taken.body).toMatchObject({ id: caseId, assigneeId: only.id });
  });

  it("sets an agent away after three missed offers in a row and tells supervisors", async () => {
    const supervisor = await app.createAgent({ role: "supervisor" });
    const wall = await connectAgent(app.url, supervisor.token);
    sockets.push(wall);
    const sleepy = await agentOnline("Sleepy");
    await setAll("available", sleepy);
    // Nobody else has room, so the missed case comes back to them: three offers, three misses.
    const caseId = await newCase();
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const offer = await sleepy.socket.waitFor("offer", (o) => o.caseId === caseId && !seen.has(o.offerId));
      seen.add(offer.offerId);
      await sleepy.socket.waitFor(
        "offer.closed",
        (o) => o.offerId === offer.offerId && o.status === "expired",
      );
    }
    const notice = await wall.waitFor(
      "agent.presence",
      (p) => p.agentId === sleepy.id && p.presence === "away",
    );
    expect(notice.reason).toMatch(/Missed 3 offers in a row/);
    const [row] = await app.services.db.select().from(agents).where(eq(agents.id, sleepy.id));
    expect(row).toMatchObject({ presence: "away", missedOffersInRow: 0 });
  });

  it("hands pending offers back when the agent goes away", async () => {
    const leaving = await agentOnline("Leaving");
    await setAll("available", leaving);
    const caseId = await newCase();
    const offer = await leaving.socket.waitFor("offer", (o) => o.caseId === caseId);
    await setAll("away", leaving);
    await leaving.socket.waitFor(
      "offer.closed",
      (o) => o.offerId === offer.offerId && o.status === "cancelled",
    );
    const detail = await leaving.api.get(`/api/cases/${caseId}`);
    expect(detail.body.state).toBe("queued");
    // Going away is not a missed offer.
    const [row] = await app.services.db.select().from(agents).where(eq(agents.id, leaving.id));
    expect(row!.missedOffersInRow).toBe(0);
  });

  it("never offers an agent more chats than their chat capacity", async () => {
    const busy = await agentOnline("Busy");
    await setAll("available", busy);
    const caseIds = [
      await newCase("chat"),
      await newCase("chat"),
      await newCase("chat"),
      await newCase("chat"),
    ];
    const accepted: string[] = [];
    for (let i = 0; i < 3; i++) {
      const offer = await busy.socket.waitFor(
        "offer",
        (o) => caseIds.includes(o.caseId) && !accepted.includes(o.caseId),
      );
      expect((await busy.socket.emitWithAck("offer.accept", { offerId: offer.offerId })).ok).toBe(true);
      accepted.push(offer.caseId);
    }
    // Three chats is the default capacity: the fourth waits, also after one more routing pass.
    await routingSettled(app);
    const pending = await app.services.db
      .select()
      .from(offers)
      .where(and(eq(offers.agentId, busy.id), eq(offers.status, "pending")));
    expect(pending).toHaveLength(0);
    const waiting = caseIds.find((id) => !accepted.includes(id))!;
    expect((await busy.api.get(`/api/cases/${waiting}`)).body.state).toBe("queued");

    // Resolving one frees room, and the waiting chat is offered.
    expect((await busy.api.post(`/api/cases/${accepted[0]}/actions`, { action: "resolve" })).status).toBe(
      200,
    );
    await busy.socket.waitFor("offer", (o) => o.caseId === waiting);
  });

  it("answers offer calls about someone else's or unknown offers with 4xx", async () => {
    const owner = await agentOnline("Owner");
    const other = await app.createAgent({ name: "Other" });
    await setAll("available", owner);
    const caseId = await newCase("sms");
    const offer = await owner.socket.waitFor("offer", (o) => o.caseId === caseId);
    expect((await other.api.post(`/api/offers/${offer.offerId}/accept`)).status).toBe(403);
    expect((await other.api.post(`/api/offers/${randomUUID()}/accept`)).status).toBe(404);
    expect((await owner.api.post(`/api/offers/${offer.offerId}/accept`)).status).toBe(200);
    expect((await owner.api.post(`/api/offers/${offer.offerId}/accept`)).status).toBe(409);
  });

  it("answers an /agent event with a malformed payload with a validation error, and keeps the socket", async () => {
    const owner = await agentOnline("Careless");
    await setAll("available", owner);
    const caseId = await newCase("sms");
    const offer = await owner.socket.waitFor("offer", (o) => o.caseId === caseId);

    for (const payload of [{ offerId: "not-a-uuid" }, {}, "nonsense", null]) {
      const refused = await owner.socket.emitWithAck("offer.accept", payload);
      expect(refused).toEqual({
        ok: false,
        error: "validation_failed",
        message: expect.stringMatching(/offerId|payload/),
      });
    }
    expect(await owner.socket.emitWithAck("offer.reject", { offerId: 7 })).toMatchObject({
      ok: false,
      error: "validation_failed",
      message: expect.stringContaining("offerId"),
    });
    expect(await owner.socket.emitWithAck("case.watch", { caseId: "case-1" })).toMatchObject({
      ok: false,
      error: "validation_failed",
      message: expect.stringContaining("caseId"),
    });
    // No ack to answer with: dropped, and the connection carries on.
    owner.socket.socket.emit("typing", { caseId, isTyping: "yes" });
    expect(await owner.socket.emitWithAck("case.watch", { caseId })).toEqual({ ok: true });
    expect(await owner.socket.emitWithAck("offer.accept", { offerId: offer.offerId })).toEqual({
      ok: true,
      caseId,
    });
  });
});
