/**
 * The security log records sign-ins, failures, lockouts and account changes with who, whom, when
 * and from where — never a password — and admins read it newest first, filtered and paged.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import { pruneSecurityEvents } from "../../server/auth/security-log.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

describe("security log", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: "2" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const log = async (query = "") => (await app.admin.get(`/api/admin/security-log${query}`)).body;

  it("records sign-ins, failures and lockouts, account changes and sign-outs, and never a password", async () => {
    const created = await app.admin.post("/api/agents", {
      email: "lena.log@example.com",
      name: "Lena Log",
      password: "quartz-meadow-harbor-19",
      role: "agent",
    });
    expect(created.status).toBe(201);
    const lena = created.body.id as string;
    const api = createApi(app.url);
    const wrong = { email: "lena.log@example.com", password: "not-her-password-at-all" };
    expect((await api.post("/api/auth/login", wrong)).status).toBe(401);
    expect((await api.post("/api/auth/login", wrong)).status).toBe(401);
    expect((await api.post("/api/auth/login", wrong)).status).toBe(429);
    await app.services.db.execute(sql`delete from login_failures where email = 'lena.log@example.com'`);
    await api.login("lena.log@example.com", "quartz-meadow-harbor-19");
    await api.post("/api/auth/logout", {});
    expect((await app.admin.request("PATCH", `/api/agents/${lena}`, { role: "supervisor" })).status).toBe(
      200,
    );
    expect((await app.admin.request("PATCH", `/api/agents/${lena}`, { active: false })).status).toBe(200);

    const { items } = await log(`?agentId=${lena}&limit=200`);
    const kinds = (items as { kind: string }[]).map((event) => event.kind).reverse();
    expect(kinds).toEqual(["agent_created", "sign_in", "sign_out", "role_changed", "agent_deactivated"]);
    const byKind = new Map((items as { kind: string }[]).map((event) => [event.kind, event]));
    expect(byKind.get("role_changed")).toMatchObject({ details: { from: "agent", to: "supervisor" } });
    expect(byKind.get("sign_in")).toMatchObject({ agentId: lena, ip: expect.stringMatching(/127\.0\.0\.1/) });
    const failures = await log("?kind=sign_in_failed,sign_in_refused");
    const hers = (failures.items as { email: string; kind: string }[]).filter(
      (event) => event.email === "lena.log@example.com",
    );
    expect(hers.map((event) => event.kind)).toEqual(["sign_in_refused", "sign_in_failed", "sign_in_failed"]);
    const everything = await queryRows<{ row: string }>(
      app.services.db,
      sql`select row_to_json(security_events)::text as row from security_events`,
    );
    for (const { row } of everything) {
      expect(row).not.toContain("quartz-meadow");
      expect(row).not.toContain("not-her-password");
    }
  });

  it("pages newest first with a cursor, refuses people who are not admins and prunes old entries", async () => {
    const first = await log("?limit=2");
    expect(first.items).toHaveLength(2);
    const second = await log(`?limit=2&cursor=${first.nextCursor}`);
    expect(second.items[0].at <= first.items[1].at).toBe(true);
    expect(second.items.map((event: { id: string }) => event.id)).not.toContain(first.items[1].id);
    const agent = await app.createAgent();
    expect((await agent.api.get("/api/admin/security-log")).status).toBe(403);
    expect((await log("?kind=nonsense")).error).toBe("validation_failed");

    await app.services.db.execute(sql`update security_events set at = now() - interval '400 days'`);
    expect(
      await pruneSecurityEvents(app.services.db, new Date(Date.now() - 365 * 24 * 3600_000)),
    ).toBeGreaterThan(0);
    expect((await log()).items).toEqual([]);
  });
});
