/**
 * The spine, end to end over real HTTP and socket.io: a visitor writes, a case is created and
 * offered to a signed-in available agent, the agent accepts and replies, the visitor sees the reply
 * and it ends `delivered`; a reload with the visitor token returns the history.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { connectAgent, connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

describe("web chat path", () => {
  let app: TestApp;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  it("carries a visitor's message to an agent and the agent's reply back", async () => {
    const agent = await app.createAgent({ name: "Ana" });
    const agentSocket = await connectAgent(app.url, agent.token);
    sockets.push(agentSocket);
    expect((await agent.api.post("/api/me/presence", { status: "available" })).status).toBe(200);

    const visitor = await connectVisitor(app.url);
    sockets.push(visitor);
    const hello = await visitor.emitWithAck("hello", { name: "Vera Visitor", email: "vera@example.com" });
    expect(hello.visitorToken).toMatch(/^v1\./);
    expect(hello.history).toEqual([]);

    const ack = await visitor.emitWithAck("message", {
      body: "My order has not arrived",
      clientId: "client-msg-0001",
    });
    expect(ack.id).toMatch(/[0-9a-f-]{36}/);

    const offer = await agentSocket.waitFor("offer");
    expect(offer).toMatchObject({ caseId: ack.caseId, channel: "chat", subject: "My order has not arrived" });
    expect(offer.contact.name).toBe("Vera Visitor");
    expect(new Date(offer.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const accepted = await agentSocket.emitWithAck("offer.accept", { offerId: offer.offerId });
    expect(accepted).toEqual({ ok: true, caseId: ack.caseId });

    const assigned = await agent.api.get(`/api/cases/${ack.caseId}`);
    expect(assigned.body).toMatchObject({ state: "assigned", assigneeId: agent.id, channel: "chat" });
    expect(assigned.body.allowedActions).toEqual(["resolve", "close", "wait_on_customer"]);
    expect(assigned.body.contact.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "email", address: "vera@example.com", verified: false }),
      ]),
    );

    const typing = visitor.waitFor("typing", (p) => p.isTyping === true);
    agentSocket.socket.emit("typing", { caseId: ack.caseId, isTyping: true });
    expect(await typing).toEqual({ from: "agent", isTyping: true });

    const reply = await agent.api.post(`/api/cases/${ack.caseId}/replies`, {
      body: "Sorry! It ships today.",
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      direction: "outbound",
      status: "queued",
      body: "Sorry! It ships today.",
    });

    const received = await visitor.waitFor("message", (m) => m.id === reply.body.id);
    expect(received).toMatchObject({ body: "Sorry! It ships today.", from: "agent", agentName: "Ana" });
    visitor.socket.emit("delivered", { id: received.id });

    await agentSocket.emitWithAck("case.watch", { caseId: ack.caseId });
    await expect
      .poll(async () => (await agent.api.get(`/api/cases/${ack.caseId}`)).body.interactions.at(-1).status, {
        timeout: 10_000,
      })
      .toBe("delivered");

    // A reload: a new socket with the stored token gets the whole conversation back.
    visitor.close();
    const reloaded = await connectVisitor(app.url);
    sockets.push(reloaded);
    const again = await reloaded.emitWithAck("hello", { visitorToken: hello.visitorToken });
    expect(again.visitorToken).toBe(hello.visitorToken);
    expect(again.caseId).toBe(ack.caseId);
    expect(again.history.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([
      ["visitor", "My order has not arrived"],
      ["agent", "Sorry! It ships today."],
    ]);

    // The visitor writes again: same case, and the assigned agent sees it live.
    const second = await reloaded.emitWithAck("message", { body: "Great, thanks" });
    expect(second.caseId).toBe(ack.caseId);
    const live = await agentSocket.waitFor("interaction.created", (i) => i.id === second.id);
    expect(live).toMatchObject({ direction: "inbound", body: "Great, thanks", caseId: ack.caseId });
  });

  it("refuses a forged visitor token by starting a fresh conversation", async () => {
    const visitor = await connectVisitor(app.url);
    sockets.push(visitor);
    const hello = await visitor.emitWithAck("hello", {
      visitorToken: "v1.someone-elses-id.forged-signature",
    });
    expect(hello.visitorToken).not.toContain("someone-elses-id");
    expect(hello.history).toEqual([]);
  });

  it("acknowledges a message only for a visitor who said hello, and rejects empty ones", async () => {
    const visitor = await connectVisitor(app.url);
    sockets.push(visitor);
    expect(await visitor.emitWithAck("message", { body: "hi" })).toMatchObject({ error: "hello_first" });
    await visitor.emitWithAck("hello", {});
    expect(await visitor.emitWithAck("message", { body: "" })).toMatchObject({ error: "validation_failed" });
  });

  it("answers a /chat event with a malformed payload with a validation error, and keeps the socket", async () => {
    const visitor = await connectVisitor(app.url);
    sockets.push(visitor);
    for (const payload of [{ name: 42 }, "nonsense", { visitorToken: "x".repeat(201) }]) {
      expect(await visitor.emitWithAck("hello", payload)).toEqual({
        error: "validation_failed",
        message: expect.stringMatching(/name|payload|visitorToken/),
      });
    }
    const hello = await visitor.emitWithAck("hello", {});
    expect(hello.visitorToken).toEqual(expect.any(String));
    for (const payload of [{ body: "hi", clientId: "no spaces!" }, { body: 5 }, null]) {
      expect(await visitor.emitWithAck("message", payload)).toEqual({
        error: "validation_failed",
        message: expect.stringMatching(/clientId|body|payload/),
      });
    }
    // No ack to answer with: dropped, and the connection carries on.
    visitor.socket.emit("delivered", { id: "not-a-uuid" });
    visitor.socket.emit("typing", { isTyping: "maybe" });
    expect(await visitor.emitWithAck("message", { body: "still here" })).toEqual({
      id: expect.any(String),
      caseId: expect.any(String),
    });
  });
});
