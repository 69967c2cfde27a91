/**
 * Two-factor sign-in (RFC 6238 TOTP with recovery codes): enrolment from a session, a password that
 * earns only a short-lived challenge, the code that turns the challenge into a session, and the
 * roles an admin requires it for. The app runs on a clock the test moves, so TOTP steps, replays
 * and expiry are decided, not waited for.
 */
import { sql } from "drizzle-orm";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import { type Api, createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

const PASSWORD = "agent-password";

describe("two-factor sign-in", () => {
  let app: TestApp;
  let now = new Date("2026-12-07T10:00:00.000Z");
  /** Moves the app's clock on by whole TOTP steps (30 s each). */
  const nextStep = (steps = 1) => {
    now = new Date(now.getTime() + steps * 30_000);
  };
  const codeFor = (secret: string) => generate({ secret, epoch: Math.floor(now.getTime() / 1000) });

  beforeAll(async () => {
    app = await startTestApp({
      clock: () => now,
      env: { RATE_LIMIT_SIGN_IN_PER_MINUTE: "1000", LOGIN_MAX_FAILURES_PER_IP: "1000" },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** An agent with two-factor sign-in enabled: its secret, recovery codes and signed-in client. */
  async function enrolledAgent(role: "agent" | "supervisor" = "agent") {
    const agent = await app.createAgent({ role });
    const setup = await agent.api.post("/api/me/2fa/setup");
    expect(setup.status).toBe(200);
    const secret = setup.body.secret as string;
    nextStep();
    const enabled = await agent.api.post("/api/me/2fa/enable", { code: await codeFor(secret) });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    return { ...agent, secret, recoveryCodes: enabled.body.recoveryCodes as string[] };
  }

  const login = (email: string, password = PASSWORD) =>
    createApi(app.url).post("/api/auth/login", { email, password });

  async function challengeFor(email: string): Promise<string> {
    const answer = await login(email);
    expect(answer.status).toBe(200);
    return answer.body.challenge.token as string;
  }

  it("enrols: setup hands out a secret and URI without enabling; a current code enables it with 10 recovery codes", async () => {
    const agent = await app.createAgent();
    const setup = await agent.api.post("/api/me/2fa/setup");
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(setup.body.uri).toContain("issuer=Switchboard");
    expect(decodeURIComponent(setup.body.uri)).toContain(agent.email);
    // Not enabled yet: the password alone still signs in.
    expect((await login(agent.email)).body.token).toEqual(expect.any(String));
    expect((await agent.api.get("/api/me/2fa")).body).toMatchObject({ enabled: false });

    const wrong = await agent.api.post("/api/me/2fa/enable", { code: "000000" });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });

    nextStep();
    const enabled = await agent.api.post("/api/me/2fa/enable", { code: await codeFor(setup.body.secret) });
    expect(enabled.status).toBe(200);
    expect(enabled.body.recoveryCodes).toHaveLength(10);
    expect(new Set(enabled.body.recoveryCodes).size).toBe(10);
    expect((await agent.api.get("/api/me/2fa")).body).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    // Neither the secret nor a recovery code is stored in clear.
    const stored = JSON.stringify(
      await queryRows(
        app.services.db,
        sql`select t.*, r.code_hash from two_factors t join recovery_codes r using (agent_id) where agent_id = ${agent.id}`,
      ),
    );
    expect(stored).not.toContain(setup.body.secret);
    for (const code of enabled.body.recoveryCodes) expect(stored).not.toContain(code);
  });

  it("answers a right password with a challenge only: no session, no cookie, and the challenge is no session", async () => {
    const agent = await enrolledAgent();
    const answer = await login(agent.email);
    expect(answer.status).toBe(200);
    expect(answer.body.token).toBeUndefined();
    expect(answer.headers.get("set-cookie")).toBeNull();
    expect(answer.body.challenge).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      enrolRequired: false,
    });
    expect(new Date(answer.body.challenge.expiresAt).getTime() - now.getTime()).toBe(5 * 60_000);
    const asSession = createApi(app.url, answer.body.challenge.token);
    expect((await asSession.get("/api/me")).status).toBe(401);
    expect((await asSession.get("/api/auth/session")).status).toBe(401);
  });

  it("turns the challenge and a right code into a session with the same cookie a login sets, once", async () => {
    const agent = await enrolledAgent();
    const challengeToken = await challengeFor(agent.email);
    nextStep();
    const code = await codeFor(agent.secret);
    const signedIn = await createApi(app.url).post("/api/auth/login/2fa", { challengeToken, code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ token: expect.any(String), agent: { id: agent.id } });
    const cookie = signedIn.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^sb_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await createApi(app.url, signedIn.body.token).get("/api/me")).status).toBe(200);

    // The challenge is spent, and the same step's code does not sign in again.
    nextStep();
    const again = await createApi(app.url).post("/api/auth/login/2fa", {
      challengeToken,
      code: await codeFor(agent.secret),
    });
    expect(again.status).toBe(401);
    const replay = await createApi(app.url).post("/api/auth/login/2fa", {
      challengeToken: await challengeFor(agent.email),
      code,
    });
    expect(replay.status).toBe(401);
    expect(replay.body.message).toMatch(/code/i);
  });

  it("refuses a wrong code and counts it with the password failures, until the account is locked", async () => {
    const agent = await enrolledAgent();
    const challengeToken = await challengeFor(agent.email);
    const client = createApi(app.url);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++)
      statuses.push((await client.post("/api/auth/login/2fa", { challengeToken, code: "123456" })).status);
    // The password counts until the sign-in completes: 1 + 4 wrong codes reach the limit of 5.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    nextStep();
    const right = await client.post("/api/auth/login/2fa", {
      challengeToken,
      code: await codeFor(agent.secret),
    });
    expect(right.status).toBe(429);
    // The window passes, and the right code then works.
    nextStep(31);
    const later = await client.post("/api/auth/login/2fa", {
      challengeToken: await challengeFor(agent.email),
      code: await codeFor(agent.secret),
    });
    expect(later.status, JSON.stringify(later.body)).toBe(200);
  });

  it("takes a recovery code once", async () => {
    const agent = await enrolledAgent();
    const [recoveryCode] = agent.recoveryCodes;
    const first = await createApi(app.url).post("/api/auth/login/2fa", {
      challengeToken: await challengeFor(agent.email),
      code: recoveryCode,
    });
    expect(first.status).toBe(200);
    expect((await agent.api.get("/api/me/2fa")).body).toMatchObject({ recoveryCodesLeft: 9 });
    const second = await createApi(app.url).post("/api/auth/login/2fa", {
      challengeToken: await challengeFor(agent.email),
      code: recoveryCode,
    });
    expect(second.status).toBe(401);
  });

  it("lets a challenge expire after five minutes", async () => {
    const agent = await enrolledAgent();
    const challengeToken = await challengeFor(agent.email);
    nextStep(11);
    const late = await createApi(app.url).post("/api/auth/login/2fa", {
      challengeToken,
      code: await codeFor(agent.secret),
    });
    expect(late.status).toBe(401);
    expect(late.body.message).toMatch(/sign in again/i);
  });

  it("disables only with the password and a current code (or a recovery code)", async () => {
    const agent = await enrolledAgent();
    nextStep();
    const noPassword = await agent.api.post("/api/me/2fa/disable", {
      password: "wrong-password",
      code: await codeFor(agent.secret),
    });
    expect(noPassword.status).toBe(403);
    const noCode = await agent.api.post("/api/me/2fa/disable", { password: PASSWORD, code: "000000" });
    expect(noCode.status).toBe(403);
    expect((await agent.api.get("/api/me/2fa")).body).toMatchObject({ enabled: true });
    nextStep();
    const disabled = await agent.api.post("/api/me/2fa/disable", {
      password: PASSWORD,
      code: agent.recoveryCodes[3],
    });
    expect(disabled.status).toBe(204);
    expect((await agent.api.get("/api/me/2fa")).body).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect((await login(agent.email)).body.token).toEqual(expect.any(String));
  });

  it("regenerates recovery codes with a current code, and the old ones stop working", async () => {
    const agent = await enrolledAgent();
    nextStep();
    const fresh = await agent.api.post("/api/me/2fa/recovery-codes", { code: await codeFor(agent.secret) });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    const old = await createApi(app.url).post("/api/auth/login/2fa", {
      challengeToken: await challengeFor(agent.email),
      code: agent.recoveryCodes[0],
    });
    expect(old.status).toBe(401);
  });

  it("signs out the agent's other sessions when the second factor changes, keeping the one that changed it", async () => {
    const agent = await app.createAgent();
    const otherTab = createApi(app.url);
    await otherTab.login(agent.email, PASSWORD);
    const setup = await agent.api.post("/api/me/2fa/setup");
    nextStep();
    const enabled = await agent.api.post("/api/me/2fa/enable", { code: await codeFor(setup.body.secret) });
    expect(enabled.status).toBe(200);
    expect((await otherTab.get("/api/auth/session")).status).toBe(401);
    expect((await agent.api.get("/api/auth/session")).status).toBe(200);

    // A session signed in with the second factor, then new recovery codes from the first one.
    const second = createApi(app.url);
    nextStep();
    const withCode = await second.post("/api/auth/login/2fa", {
      challengeToken: await challengeFor(agent.email),
      code: await codeFor(setup.body.secret),
    });
    second.token = withCode.body.token;
    expect((await second.get("/api/auth/session")).status).toBe(200);
    nextStep();
    const fresh = await agent.api.post("/api/me/2fa/recovery-codes", {
      code: await codeFor(setup.body.secret),
    });
    expect(fresh.status).toBe(200);
    expect((await second.get("/api/auth/session")).status).toBe(401);
    expect((await agent.api.get("/api/auth/session")).status).toBe(200);

    // An admin's reset signs every session of the agent out: whoever holds the lost factor is out too.
    expect((await app.admin.request("DELETE", `/api/agents/${agent.id}/2fa`)).status).toBe(204);
    expect((await agent.api.get("/api/auth/session")).status).toBe(401);
    const [logged] = await queryRows<{ n: number }>(
      app.services.db,
      sql`select count(*)::int as n from security_events where kind = 'sessions_revoked' and agent_id = ${agent.id}`,
    );
    expect(logged?.n).toBe(3);
  });

  it("lets an admin reset a lost second factor, and nobody else", async () => {
    const agent = await enrolledAgent();
    const colleague = await app.createAgent({ role: "supervisor" });
    expect((await colleague.api.request("DELETE", `/api/agents/${agent.id}/2fa`)).status).toBe(403);
    expect((await login(agent.email)).body.challenge).toBeDefined();
    expect((await app.admin.request("DELETE", `/api/agents/${agent.id}/2fa`)).status).toBe(204);
    expect((await login(agent.email)).body.token).toEqual(expect.any(String));
  });

  it("forces enrolment on a role an admin requires it for; the challenge opens enrolment and nothing else", async () => {
    const supervisor = await app.createAgent({ role: "supervisor" });
    const agentOnly = await app.createAgent({ role: "agent" });
    const forbidden = await supervisor.api.request("PUT", "/api/settings/2fa", { requiredFor: ["agent"] });
    expect(forbidden.status).toBe(403);
    const set = await app.admin.request("PUT", "/api/settings/2fa", { requiredFor: ["supervisor"] });
    expect(set.status).toBe(200);
    expect((await app.admin.get("/api/settings/2fa")).body).toEqual({ requiredFor: ["supervisor"] });
    try {
      // Agents are not asked.
      expect((await login(agentOnly.email)).body.token).toEqual(expect.any(String));

      const answer = await login(supervisor.email);
      expect(answer.body.challenge).toMatchObject({ enrolRequired: true });
      const challengeToken = answer.body.challenge.token as string;
      const anonymous = createApi(app.url);
      // No code can complete it before enrolment.
      expect((await anonymous.post("/api/auth/login/2fa", { challengeToken, code: "123456" })).status).toBe(
        409,
      );
      // The challenge is no session for the signed-in enrolment routes either.
      expect((await createApi(app.url, challengeToken).post("/api/me/2fa/setup")).status).toBe(401);

      const setup = await anonymous.post("/api/auth/login/2fa/setup", { challengeToken });
      expect(setup.status).toBe(200);
      nextStep();
      const enabled = await anonymous.post("/api/auth/login/2fa/enable", {
        challengeToken,
        code: await codeFor(setup.body.secret),
      });
      expect(enabled.status).toBe(200);
      expect(enabled.body.recoveryCodes).toHaveLength(10);
      expect(enabled.body.session).toMatchObject({ token: expect.any(String), agent: { id: supervisor.id } });
      expect(enabled.headers.get("set-cookie")).toMatch(/^sb_session=/);
      // Spent: the challenge cannot enrol again.
      expect((await anonymous.post("/api/auth/login/2fa/setup", { challengeToken })).status).toBe(401);

      // An enrolled agent's challenge does not open enrolment (a password alone cannot replace a factor).
      const next = await challengeFor(supervisor.email);
      expect((await anonymous.post("/api/auth/login/2fa/setup", { challengeToken: next })).status).toBe(409);
      // A required factor cannot be switched off.
      nextStep();
      const off = await createApi(app.url, enabled.body.session.token).post("/api/me/2fa/disable", {
        password: PASSWORD,
        code: await codeFor(setup.body.secret),
      });
      expect(off.status).toBe(409);
    } finally {
      await app.admin.request("PUT", "/api/settings/2fa", { requiredFor: [] });
    }
  });

  it("answers bad input with a 4xx and an error body, and writes nothing", async () => {
    const agent = await app.createAgent();
    const anonymous: Api = createApi(app.url);
    const cases: [Api, string, string, unknown][] = [
      [anonymous, "POST", "/api/auth/login/2fa", {}],
      [anonymous, "POST", "/api/auth/login/2fa", { challengeToken: "x".repeat(5000), code: "1" }],
      [anonymous, "POST", "/api/auth/login/2fa", { challengeToken: "nope", code: "123456" }],
      [anonymous, "POST", "/api/auth/login/2fa/setup", { challengeToken: "nope" }],
      [anonymous, "POST", "/api/auth/login/2fa/enable", { challengeToken: "nope", code: "123456" }],
      [agent.api, "POST", "/api/me/2fa/enable", { code: "123456" }],
      [agent.api, "POST", "/api/me/2fa/enable", { code: 42 }],
      [agent.api, "POST", "/api/me/2fa/disable", { password: PASSWORD }],
      [agent.api, "POST", "/api/me/2fa/recovery-codes", { code: "123456" }],
      [app.admin, "PUT", "/api/settings/2fa", { requiredFor: ["owner"] }],
      [app.admin, "PUT", "/api/settings/2fa", {}],
    ];
    for (const [client, method, path, body] of cases) {
      const response = await client.request(method, path, body);
      const label = `${method} ${path} ${JSON.stringify(body).slice(0, 60)}: ${response.status}`;
      expect(response.status, label).toBeGreaterThanOrEqual(400);
      expect(response.status, label).toBeLessThan(500);
      expect(response.body, label).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    expect((await agent.api.get("/api/me/2fa")).body).toMatchObject({ enabled: false });
    expect((await app.admin.get("/api/settings/2fa")).body).toEqual({ requiredFor: [] });
  });
});
