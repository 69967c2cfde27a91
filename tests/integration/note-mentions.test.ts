/**
 * @mentions in internal notes: a colleague named in full after `@` is told over the socket and
 * recorded on the note; a partial name or the author's own name mentions nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

describe("mentions in notes", () => {
  let app: TestApp;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  it("tells the colleague named in full, and only them", async () => {
    const ana = await app.createAgent({ name: "Ana Lee" });
    const bea = await app.createAgent({ name: "Bea Berg" });
    const beatrice = await app.createAgent({ name: "Bea" });
    const [beaSocket, beatriceSocket] = await Promise.all([
      connectAgent(app.url, bea.token),
      connectAgent(app.url, beatrice.token),
    ]);
    sockets.push(beaSocket, beatriceSocket);
    const row = await newCase(app.services);
    await assignCase(app.services, row.id, ana.id);

    const note = await ana.api.post(`/api/cases/${row.id}/notes`, {
      body: "@bea berg can you check the refund? cc @Ana Lee",
    });
    expect(note.status).toBe(201);
    expect(note.body.metadata).toEqual({ mentions: [bea.id] });
    const told = await beaSocket.waitFor("mention", (payload) => payload.interactionId === note.body.id);
    expect(told).toMatchObject({
      caseId: row.id,
      caseNumber: row.number,
      by: { id: ana.id, name: "Ana Lee" },
      excerpt: "@bea berg can you check the refund? cc @Ana Lee",
    });

    // "@Bea" followed by more of a name is Bea Berg, not Bea; "@Bea," alone is Bea.
    const plain = await ana.api.post(`/api/cases/${row.id}/notes`, { body: "Thanks @Bea, all done." });
    expect(plain.body.metadata).toEqual({ mentions: [beatrice.id] });
    await beatriceSocket.waitFor("mention", (payload) => payload.interactionId === plain.body.id);
    expect(beatriceSocket.events.filter((e) => e.name === "mention")).toHaveLength(1);
    const none = await ana.api.post(`/api/cases/${row.id}/notes`, { body: "No one here, @nobody." });
    expect(none.body.metadata).toEqual({});
  });

  it("keeps a mention for a colleague who was away, under their notifications until read", async () => {
    const writer = await app.createAgent({ name: "Wes Writer" });
    const away = await app.createAgent({ name: "Olga Offline" });
    const row = await newCase(app.services);
    await assignCase(app.services, row.id, writer.id);
    // Nobody of Olga's is connected: the socket push reaches no one, the notification stays.
    const note = await writer.api.post(`/api/cases/${row.id}/notes`, {
      body: "@Olga Offline please call this one back",
    });
    expect(note.status).toBe(201);

    const listed = await away.api.get("/api/me/notifications");
    expect(listed.status).toBe(200);
    expect(listed.body.unread).toBe(1);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        kind: "mention",
        caseId: row.id,
        caseNumber: row.number,
        interactionId: note.body.id,
        by: { id: writer.id, name: "Wes Writer" },
        excerpt: "@Olga Offline please call this one back",
        readAt: null,
      }),
    ]);
    // Nobody else sees it; bad input writes nothing.
    expect((await writer.api.get("/api/me/notifications")).body.unread).toBe(0);
    expect(
      (await writer.api.post("/api/me/notifications/read", { ids: [listed.body.items[0].id] })).body,
    ).toEqual({
      marked: 0,
    });
    const bad = await away.api.post("/api/me/notifications/read", { ids: ["not-a-uuid"] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect((await away.api.get("/api/me/notifications")).body.unread).toBe(1);

    expect((await away.api.post("/api/me/notifications/read", {})).body).toEqual({ marked: 1 });
    const after = await away.api.get("/api/me/notifications");
    expect(after.body.unread).toBe(0);
    expect(after.body.items[0].readAt).toEqual(expect.any(String));
  });
});
