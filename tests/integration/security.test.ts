/**
 * Holes a security review found, each closed with a test that failed before: sign-in attempts sent
 * all at once, forms and cookie-riding requests from other origins, inputs answered 500, addresses
 * a client writes into X-Forwarded-For, and a console that kept its token where script could read it
 * (it now asks who is signed in with the HttpOnly cookie alone).
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { queryRows } from "../../db/rows.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

describe("security holes closed", () => {
  let app: TestApp;
  beforeAll(async () => {
    // The failure counts are under test here, not the per-minute request limit.
    app = await startTestApp({ env: { RATE_LIMIT_SIGN_IN_PER_MINUTE: "1000" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("counts wrong passwords sent all at once: only the limit's worth are even checked", async () => {
    const agent = await app.createAgent();
    const api = createApi(app.url);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        api.post("/api/auth/login", { email: agent.email, password: "wrong" }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(25);
    // The right password is refused too, until the window passes.
    expect(
      (await api.post("/api/auth/login", { email: agent.email, password: "agent-password" })).status,
    ).toBe(429);
  });

  describe("inputs that used to be answered 500", () => {
    it("answers an empty update with the thing as it is, and an unknown skill or escalation rule with a 4xx", async () => {
      const skill = await app.admin.post("/api/skills", { name: `fuzz-${randomUUID().slice(0, 8)}` });
      expect(skill.status).toBe(201);
      // Nothing to change: the skill as it is.
      const unchanged = await app.admin.request("PATCH", `/api/skills/${skill.body.id}`, {});
      expect(unchanged.status).toBe(200);
      expect(unchanged.body).toEqual(skill.body);
      for (const [path, body] of [
        [`/api/skills/${randomUUID()}`, { name: "ghost" }],
        [`/api/skills/${randomUUID()}`, {}],
        [`/api/sla/escalation-rules/${randomUUID()}`, {}],
        [`/api/sla/escalation-rules/${randomUUID()}`, { enabled: false }],
      ] as const) {
        const response = await app.admin.request("PATCH", path, body);
        expect(
          response.status,
          `${path} ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`,
        ).toBeGreaterThanOrEqual(400);
        expect(response.status, path).toBeLessThan(500);
        expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
    });

    it("answers interval figures asked for with dates it cannot read with a 400", async () => {
      const response = await app.admin.get("/api/metrics/intervals?from=x&to=x");
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: "validation_failed" });
    });
  });

  describe("requests riding the session cookie (CSRF)", () => {
    /** Signs in as the admin and returns the session cookie the browser would hold. */
    const adminCookie = async () => {
      const response = await fetch(`${app.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@example.com", password: "admin-password" }),
      });
      expect(response.status).toBe(200);
      return response.headers.get("set-cookie")!.split(";")[0]!;
    };
    const agentCount = async () =>
      Number(
        (await queryRows<{ n: number }>(app.services.db, sql`select count(*)::int as n from agents`))[0]!.n,
      );
    const newAgent = () => ({
      email: `csrf-${randomUUID()}@example.com`,
      name: "Mallory",
      password: "rowing-kettle-42-lantern",
      role: "admin",
    });

    it("refuses a plain HTML form posted to the API, and creates nothing", async () => {
      const cookie = await adminCookie();
      const before = await agentCount();
      const response = await fetch(`${app.url}/api/agents`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams(newAgent()).toString(),
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({
        error: "unsupported_media_type",
        message: expect.stringMatching(/JSON/),
      });
      expect(await agentCount()).toBe(before);
    });

    it("refuses a cookie-authenticated change from another origin or site, and creates nothing", async () => {
      const cookie = await adminCookie();
      const before = await agentCount();
      const port = Number(new URL(app.url).port);
      const foreign: Record<string, string>[] = [
        { origin: `http://127.0.0.1:${port + 1}` },
        { "sec-fetch-site": "same-site" },
        { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      ];
      for (const headers of foreign) {
        const response = await fetch(`${app.url}/api/agents`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie, ...headers },
          body: JSON.stringify(newAgent()),
        });
        expect(response.status, JSON.stringify(headers)).toBe(403);
        expect(await response.json()).toMatchObject({
          error: "forbidden",
          message: expect.stringMatching(/origin/i),
        });
      }
      expect(await agentCount()).toBe(before);
      // From our own origin it is fine, as is a bearer token from anywhere.
      const own = await fetch(`${app.url}/api/agents`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          cookie,
          origin: app.url,
          "sec-fetch-site": "same-origin",
        },
        body: JSON.stringify(newAgent()),
      });
      expect(own.status).toBe(201);
      const bearer = await app.admin.request("POST", "/api/agents", newAgent(), {
        origin: "https://evil.example",
      });
      expect(bearer.status).toBe(201);
    });
  });
});

describe("browser security headers", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  const policyOf = (response: Response) =>
    new Map(
      (response.headers.get("content-security-policy") ?? "")
        .split(";")
        .map((part) => part.trim().split(/\s+/))
        .filter((words) => words[0])
        .map(([name, ...values]) => [name!, values]),
    );

  it("gives the console, the status page and the API docs a strict policy, no framing and no Referer", async () => {
    const row = await newCase(app.services, { body: "Headers, please" });
    const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
    for (const path of ["/", "/cases/123", `/status/${token}`, "/docs/", "/health"]) {
      const response = await fetch(`${app.url}${path}`, { headers: { accept: "text/html" } });
      await response.arrayBuffer();
      const policy = policyOf(response);
      expect(policy.get("script-src"), path).toEqual(["'self'"]);
      expect(policy.get("object-src"), path).toEqual(["'none'"]);
      expect(policy.get("frame-ancestors"), path).toEqual(["'none'"]);
      expect(policy.get("form-action"), path).toEqual(["'self'"]);
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("cross-origin-resource-policy"), path).toBe("same-origin");
      // Over plain http there is no HSTS to send.
      expect(response.headers.get("strict-transport-security"), path).toBeNull();
    }
  });

  it("lets customers' sites load the chat widget's script", async () => {
    const response = await fetch(`${app.url}/widget.js`);
    await response.arrayBuffer();
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("behind https (PUBLIC_URL)", () => {
  it("sends HSTS, for this host only, and upgrades insecure requests", async () => {
    const app = await startTestApp({ env: { PUBLIC_URL: "https://support.example.com" } });
    try {
      const response = await fetch(`${app.url}/`);
      await response.arrayBuffer();
      expect(response.headers.get("strict-transport-security")).toBe("max-age=15552000");
      expect(response.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    } finally {
      await app.close();
    }
  });
});

describe("behind a proxy (TRUST_PROXY), default body limits", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: "1", LOGIN_MAX_FAILURES_PER_IP: "3" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("believes only the hop it trusts, so a client cannot pick its address to dodge the limit", async () => {
    const api = createApi(app.url);
    const attempt = (n: number) =>
      api.request(
        "POST",
        "/api/auth/login",
        { email: `nobody-${n}@example.com`, password: "wrong" },
        // What the client wrote, then what our one proxy saw.
        { "x-forwarded-for": `198.51.100.${n}, 203.0.113.9` },
      );
    for (let n = 1; n <= 3; n++) expect((await attempt(n)).status).toBe(401);
    const refused = await attempt(4);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/from this address/);
  });

  it("refuses a JSON body nested thousands of levels deep, before anything reads it", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const anonymous = await createApi(app.url).request("POST", "/api/auth/login", deep);
    expect(anonymous.status).toBe(400);
    expect(anonymous.body).toMatchObject({
      error: "validation_failed",
      message: expect.stringMatching(/nested/),
    });
    const signedIn = await app.admin.request("POST", "/api/skills", deep);
    expect(signedIn.status).toBe(400);
  });

  it("checks who is asking before it reads what they sent: an anonymous caller learns no field of a body", async () => {
    const anonymous = createApi(app.url);
    const answer = await anonymous.post("/api/agents", { nonsense: true });
    expect(answer.status).toBe(401);
    expect(JSON.stringify(answer.body)).not.toMatch(/email|password|role/);
    // A signed-in agent without the role is refused before validation too.
    const agent = await app.createAgent();
    const asAgent = createApi(app.url);
    await asAgent.login(agent.email, "agent-password");
    const refused = await asAgent.post("/api/agents", { nonsense: true });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toMatch(/email|password/);
  });

  describe("the console's session cookie", () => {
    const signIn = (email: string, password: string) =>
      fetch(`${app.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
    const session = (headers: Record<string, string> = {}) =>
      fetch(`${app.url}/api/auth/session`, { headers });

    it("is HttpOnly, SameSite=Lax, for the whole site, and lives as long as the session", async () => {
      const agent = await app.createAgent();
      const response = await signIn(agent.email, "agent-password");
      expect(response.status).toBe(200);
      const attributes = response.headers
        .get("set-cookie")!
        .split(";")
        .map((part) => part.trim());
      expect(attributes[0]).toBe(`sb_session=${(await response.json()).token}`);
      expect(attributes).toEqual(
        expect.arrayContaining([
          "HttpOnly",
          "SameSite=Lax",
          "Path=/",
          `Max-Age=${app.config.sessionTtlMs / 1000}`,
        ]),
      );
      // The test app's PUBLIC_URL is plain http: a Secure cookie would never come back.
      expect(attributes).not.toContain("Secure");
    });

    it("is Secure when the console is served over https", async () => {
      const secure = await startTestApp({ env: { PUBLIC_URL: "https://console.switchboard.test" } });
      try {
        const response = await fetch(`${secure.url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "admin@example.com", password: "admin-password" }),
        });
        expect(response.status).toBe(200);
        expect(response.headers.get("set-cookie")).toMatch(/; Secure(;|$)/);
      } finally {
        await secure.close();
      }
    });

    it("tells who is signed in from the cookie alone, and 401 without it or after sign-out", async () => {
      const agent = await app.createAgent({ name: "Cora Cookie" });
      const login = await signIn(agent.email, "agent-password");
      const { token, expiresAt } = await login.json();
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;

      const byCookie = await session({ cookie });
      expect(byCookie.status).toBe(200);
      const answer = await byCookie.json();
      expect(answer).toEqual({
        agent: { id: agent.id, email: agent.email, name: "Cora Cookie", role: "agent", timeZone: null },
        expiresAt,
      });
      // Who and until when; never the token itself.
      expect(JSON.stringify(answer)).not.toContain(token);
      // API clients may ask with their bearer token.
      expect((await session({ authorization: `Bearer ${token}` })).status).toBe(200);

      const anonymous = await session();
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({
        error: "unauthenticated",
        message: expect.any(String),
      });

      // Signing out with the cookie (as the console does) revokes the session and clears the cookie.
      const logout = await fetch(`${app.url}/api/auth/logout`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, "sec-fetch-site": "same-origin" },
        body: "{}",
      });
      expect(logout.status).toBe(204);
      const cleared = logout.headers
        .get("set-cookie")!
        .split(";")
        .map((part) => part.trim());
      expect(cleared[0]).toBe("sb_session=");
      expect(cleared).toEqual(expect.arrayContaining(["Max-Age=0", "Path=/", "HttpOnly", "SameSite=Lax"]));
      const after = await session({ cookie });
      expect(after.status).toBe(401);
      expect((await after.json()).error).toBe("unauthenticated");
      expect((await session({ authorization: `Bearer ${token}` })).status).toBe(401);
    });
  });
});
