/**
 * The chat widget an admin configures and the status page an admin brands, over real HTTP and
 * socket.io: settings validated and stored, the public read without internal ids, required pre-chat
 * fields refused by the server, "leave a message" becoming an email case (once, however often it is
 * retried), whether a chat would be answered, and the branded status page with its logo allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "../../cases/replies.ts";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import { connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

const WIDGET = {
  colour: "#0b7285",
  greeting: "Hello from Acme! Ask us anything.",
  position: "left",
  preChat: { name: "optional", email: "optional" },
};

describe("widget settings, leave a message and status page branding", () => {
  let app: TestApp;
  const sockets: RecordingSocket[] = [];
  const visitor = async () => {
    const socket = await connectVisitor(app.url);
    sockets.push(socket);
    return socket;
  };
  const putWidget = (body: object) => app.admin.request("PUT", "/api/admin/widget", { ...WIDGET, ...body });

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  it("stores the widget's settings and shows their public part to any site", async () => {
    const defaults = await app.admin.get("/api/admin/widget");
    expect(defaults.body).toMatchObject({ position: "right", leaveMessageQueueId: null });
    const saved = await putWidget({ colour: "#0B7285" });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ ...WIDGET, leaveMessageQueueId: null });

    const shown = await fetch(`${app.url}/api/chat/widget`, { headers: { origin: "https://shop.example" } });
    expect(shown.status).toBe(200);
    expect(shown.headers.get("access-control-allow-origin")).toBe("*");
    expect(await shown.json()).toEqual(WIDGET);

    const hello = await (await visitor()).emitWithAck("hello", {});
    expect(hello.widget).toEqual(WIDGET);
  });

  it("refuses bad widget settings with a 400 naming the field, and writes nothing", async () => {
    const bad = [
      { colour: "red" },
      { greeting: "x".repeat(201) },
      { greeting: "  " },
      { position: "top" },
      { preChat: { name: "maybe", email: "off" } },
      { leaveMessageQueueId: "not-a-uuid" },
      { leaveMessageQueueId: "00000000-0000-4000-8000-000000000000" },
    ];
    for (const body of bad) {
      const refused = await putWidget({
        ...body,
        greeting: (body as { greeting?: string }).greeting ?? "Changed",
      });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.message).toEqual(expect.any(String));
    }
    expect((await app.admin.get("/api/admin/widget")).body.greeting).toBe(WIDGET.greeting);
    const agent = await app.createAgent();
    expect((await agent.api.request("PUT", "/api/admin/widget", WIDGET)).status).toBe(403);
    expect((await agent.api.get("/api/admin/branding")).status).toBe(403);
  });

  it("refuses a hello or a message without a required pre-chat field", async () => {
    await putWidget({ preChat: { name: "required", email: "required" } });
    const socket = await visitor();
    const noEmail = await socket.emitWithAck("hello", { name: "Nina" });
    expect(noEmail).toEqual({
      error: "validation_failed",
      message: "Please tell us your email address to start the chat.",
    });
    const badEmail = await socket.emitWithAck("hello", { name: "Nina", email: "nina-at-example" });
    expect(badEmail.error).toBe("validation_failed");
    expect(badEmail.message).toContain("is not an email address");

    // Saying hello without introducing oneself is a reconnect; writing is refused until introduced.
    expect((await socket.emitWithAck("hello", {})).visitorToken).toEqual(expect.any(String));
    expect(await socket.emitWithAck("message", { body: "Hi", clientId: "prechat-0001" })).toEqual({
      error: "validation_failed",
      message: "Please tell us your name and your email address to start the chat.",
    });
    const before = (await app.admin.get("/api/cases?channel=chat")).body.items.length;
    await socket.emitWithAck("hello", { name: "Nina", email: "nina@example.com" });
    const stored = await socket.emitWithAck("message", { body: "Hi", clientId: "prechat-0001" });
    expect(stored.caseId).toEqual(expect.any(String));
    expect((await app.admin.get("/api/cases?channel=chat")).body.items.length).toBe(before + 1);
    await putWidget({});
  });

  it("says whether a chat would be answered: nobody available, then open, then outside hours", async () => {
    const chatQueue = await app.admin.post("/api/queues", { name: "Web chat", isDefault: true });
    expect(chatQueue.status).toBe(201);

    expect((await (await visitor()).emitWithAck("hello", {})).availability).toBe("no_agents");
    const agent = await app.createAgent({ name: "Olive Open" });
    expect((await agent.api.post("/api/me/presence", { status: "available" })).status).toBe(200);
    await expect
      .poll(async () => (await (await visitor()).emitWithAck("hello", {})).availability, { timeout: 10_000 })
      .toBe("open");

    const today = new Date().toISOString().slice(0, 10);
    const closed = await app.admin.request("PATCH", `/api/queues/${chatQueue.body.id}`, {
      businessHours: {
        timeZone: "UTC",
        weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: "00:00", end: "24:00" })),
        holidays: [today],
      },
    });
    expect(closed.status).toBe(200);
    expect((await (await visitor()).emitWithAck("hello", {})).availability).toBe("closed");
    await app.admin.request("PATCH", `/api/queues/${chatQueue.body.id}`, { businessHours: null });
    await agent.api.post("/api/me/presence", { status: "offline" });
  });

  it("turns a left message into an email case in the chosen queue, once however often it is sent", async () => {
    const queue = await app.admin.post("/api/queues", { name: "After hours" });
    await putWidget({ leaveMessageQueueId: queue.body.id });
    const socket = await visitor();
    await socket.emitWithAck("hello", {});
    const message = {
      name: "Lena Later",
      email: "Lena.Later@Example.com",
      body: "Please call me back about my invoice.",
      clientId: "leave-msg-0001",
    };
    const left = await socket.emitWithAck("message.leave", message);
    expect(left).toEqual({ caseNumber: expect.any(Number) });
    const again = await socket.emitWithAck("message.leave", message);
    expect(again).toEqual(left);

    const found = (await app.admin.get("/api/cases?channel=email")).body.items.filter(
      (item: { number: number }) => item.number === left.caseNumber,
    );
    expect(found).toHaveLength(1);
    const detail = await app.admin.get(`/api/cases/${found[0].id}`);
    expect(detail.body).toMatchObject({
      channel: "email",
      queueId: queue.body.id,
      customerAddress: "lena.later@example.com",
    });
    const inbound = detail.body.interactions.filter((i: { direction: string }) => i.direction === "inbound");
    expect(inbound.map((i: { body: string }) => i.body)).toEqual([message.body]);

    const emailCases = (await app.admin.get("/api/cases?channel=email")).body.items.length;
    for (const bad of [
      { ...message, email: "lena", clientId: "leave-msg-0002" },
      { ...message, name: " ", clientId: "leave-msg-0003" },
      { ...message, body: "", clientId: "leave-msg-0004" },
    ]) {
      const refused = await socket.emitWithAck("message.leave", bad);
      expect(refused.error).toBe("validation_failed");
    }
    expect(await socket.emitWithAck("message.leave", { ...message, clientId: "no" })).toMatchObject({
      error: "validation_failed",
    });
    expect((await app.admin.get("/api/cases?channel=email")).body.items.length).toBe(emailCases);
    await putWidget({});
  });

  it("tells a returning visitor whether their chat is still under way", async () => {
    const socket = await visitor();
    const hello = await socket.emitWithAck("hello", { name: "Rita Reload" });
    expect(hello.live).toBe(false);
    const stored = await socket.emitWithAck("message", { body: "Still there?", clientId: "live-chat-0001" });
    const reloaded = await visitor();
    expect((await reloaded.emitWithAck("hello", { visitorToken: hello.visitorToken })).live).toBe(true);
    const agent = await app.createAgent();
    await assignCase(app.services, stored.caseId, agent.id);
    await performAction(app.services.cases, {
      caseId: stored.caseId,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });
    const after = await (await visitor()).emitWithAck("hello", { visitorToken: hello.visitorToken });
    expect(after.live).toBe(false);
    expect(after.caseId).toBe(stored.caseId);
  });

  it("brands the status page with the team's name, logo and colour, and allows the logo's host", async () => {
    expect((await app.admin.get("/api/admin/branding")).body).toEqual({
      teamName: "Support",
      logoUrl: null,
      colour: "#4f46e5",
    });
    const branding = {
      teamName: "Acme Care",
      logoUrl: "https://cdn.acme.example/logo.png",
      colour: "#e8590c",
    };
    for (const bad of [
      { logoUrl: "http://cdn.acme.example/logo.png" },
      { logoUrl: "javascript:alert(1)" },
      { teamName: "x".repeat(81) },
      { teamName: "" },
      { colour: "#e859" },
    ]) {
      const refused = await app.admin.request("PUT", "/api/admin/branding", { ...branding, ...bad });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await app.admin.get("/api/admin/branding")).body.teamName).toBe("Support");
    expect((await app.admin.request("PUT", "/api/admin/branding", branding)).body).toEqual(branding);

    const socket = await visitor();
    await socket.emitWithAck("hello", { name: "Stan Status" });
    const stored = await socket.emitWithAck("message", { body: "Where is it?", clientId: "status-brand-01" });
    const token = signStatusToken(app.services.statusUpdates.settings.secret, stored.caseId);
    const page = await fetch(`${app.url}/status/${token}`);
    const html = await page.text();
    expect(html).toContain('<span class="team-name">Acme Care</span>');
    expect(html).toContain('<img src="https://cdn.acme.example/logo.png" alt="">');
    expect(html).toContain("--brand:#e8590c");
    expect(page.headers.get("content-security-policy")).toMatch(
      /img-src 'self' data: blob: https:\/\/cdn\.acme\.example(;|$)/,
    );
    // Other pages keep the strict policy.
    const other = await fetch(`${app.url}/api/chat/widget`);
    expect(other.headers.get("content-security-policy")).not.toContain("cdn.acme.example");
    expect((await createApi(app.url).get("/api/admin/branding")).status).toBe(401);
  });
});
