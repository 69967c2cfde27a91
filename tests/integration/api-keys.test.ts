/**
 * API keys end to end: an admin creates, lists and revokes them (the secret is answered once and
 * never again, nor logged); a key acts for its admin narrowed to its queues, stops at once when
 * revoked, expired, or its admin is demoted or deactivated; bad input writes nothing; audit and
 * security-log rows name the key; the console's live channel refuses keys.
 */
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseEvents } from "../../db/schema/cases.ts";
import { apiKeys } from "../../db/schema/integrations.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";
import { connectAgent } from "../helpers/sockets.ts";

const SECRET_SHAPE = /^sbk_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}$/;

describe("API keys", () => {
  let app: TestApp;
  const logged: string[] = [];
  const logTo = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  const secrets: string[] = [];

  const createKey = async (body: Record<string, unknown>, api = app.admin) => {
    const created = await api.post("/api/admin/api-keys", {
      name: `key ${randomUUID().slice(0, 8)}`,
      ...body,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    secrets.push(created.body.secret);
    return created.body as { id: string; name: string; secret: string; prefix: string };
  };
  const withKey = (secret: string) => createApi(app.url, secret);
  const queue = async (label: string) => {
    const skill = await app.admin.post("/api/skills", { name: `${label}-${randomUUID().slice(0, 6)}` });
    const created = await app.admin.post("/api/queues", {
      name: `${label} ${randomUUID().slice(0, 6)}`,
      requiredSkills: [{ skillId: skill.body.id, level: 3 }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };
  const caseIn = async (queueId: string, body: string) => {
    const row = await newCase(app.services, { body });
    const moved = await app.admin.post(`/api/cases/${row.id}/transfer`, { toQueueId: queueId, note: body });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    return row.id;
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { LOG_LEVEL: "debug" }, logTo });
  });
  afterAll(async () => {
    await app?.close();
  });

  describe("the admin API", () => {
    it("creates a key whose secret is answered once, lists it without the secret and logs the creation", async () => {
      const created = await createKey({ name: "CRM sync", scopes: ["cases:read", "contacts"] });
      expect(created.secret).toMatch(SECRET_SHAPE);
      expect(created.secret.slice(4, 12)).toBe(created.prefix);
      expect(created).toMatchObject({ scopes: ["cases:read", "contacts"], queueIds: null, status: "active" });

      const list = await app.admin.get("/api/admin/api-keys");
      expect(list.status).toBe(200);
      const row = list.body.items.find((item: { id: string }) => item.id === created.id);
      expect(row).toMatchObject({
        name: "CRM sync",
        prefix: created.prefix,
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(row).not.toHaveProperty("secret");
      expect(JSON.stringify(list.body)).not.toContain(created.secret.slice(13));

      const [stored] = await app.services.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
      expect(stored!.secretHash).not.toContain(created.secret.slice(13));

      const log = await app.admin.get("/api/admin/security-log?kind=api_key_created");
      const event = log.body.items.find(
        (item: { details: { apiKeyId?: string } }) => item.details.apiKeyId === created.id,
      );
      expect(event).toMatchObject({ details: { name: "CRM sync", prefix: created.prefix } });
      expect(JSON.stringify(log.body)).not.toContain(created.secret.slice(13));
    });

    it("accepts the key as a bearer token beside session tokens and shows when it was last used", async () => {
      const key = await createKey({ scopes: ["cases:read"] });
      const first = await withKey(key.secret).get("/api/cases?limit=1");
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const listed = async () =>
        (await app.admin.get("/api/admin/api-keys")).body.items.find(
          (item: { id: string }) => item.id === key.id,
        );
      const usedAt = (await listed()).lastUsedAt;
      expect(usedAt).not.toBeNull();
      // Within the minute a second use does not write the time again.
      expect((await withKey(key.secret).get("/api/cases?limit=1")).status).toBe(200);
      expect((await listed()).lastUsedAt).toBe(usedAt);
    });

    it("revokes a key: its very next request is 401, and the revocation is logged", async () => {
      const key = await createKey({ scopes: ["cases:read"] });
      expect((await withKey(key.secret).get("/api/cases")).status).toBe(200);
      const revoked = await app.admin.request("DELETE", `/api/admin/api-keys/${key.id}`);
      expect(revoked.status).toBe(204);
      const refused = await withKey(key.secret).get("/api/cases");
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/revoked/);
      const list = await app.admin.get("/api/admin/api-keys");
      expect(list.body.items.find((item: { id: string }) => item.id === key.id)).toMatchObject({
        status: "revoked",
      });
      const log = await app.admin.get("/api/admin/security-log?kind=api_key_revoked");
      expect(
        log.body.items.some((item: { details: { apiKeyId?: string } }) => item.details.apiKeyId === key.id),
      ).toBe(true);
      expect((await app.admin.request("DELETE", `/api/admin/api-keys/${randomUUID()}`)).status).toBe(404);
    });

    it("refuses an expired key at once", async () => {
      const key = await createKey({
        scopes: ["cases:read"],
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      expect((await withKey(key.secret).get("/api/cases")).status).toBe(200);
      // Its hour is up (the row says so, as it would an hour later).
      await app.services.db
        .update(apiKeys)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(apiKeys.id, key.id));
      expect((await withKey(key.secret).get("/api/cases")).status).toBe(401);
      const list = await app.admin.get("/api/admin/api-keys");
      expect(list.body.items.find((item: { id: string }) => item.id === key.id)).toMatchObject({
        status: "expired",
      });
    });

    it("stops a key when its admin is demoted or deactivated", async () => {
      for (const change of [{ role: "supervisor" }, { active: false }]) {
        const other = await app.createAgent({ role: "admin" });
        const key = await createKey({ scopes: ["cases:read"] }, other.api);
        expect((await withKey(key.secret).get("/api/cases")).status).toBe(200);
        const changed = await app.admin.request("PATCH", `/api/agents/${other.id}`, change);
        expect(changed.status, JSON.stringify(changed.body)).toBe(200);
        expect((await withKey(key.secret).get("/api/cases")).status).toBe(401);
      }
    });

    it("refuses unknown and malformed keys with 401", async () => {
      const known = await createKey({ scopes: ["cases:read"] });
      const forged = `${known.secret.slice(0, 13)}${"x".repeat(40)}`;
      for (const secret of [forged, "sbk_nothing", `sbk_${"A".repeat(8)}_${"b".repeat(40)}`])
        expect((await withKey(secret).get("/api/cases")).status).toBe(401);
    });

    it("answers bad input with 400 and writes nothing", async () => {
      const before = await app.services.db.select({ id: apiKeys.id }).from(apiKeys);
      const eventsBefore = (await app.admin.get("/api/admin/security-log?kind=api_key_created")).body.items
        .length;
      const bad: Record<string, unknown>[] = [
        { name: "", scopes: ["cases:read"] },
        { name: "x".repeat(81), scopes: ["cases:read"] },
        { name: "no scopes", scopes: [] },
        { name: "unknown scope", scopes: ["everything"] },
        { name: "no queues", scopes: ["cases:read"], queueIds: [] },
        { name: "not a queue id", scopes: ["cases:read"], queueIds: ["billing"] },
        { name: "unknown queue", scopes: ["cases:read"], queueIds: [randomUUID()] },
        { name: "past", scopes: ["cases:read"], expiresAt: new Date(Date.now() - 60_000).toISOString() },
        { name: "not a date", scopes: ["cases:read"], expiresAt: "tomorrow" },
      ];
      for (const body of bad) {
        const answer = await app.admin.post("/api/admin/api-keys", body);
        expect(answer.status, `${JSON.stringify(body)} → ${JSON.stringify(answer.body)}`).toBe(400);
        expect(answer.body.message.length).toBeGreaterThan(10);
      }
      const taken = await createKey({ name: "Taken name", scopes: ["reports"] });
      expect(
        (await app.admin.post("/api/admin/api-keys", { name: "Taken name", scopes: ["reports"] })).status,
      ).toBe(409);
      const after = await app.services.db.select({ id: apiKeys.id }).from(apiKeys);
      expect(after.length).toBe(before.length + 1);
      expect(after.map((row) => row.id)).toContain(taken.id);
      const eventsAfter = (await app.admin.get("/api/admin/security-log?kind=api_key_created")).body.items
        .length;
      expect(eventsAfter).toBe(eventsBefore + 1);
    });

    it("is for admins only", async () => {
      const supervisor = await app.createAgent({ role: "supervisor" });
      expect((await supervisor.api.get("/api/admin/api-keys")).status).toBe(403);
      expect(
        (await supervisor.api.post("/api/admin/api-keys", { name: "mine", scopes: ["admin"] })).status,
      ).toBe(403);
    });
  });

  describe("what a key may reach", () => {
    it("limits a key to its queues' cases, even though its admin sees every queue", async () => {
      const billing = await queue("billing");
      const sales = await queue("sales");
      const billingCase = await caseIn(billing, "Invoice twice");
      const salesCase = await caseIn(sales, "Upgrade my plan");
      const key = await createKey({ scopes: ["cases:read", "cases:write"], queueIds: [billing] });
      const api = withKey(key.secret);
      const list = await api.get("/api/cases?limit=100");
      const ids = list.body.items.map((item: { id: string }) => item.id);
      expect(ids).toContain(billingCase);
      expect(ids).not.toContain(salesCase);
      expect((await api.get(`/api/cases/${billingCase}`)).status).toBe(200);
      expect((await api.get(`/api/cases/${salesCase}`)).status).toBe(404);
      expect((await api.request("PATCH", `/api/cases/${salesCase}`, { priority: "high" })).status).toBe(404);
      // The admin's own session still sees both.
      expect((await app.admin.get(`/api/cases/${salesCase}`)).status).toBe(200);
    });

    it("names the key in the case's audit trail and in the security log", async () => {
      const row = await newCase(app.services, { body: "Audit me" });
      const key = await createKey({ name: "Ticket bridge", scopes: ["cases:write", "admin"] });
      const api = withKey(key.secret);
      const edited = await api.request("PATCH", `/api/cases/${row.id}`, { priority: "urgent" });
      expect(edited.status, JSON.stringify(edited.body)).toBe(200);
      const audits = await app.services.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id));
      const byKey = audits.filter((audit) => audit.details.via === "API key 'Ticket bridge'");
      expect(byKey.length).toBeGreaterThan(0);
      expect(byKey[0]).toMatchObject({ actorType: "agent", details: { apiKeyId: key.id } });
      // Audit rows written by the admin's own session say nothing of a key.
      await app.admin.request("PATCH", `/api/cases/${row.id}`, { priority: "low" });
      const all = await app.services.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id));
      expect(all.length).toBeGreaterThan(audits.length);
      expect(all.filter((audit) => audit.details.via).length).toBe(byKey.length);

      const person = await app.createAgent();
      const promoted = await api.request("PATCH", `/api/agents/${person.id}`, { role: "supervisor" });
      expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
      const log = await app.admin.get(`/api/admin/security-log?kind=role_changed&agentId=${person.id}`);
      expect(log.body.items[0]).toMatchObject({
        details: { via: "API key 'Ticket bridge'", apiKeyId: key.id },
      });
    });

    it("refuses routes only a person may call, whatever the key's scopes", async () => {
      const key = await createKey({ scopes: ["cases:read", "cases:write", "contacts", "reports", "admin"] });
      const api = withKey(key.secret);
      for (const [method, path] of [
        ["GET", "/api/me"],
        ["GET", "/api/auth/session"],
        ["POST", "/api/me/presence"],
        ["GET", "/api/admin/api-keys"],
        ["POST", "/api/admin/api-keys"],
      ] as const) {
        const answer = await api.request(method, path, method === "POST" ? {} : undefined);
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.body.message).toMatch(/^API keys cannot /);
      }
    });

    it("is refused on the console's live channel", async () => {
      const key = await createKey({ scopes: ["cases:read", "cases:write", "contacts", "reports", "admin"] });
      await expect(connectAgent(app.url, key.secret)).rejects.toThrow(/API keys cannot connect/);
    });
  });

  it("never writes a secret to the log", () => {
    expect(secrets.length).toBeGreaterThan(5);
    expect(logged.length).toBeGreaterThan(0);
    const text = logged.join("");
    for (const secret of secrets) expect(text).not.toContain(secret.slice(13));
  });
});
