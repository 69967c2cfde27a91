/**
 * Bad input on every route gets the right 4xx with `{ error, message, details? }` and writes
 * nothing: the row count of every table is the same before and after. (A failed sign-in is the one
 * deliberate write: it is counted for rate limiting.)
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { queryRows } from "../../db/rows.ts";
import type { Api } from "../helpers/api.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { connectAgent } from "../helpers/sockets.ts";

type Who = "nobody" | "agent" | "supervisor" | "admin";

interface BadRequest {
  name: string;
  who: Who;
  method: "GET" | "POST";
  path: string | (() => string);
  body?: unknown | (() => unknown);
  raw?: { body: string; contentType: string };
  status: number;
  error: string | RegExp;
  message?: RegExp;
  /** Rows a request may legitimately write (login failures). */
  allowWritesTo?: string[];
}

describe("bad input on every route", () => {
  let app: TestApp;
  const clients = {} as Record<Who, Api>;
  let queuedCaseId = "";
  let contactId = "";

  const counts = async () => {
    const tables = await queryRows<{ table_name: string }>(
      app.services.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const result: Record<string, number> = {};
    for (const { table_name } of tables) {
      const [row] = await queryRows<{ n: number }>(
        app.services.db,
        sql.raw(`select count(*)::int as n from "${table_name}"`),
      );
      result[table_name] = Number(row!.n);
    }
    return result;
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { MAX_BODY_BYTES: "4096" } });
    clients.nobody = createApi(app.url);
    clients.agent = (await app.createAgent()).api;
    clients.supervisor = (await app.createAgent({ role: "supervisor" })).api;
    clients.admin = app.admin;
    const queued = await ingest(app.services.cases, {
      channel: "sms",
      externalId: "SM-api-errors-1",
      from: { kind: "phone", address: "+14155550177" },
      body: "Queued case",
    });
    queuedCaseId = queued.case.id;
    contactId = queued.case.contactId;
  });
  afterAll(async () => {
    await app?.close();
  });

  const unknownId = randomUUID();
  const big = "x".repeat(5000);
  const requests: BadRequest[] = [
    // auth
    {
      name: "login without fields",
      who: "nobody",
      method: "POST",
      path: "/api/auth/login",
      body: {},
      status: 400,
      error: "validation_failed",
      message: /body\.email/,
    },
    {
      name: "login with a wrong password",
      who: "nobody",
      method: "POST",
      path: "/api/auth/login",
      body: { email: "admin@example.com", password: "nope" },
      status: 401,
      error: "unauthenticated",
      message: /Email or password is wrong/,
      allowWritesTo: ["login_failures", "security_events"],
    },
    {
      name: "login with an unknown email",
      who: "nobody",
      method: "POST",
      path: "/api/auth/login",
      body: { email: "ghost@example.com", password: "nope" },
      status: 401,
      error: "unauthenticated",
      allowWritesTo: ["login_failures", "security_events"],
    },
    {
      name: "login with broken JSON",
      who: "nobody",
      method: "POST",
      path: "/api/auth/login",
      raw: { body: "{oops", contentType: "application/json" },
      status: 400,
      error: "invalid_body",
    },
    {
      name: "login with a form body",
      who: "nobody",
      method: "POST",
      path: "/api/auth/login",
      raw: { body: "a=b", contentType: "text/csv" },
      status: 415,
      error: "unsupported_media_type",
    },
    {
      name: "login with an oversized body",
      who: "nobody",
      method: "POST",
      path: "/api/auth/login",
      body: { email: "a@b.co", password: big },
      status: 413,
      error: "payload_too_large",
    },
    {
      name: "logout without a token",
      who: "nobody",
      method: "POST",
      path: "/api/auth/logout",
      status: 401,
      error: "unauthenticated",
    },
    // agents
    {
      name: "create agent without a token",
      who: "nobody",
      method: "POST",
      path: "/api/agents",
      body: { email: "n@example.com", name: "N", password: "rowing-kettle-42-lantern", role: "agent" },
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "create agent as an agent",
      who: "agent",
      method: "POST",
      path: "/api/agents",
      body: { email: "n@example.com", name: "N", password: "rowing-kettle-42-lantern", role: "agent" },
      status: 403,
      error: "forbidden",
      message: /needs the admin role/,
    },
    {
      name: "create agent as a supervisor",
      who: "supervisor",
      method: "POST",
      path: "/api/agents",
      body: { email: "n@example.com", name: "N", password: "rowing-kettle-42-lantern", role: "agent" },
      status: 403,
      error: "forbidden",
    },
    {
      name: "create agent without fields",
      who: "admin",
      method: "POST",
      path: "/api/agents",
      body: {},
      status: 400,
      error: "validation_failed",
    },
    {
      name: "create agent with a bad email and role",
      who: "admin",
      method: "POST",
      path: "/api/agents",
      body: { email: "nope", name: "N", password: "rowing-kettle-42-lantern", role: "boss" },
      status: 400,
      error: "validation_failed",
      message: /body\.email.*body\.role/,
    },
    {
      name: "create agent with a short password",
      who: "admin",
      method: "POST",
      path: "/api/agents",
      body: { email: "n@example.com", name: "N", password: "short", role: "agent" },
      status: 400,
      error: "validation_failed",
      message: /at least 12 characters/,
    },
    {
      name: "create agent with a common password",
      who: "admin",
      method: "POST",
      path: "/api/agents",
      body: { email: "n@example.com", name: "N", password: "password1234", role: "agent" },
      status: 400,
      error: "validation_failed",
      message: /too easy to guess.*commonly used password/,
    },
    {
      name: "create agent with a password made of their own email",
      who: "admin",
      method: "POST",
      path: "/api/agents",
      body: {
        email: "nora.nightingale@example.com",
        name: "Nora",
        password: "nightingale-nora",
        role: "agent",
      },
      status: 400,
      error: "validation_failed",
      message: /too easy to guess/,
    },
    {
      name: "create agent with a taken email",
      who: "admin",
      method: "POST",
      path: "/api/agents",
      body: { email: "admin@example.com", name: "Dup", password: "rowing-kettle-42-lantern", role: "agent" },
      status: 409,
      error: "conflict",
      message: /already exists/,
    },
    {
      name: "create agent with an oversized body",
      who: "admin",
      method: "POST",
      path: "/api/agents",
      body: { email: "n@example.com", name: big, password: "rowing-kettle-42-lantern", role: "agent" },
      status: 413,
      error: "payload_too_large",
    },
    {
      name: "list agents as an agent",
      who: "agent",
      method: "GET",
      path: "/api/agents",
      status: 403,
      error: "forbidden",
    },
    {
      name: "list agents without a token",
      who: "nobody",
      method: "GET",
      path: "/api/agents",
      status: 401,
      error: "unauthenticated",
    },
    // me
    {
      name: "me without a token",
      who: "nobody",
      method: "GET",
      path: "/api/me",
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "presence without a token",
      who: "nobody",
      method: "POST",
      path: "/api/me/presence",
      body: { status: "available" },
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "presence with an unknown status",
      who: "agent",
      method: "POST",
      path: "/api/me/presence",
      body: { status: "sleeping" },
      status: 400,
      error: "validation_failed",
      message: /body\.status/,
    },
    {
      name: "offers without a token",
      who: "nobody",
      method: "GET",
      path: "/api/me/offers",
      status: 401,
      error: "unauthenticated",
    },
    // offers
    {
      name: "accept an offer without a token",
      who: "nobody",
      method: "POST",
      path: `/api/offers/${unknownId}/accept`,
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "accept an offer with a bad id",
      who: "agent",
      method: "POST",
      path: "/api/offers/42/accept",
      status: 400,
      error: "validation_failed",
      message: /params\.id: must be a UUID/,
    },
    {
      name: "accept an unknown offer",
      who: "agent",
      method: "POST",
      path: `/api/offers/${unknownId}/accept`,
      status: 404,
      error: "not_found",
    },
    {
      name: "reject an unknown offer",
      who: "agent",
      method: "POST",
      path: `/api/offers/${unknownId}/reject`,
      status: 404,
      error: "not_found",
    },
    {
      name: "reject an offer with a bad id",
      who: "agent",
      method: "POST",
      path: "/api/offers/abc/reject",
      status: 400,
      error: "validation_failed",
    },
    // cases
    {
      name: "list cases without a token",
      who: "nobody",
      method: "GET",
      path: "/api/cases",
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "list cases with an unknown status",
      who: "agent",
      method: "GET",
      path: "/api/cases?status=open,lost",
      status: 400,
      error: "validation_failed",
      message: /unknown status 'lost'/,
    },
    {
      name: "list cases with a bad assignee",
      who: "agent",
      method: "GET",
      path: "/api/cases?assignee=bob",
      status: 400,
      error: "validation_failed",
      message: /assignee/,
    },
    {
      name: "list cases with limit 0",
      who: "agent",
      method: "GET",
      path: "/api/cases?limit=0",
      status: 400,
      error: "validation_failed",
      message: /limit/,
    },
    {
      name: "list cases with limit 1000",
      who: "agent",
      method: "GET",
      path: "/api/cases?limit=1000",
      status: 400,
      error: "validation_failed",
      message: /limit/,
    },
    {
      name: "list cases with a forged cursor",
      who: "agent",
      method: "GET",
      path: "/api/cases?cursor=bm90LWEtY3Vyc29y",
      status: 400,
      error: "validation_failed",
      message: /cursor is not one this API returned/,
    },
    {
      name: "get a case with a bad id",
      who: "agent",
      method: "GET",
      path: "/api/cases/1042",
      status: 400,
      error: "validation_failed",
    },
    // files
    {
      name: "download an unknown attachment",
      who: "agent",
      method: "GET",
      path: `/api/attachments/${unknownId}`,
      status: 404,
      error: "not_found",
      message: /Attachment '.*' does not exist/,
    },
    {
      name: "download an attachment with a bad id",
      who: "agent",
      method: "GET",
      path: "/api/attachments/42",
      status: 400,
      error: "validation_failed",
      message: /params\.id: must be a UUID/,
    },
    {
      name: "download an attachment without a token",
      who: "nobody",
      method: "GET",
      path: `/api/attachments/${unknownId}`,
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "download the source of an unknown email",
      who: "agent",
      method: "GET",
      path: `/api/interactions/${unknownId}/source`,
      status: 404,
      error: "not_found",
      message: /Email message '.*' does not exist/,
    },
    {
      name: "get an unknown case",
      who: "agent",
      method: "GET",
      path: `/api/cases/${unknownId}`,
      status: 404,
      error: "not_found",
      message: /Case '.*' does not exist/,
    },
    {
      name: "get a case without a token",
      who: "nobody",
      method: "GET",
      path: `/api/cases/${unknownId}`,
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "reply without a token",
      who: "nobody",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/replies`,
      body: { body: "hi" },
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "reply with an empty body",
      who: "agent",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/replies`,
      body: { body: "   " },
      status: 400,
      error: "validation_failed",
      message: /cannot be empty/,
    },
    {
      name: "reply without a body field",
      who: "agent",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/replies`,
      body: { text: "hi" },
      status: 400,
      error: "validation_failed",
    },
    {
      name: "reply to an unknown case",
      who: "agent",
      method: "POST",
      path: `/api/cases/${unknownId}/replies`,
      body: { body: "hi" },
      status: 404,
      error: "not_found",
    },
    {
      name: "reply to a case nobody has accepted",
      who: "agent",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/replies`,
      body: { body: "hi" },
      status: 409,
      error: "illegal_action",
      message: /not assigned yet/,
    },
    {
      name: "reply with an oversized body",
      who: "agent",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/replies`,
      body: { body: big },
      status: 413,
      error: "payload_too_large",
    },
    {
      name: "note without a token",
      who: "nobody",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/notes`,
      body: { body: "hi" },
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "note with an empty body",
      who: "agent",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/notes`,
      body: { body: "" },
      status: 400,
      error: "validation_failed",
    },
    {
      name: "note on an unknown case",
      who: "agent",
      method: "POST",
      path: `/api/cases/${unknownId}/notes`,
      body: { body: "hi" },
      status: 404,
      error: "not_found",
    },
    {
      name: "action without a token",
      who: "nobody",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/actions`,
      body: { action: "resolve" },
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "unknown action",
      who: "agent",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/actions`,
      body: { action: "explode" },
      status: 400,
      error: "validation_failed",
      message: /body\.action/,
    },
    {
      name: "action on an unknown case",
      who: "agent",
      method: "POST",
      path: `/api/cases/${unknownId}/actions`,
      body: { action: "resolve" },
      status: 404,
      error: "not_found",
    },
    {
      name: "action the state does not allow",
      who: "agent",
      method: "POST",
      path: () => `/api/cases/${queuedCaseId}/actions`,
      body: { action: "wait_on_customer" },
      status: 409,
      error: "illegal_action",
      message: /is queued: 'wait_on_customer' is not possible\. Allowed: resolve, close\./,
    },
    // contacts
    {
      name: "search contacts without a token",
      who: "nobody",
      method: "GET",
      path: "/api/contacts?q=a",
      status: 401,
      error: "unauthenticated",
    },
    {
      name: "search contacts with a bad limit",
      who: "agent",
      method: "GET",
      path: "/api/contacts?limit=-1",
      status: 400,
      error: "validation_failed",
    },
    {
      name: "get an unknown contact",
      who: "agent",
      method: "GET",
      path: `/api/contacts/${unknownId}`,
      status: 404,
      error: "not_found",
    },
    {
      name: "merge a contact into itself",
      who: "supervisor",
      method: "POST",
      path: () => `/api/contacts/${contactId}/merge`,
      body: () => ({ mergedId: contactId }),
      status: 400,
      error: "validation_failed",
      message: /cannot be merged into itself/,
    },
    {
      name: "merge an unknown duplicate",
      who: "supervisor",
      method: "POST",
      path: () => `/api/contacts/${contactId}/merge`,
      body: { mergedId: unknownId },
      status: 404,
      error: "not_found",
    },
    {
      name: "merge with a bad id",
      who: "supervisor",
      method: "POST",
      path: () => `/api/contacts/${contactId}/merge`,
      body: { mergedId: "x" },
      status: 400,
      error: "validation_failed",
    },
    {
      name: "merge preview of an unknown contact",
      who: "supervisor",
      method: "POST",
      path: `/api/contacts/${unknownId}/merge-preview`,
      body: { mergedId: randomUUID() },
      status: 404,
      error: "not_found",
    },
    {
      name: "merge as an agent",
      who: "agent",
      method: "POST",
      path: `/api/contacts/${randomUUID()}/merge`,
      body: { mergedId: randomUUID() },
      status: 403,
      error: "forbidden",
      message: /needs the supervisor role/,
    },
    {
      name: "merge without a token",
      who: "nobody",
      method: "POST",
      path: () => `/api/contacts/${contactId}/merge`,
      body: { mergedId: unknownId },
      status: 401,
      error: "unauthenticated",
    },
    // anything else
    {
      name: "an unknown API route",
      who: "agent",
      method: "GET",
      path: "/api/nothing-here",
      status: 404,
      error: "not_found",
      message: /no route GET \/api\/nothing-here/,
    },
  ];

  it.each(requests)("$name → $status", async (request) => {
    const path = typeof request.path === "function" ? request.path() : request.path;
    const before = await counts();
    const response = request.raw
      ? await clients[request.who].request(request.method, path, request.raw.body, {
          "content-type": request.raw.contentType,
        })
      : await clients[request.who].request(
          request.method,
          path,
          typeof request.body === "function" ? request.body() : request.body,
        );
    expect(response.status).toBe(request.status);
    expect(typeof response.body.message).toBe("string");
    expect(response.body.message.length).toBeGreaterThan(0);
    if (typeof request.error === "string") expect(response.body.error).toBe(request.error);
    else expect(response.body.error).toMatch(request.error);
    if (request.message) expect(response.body.message).toMatch(request.message);
    expect(Object.keys(response.body).every((key) => ["error", "message", "details"].includes(key))).toBe(
      true,
    );
    const after = await counts();
    for (const table of request.allowWritesTo ?? []) {
      delete after[table];
      delete before[table];
    }
    expect(after).toEqual(before);
  });

  it("refuses NUL characters, which PostgreSQL text cannot hold, before they reach the database", async () => {
    const before = await counts();
    const query = await clients.agent.get("/api/cases?q=%00");
    expect(query.status).toBe(400);
    expect(query.body.message).toMatch(/NUL/);
    const body = await clients.agent.post(`/api/cases/${queuedCaseId}/notes`, { body: "a\u0000b" });
    expect(body.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("refuses a revoked token at once, and closes the sockets it opened", async () => {
    const agent = await app.createAgent();
    expect((await agent.api.get("/api/me")).status).toBe(200);
    const socket = await connectAgent(app.url, agent.token);
    const closed = new Promise<string>((resolve) =>
      socket.socket.once("disconnect", (reason) => resolve(reason)),
    );
    expect((await agent.api.post("/api/auth/logout")).status).toBe(204);
    expect(await closed).toBe("io server disconnect");
    await expect(connectAgent(app.url, agent.token)).rejects.toThrow(/unauthorized/);
    const after = await agent.api.get("/api/me");
    expect(after.status).toBe(401);
    expect(after.body.error).toBe("unauthenticated");
  });

  it("refuses further sign-ins after repeated failures for one account, with Retry-After", async () => {
    const agent = await app.createAgent();
    const api = createApi(app.url);
    for (let i = 0; i < 5; i++)
      expect((await api.post("/api/auth/login", { email: agent.email, password: "wrong" })).status).toBe(401);
    const blocked = await api.post("/api/auth/login", { email: agent.email, password: "agent-password" });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ error: "rate_limited" });
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another account from the same address is still fine.
    expect(
      (await api.post("/api/auth/login", { email: "admin@example.com", password: "admin-password" })).status,
    ).toBe(200);
  });

  it("never returns a password hash or token hash", async () => {
    const listed = await app.admin.get("/api/agents");
    expect(JSON.stringify(listed.body)).not.toMatch(/argon2|password_?hash|tokenHash/i);
    const docs = await createApi(app.url).get("/docs/json");
    expect(docs.status).toBe(200);
    expect(docs.body.paths["/api/cases/{id}/actions"]).toBeDefined();
  });
});
