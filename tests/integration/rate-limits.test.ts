/**
 * The surfaces anyone can reach are limited per address (and chat messages per visitor): past the
 * limit the answer is 429 with Retry-After, or a `rate_limited` ack on the chat socket, and nothing
 * is stored. Counts are shared through Redis when the app runs with it (TEST_REDIS_URL).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { queryRows } from "../../db/rows.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";
import { connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

describe("rate limits on public surfaces", () => {
  let app: TestApp;
  const sockets: RecordingSocket[] = [];
  beforeAll(async () => {
    app = await startTestApp({
      env: {
        RATE_LIMIT_CHAT_HELLOS_PER_MINUTE: "8",
        RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE: "5",
        RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS: "8",
        RATE_LIMIT_PUBLIC_POSTS_PER_MINUTE: "3",
        RATE_LIMIT_SIGN_IN_PER_MINUTE: "4",
      },
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  async function visitor(): Promise<RecordingSocket> {
    const socket = await connectVisitor(app.url);
    sockets.push(socket);
    return socket;
  }

  const contactCount = async () =>
    Number(
      (await queryRows<{ n: number }>(app.services.db, sql`select count(*)::int as n from contacts`))[0]!.n,
    );

  it("stores a visitor's messages up to the limit and refuses the rest with the wait, storing nothing", async () => {
    const socket = await visitor();
    const hello = await socket.emitWithAck("hello", {});
    expect(hello.visitorToken).toEqual(expect.any(String));
    const acks = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        socket.emitWithAck("message", { body: `flood ${i}`, clientId: `flood-${i}-abcdef` }),
      ),
    );
    const stored = acks.filter((ack) => typeof ack.id === "string");
    const refused = acks.filter((ack) => ack.error === "rate_limited");
    expect(stored).toHaveLength(5);
    expect(refused).toHaveLength(7);
    for (const ack of refused) {
      expect(ack.retryAfterSeconds).toBeGreaterThan(0);
      expect(ack.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(ack.message).toMatch(/try again in \d+ s/);
    }
    // A message already stored and re-sent (a reconnect) is acknowledged again, limit or not.
    const firstStored = acks.findIndex((ack) => typeof ack.id === "string");
    const again = await socket.emitWithAck("message", {
      body: `flood ${firstStored}`,
      clientId: `flood-${firstStored}-abcdef`,
    });
    expect(again).toEqual({ id: acks[firstStored]!.id, caseId: acks[firstStored]!.caseId });
    const caseId = stored[0]!.caseId as string;
    const rows = await queryRows<{ n: number }>(
      app.services.db,
      sql`select count(*)::int as n from interactions where case_id = ${caseId} and body like 'flood %'`,
    );
    expect(rows[0]!.n).toBe(5);
  });

  it("limits all visitors of one address together, and the hellos that would create contacts", async () => {
    // The first test's visitor used one hello and five messages of this address's allowances.
    const before = await contactCount();
    const hellos = [];
    for (let i = 0; i < 10; i++) hellos.push(await (await visitor()).emitWithAck("hello", {}));
    const welcomed = hellos.filter((ack) => typeof ack.visitorToken === "string");
    expect(welcomed).toHaveLength(7);
    expect(hellos.filter((ack) => ack.error === "rate_limited")).toHaveLength(3);
    // A visitor's contact is made with its first message; none was refused a hello and then stored.
    const socket = sockets.at(-10)!;
    const first = await socket.emitWithAck("message", { body: "one", clientId: "address-1-abcdef" });
    const second = await socket.emitWithAck("message", { body: "two", clientId: "address-2-abcdef" });
    const third = await socket.emitWithAck("message", { body: "three", clientId: "address-3-abcdef" });
    // Five from the first visitor and three here spend the address's eight.
    expect([first, second, third].map((ack) => ack.error ?? "stored")).toEqual([
      "stored",
      "stored",
      "stored",
    ]);
    const fourth = await socket.emitWithAck("message", { body: "four", clientId: "address-4-abcdef" });
    expect(fourth.error).toBe("rate_limited");
    expect(await contactCount()).toBeLessThanOrEqual(before + 7);
  });

  it("answers status-page posts past the limit with 429 and Retry-After, in JSON and on the page", async () => {
    const row = await newCase(app.services, { body: "Where is my parcel?" });
    const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
    const api = createApi(app.url);
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(await api.post(`/api/status/${token}/replies`, { body: `reply ${i}` }));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
    const refused = await fetch(`${app.url}/api/status/${token}/replies`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ body: "one too many" }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: "rate_limited", message: expect.any(String) });
    // The page's own form says so on the page, in words.
    const page = await fetch(`${app.url}/status/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "reply", body: "from the form" }).toString(),
      redirect: "manual",
    });
    expect(page.status).toBe(429);
    expect(page.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await page.text()).toContain("try again in");
    const stored = await queryRows<{ n: number }>(
      app.services.db,
      sql`select count(*)::int as n from interactions where case_id = ${row.id} and body in ('one too many', 'from the form')`,
    );
    expect(stored[0]!.n).toBe(0);
  });

  it("limits sign-in requests per address, right passwords included", async () => {
    const agent = await app.createAgent();
    const api = createApi(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await api.post("/api/auth/login", { email: agent.email, password: "agent-password" })).status,
      );
    // Signing in the admin and this agent used some of the address's four.
    const allowed = statuses.filter((status) => status === 200).length;
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThan(4);
    expect(statuses).toEqual([...Array(allowed).fill(200), ...Array(6 - allowed).fill(429)]);
    const refused = await fetch(`${app.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: agent.email, password: "agent-password" }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      error: "rate_limited",
      message: expect.stringMatching(/try again/),
    });
  });
});
