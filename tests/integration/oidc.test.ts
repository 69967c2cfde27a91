/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider) started by the test, walked
 * over plain HTTP as a browser would: a known agent gets a working session, an unknown one is
 * refused (and nothing is created) unless just-in-time creation is on, a role claim sets the role
 * at each sign-in, a forged state is a 400 that writes nothing, and the admin API never hands the
 * client secret back. One app is configured through the admin API, one through OIDC_* variables.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows.ts";
import { type Api, createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { CookieJar, walkSignIn } from "../helpers/oidc-browser.ts";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider.ts";
import { freePort } from "../helpers/server-process.ts";

const ROLE_MAP = { "sb-admins": "admin", "sb-supervisors": "supervisor", "sb-agents": "agent" } as const;

async function appOnPort(port: number, env: Record<string, string> = {}) {
  return startTestApp({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      RATE_LIMIT_SIGN_IN_PER_MINUTE: "1000",
      ...env,
    },
  });
}

/** Signs in through the provider as `login`; where the browser lands and its cookies. */
async function ssoSignIn(app: TestApp, login: string, onCallback?: (url: URL) => URL) {
  const jar = new CookieJar();
  const walked = await walkSignIn(jar, new URL("/api/auth/oidc/start", app.url), {
    appOrigin: app.url,
    login,
    onCallback,
  });
  return { ...walked, jar };
}

async function sessionOf(app: TestApp, jar: CookieJar) {
  const url = new URL("/api/auth/session", app.url);
  const response = await fetch(url, { headers: { cookie: jar.header(url) } });
  return {
    status: response.status,
    body: (await response.json()) as { agent?: { email: string; role: string } },
  };
}

async function count(app: TestApp, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    app.services.db,
    sql.raw(`select count(*)::int as n from ${table}`),
  );
  return Number(row?.n);
}

async function lastEvent(app: TestApp, kind: string) {
  const [row] = await queryRows<{
    email: string | null;
    agent_id: string | null;
    details: Record<string, unknown>;
  }>(
    app.services.db,
    sql`select email, agent_id, details from security_events where kind = ${kind} order by at desc limit 1`,
  );
  return row;
}

const put = (api: Api, body: unknown) => api.request("PUT", "/api/admin/sso", body);

describe("single sign-on configured by an admin", () => {
  let provider: TestOidcProvider;
  let app: TestApp;
  let settings: Record<string, unknown>;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/api/auth/oidc/callback`] });
    app = await appOnPort(port);
    expect((await app.admin.get("/api/admin/sso")).body).toMatchObject({
      source: "none",
      enabled: false,
      clientSecretSet: false,
    });
    expect((await createApi(app.url).get("/api/auth/oidc")).body).toEqual({ enabled: false, label: null });
    settings = {
      enabled: true,
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      roleClaim: "groups",
      roleMap: ROLE_MAP,
      createUsers: false,
      buttonLabel: "Sign in with Test IdP",
    };
    const saved = await put(app.admin, settings);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  it("tells the sign-in page that single sign-on is on, with the button's label", async () => {
    const info = await createApi(app.url).get("/api/auth/oidc");
    expect(info.body).toEqual({ enabled: true, label: "Sign in with Test IdP" });
  });

  it("signs a known agent in with a working session, links the identity, and logs it", async () => {
    const agent = await app.createAgent({ role: "agent" });
    provider.people.set("known", { email: agent.email.toUpperCase(), email_verified: true, name: "Known" });
    const { final, jar } = await ssoSignIn(app, "known");
    expect(final.pathname + final.search).toBe("/");
    expect(jar.has("sb_oidc")).toBe(false);
    const session = await sessionOf(app, jar);
    expect(session.status).toBe(200);
    expect(session.body.agent).toMatchObject({ email: agent.email, role: "agent" });
    const [identity] = await queryRows<{ agent_id: string; subject: string; last_sign_in_at: Date | null }>(
      app.services.db,
      sql`select agent_id, subject, last_sign_in_at from sso_identities where subject = 'known'`,
    );
    expect(identity).toMatchObject({ agent_id: agent.id, subject: "known" });
    expect(identity?.last_sign_in_at).not.toBeNull();
    expect(await lastEvent(app, "sign_in")).toMatchObject({
      agent_id: agent.id,
      details: { method: "oidc", linked: true },
    });

    // Linked now: the subject signs in even after the provider's email changed.
    provider.people.set("known", { email: "renamed@example.net", email_verified: true });
    const again = await ssoSignIn(app, "known");
    expect((await sessionOf(app, again.jar)).body.agent?.email).toBe(agent.email);
  });

  it("refuses someone without an account when just-in-time creation is off, creating nothing", async () => {
    provider.people.set("stranger", { email: "stranger@example.net", email_verified: true });
    const agentsBefore = await count(app, "agents");
    const { final, jar } = await ssoSignIn(app, "stranger");
    expect(final.pathname).toBe("/");
    expect(Object.fromEntries(final.searchParams)).toEqual({
      sso_error: "no_account",
      sso_email: "stranger@example.net",
    });
    expect((await sessionOf(app, jar)).status).toBe(401);
    expect(await count(app, "agents")).toBe(agentsBefore);
    expect(await lastEvent(app, "sign_in_failed")).toMatchObject({
      email: "stranger@example.net",
      details: { method: "oidc", reason: "no_account" },
    });
  });

  it("does not link an account by an email the provider has not verified", async () => {
    const agent = await app.createAgent();
    provider.people.set("unverified", { email: agent.email, email_verified: false });
    const { final } = await ssoSignIn(app, "unverified");
    expect(final.searchParams.get("sso_error")).toBe("email_unverified");
    expect(await count(app, "sso_identities where subject = 'unverified'")).toBe(0);
  });

  it("never hands a linked account to another subject at the provider with the same email", async () => {
    const agent = await app.createAgent();
    provider.people.set("first-holder", { email: agent.email, email_verified: true });
    expect((await ssoSignIn(app, "first-holder")).final.search).toBe("");
    provider.people.set("second-holder", { email: agent.email, email_verified: true });
    const { final, jar } = await ssoSignIn(app, "second-holder");
    expect(final.searchParams.get("sso_error")).toBe("linked_elsewhere");
    expect((await sessionOf(app, jar)).status).toBe(401);
    expect(await count(app, "sso_identities where subject = 'second-holder'")).toBe(0);
  });

  it("refuses a deactivated agent", async () => {
    const agent = await app.createAgent();
    provider.people.set("gone", { email: agent.email, email_verified: true });
    expect((await app.admin.request("PATCH", `/api/agents/${agent.id}`, { active: false })).status).toBe(200);
    const { final, jar } = await ssoSignIn(app, "gone");
    expect(final.searchParams.get("sso_error")).toBe("deactivated");
    expect((await sessionOf(app, jar)).status).toBe(401);
  });

  it("sets the role from the claim at each sign-in and logs the change", async () => {
    const agent = await app.createAgent({ role: "agent" });
    provider.people.set("climber", {
      email: agent.email,
      email_verified: true,
      groups: ["staff", "sb-admins"],
    });
    const first = await ssoSignIn(app, "climber");
    expect((await sessionOf(app, first.jar)).body.agent?.role).toBe("admin");
    expect(await lastEvent(app, "role_changed")).toMatchObject({
      agent_id: agent.id,
      details: { from: "agent", to: "admin", method: "oidc" },
    });
    // Left out of every mapped group: back to agent.
    provider.people.set("climber", { email: agent.email, email_verified: true, groups: ["staff"] });
    const second = await ssoSignIn(app, "climber");
    expect((await sessionOf(app, second.jar)).body.agent?.role).toBe("agent");
  });

  it("creates the agent just in time, with the role from the claim, when that is on", async () => {
    expect((await put(app.admin, { ...settings, clientSecret: undefined, createUsers: true })).status).toBe(
      200,
    );
    provider.people.set("newcomer", {
      email: "newcomer@example.net",
      email_verified: true,
      name: "New Comer",
      groups: ["sb-supervisors"],
    });
    const { final, jar } = await ssoSignIn(app, "newcomer");
    expect(final.search).toBe("");
    expect((await sessionOf(app, jar)).body.agent).toMatchObject({
      email: "newcomer@example.net",
      role: "supervisor",
    });
    const [created] = await queryRows<{ name: string; role: string }>(
      app.services.db,
      sql`select name, role from agents where email = 'newcomer@example.net'`,
    );
    expect(created).toEqual({ name: "New Comer", role: "supervisor" });
    expect(await lastEvent(app, "agent_created")).toMatchObject({
      details: { method: "oidc", role: "supervisor" },
    });
    // The password nobody knows opens nothing.
    const login = await createApi(app.url).post("/api/auth/login", {
      email: "newcomer@example.net",
      password: "",
    });
    expect(login.status).toBe(400);

    provider.people.set("unverified-newcomer", {
      email: "unverified-newcomer@example.net",
      email_verified: false,
    });
    const refused = await ssoSignIn(app, "unverified-newcomer");
    expect(refused.final.searchParams.get("sso_error")).toBe("email_unverified");
    expect(await count(app, "agents where email = 'unverified-newcomer@example.net'")).toBe(0);
    expect((await put(app.admin, { ...settings, clientSecret: undefined })).status).toBe(200);
  });

  it("answers a forged state or a callback without its cookie with a 400 and writes nothing", async () => {
    const agent = await app.createAgent();
    provider.people.set("forged", { email: agent.email, email_verified: true });
    const tables = ["agents", "sessions", "sso_identities", "security_events"];
    const before = await Promise.all(tables.map((table) => count(app, table)));
    const forged = await ssoSignIn(app, "forged", (url) => {
      url.searchParams.set("state", "forged-state");
      return url;
    });
    expect(forged.response.status).toBe(400);
    expect(await forged.response.json()).toMatchObject({
      error: "validation_failed",
      message: expect.any(String),
    });

    const bare = await fetch(new URL("/api/auth/oidc/callback?code=abc&state=xyz", app.url), {
      redirect: "manual",
    });
    expect(bare.status).toBe(400);
    expect(await Promise.all(tables.map((table) => count(app, table)))).toEqual(before);
  });

  it("keeps the client secret sealed and never returns it; validates settings; logs changes", async () => {
    const shown = await app.admin.get("/api/admin/sso");
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      source: "settings",
      enabled: true,
      issuer: provider.issuer,
      clientSecretSet: true,
      roleMap: ROLE_MAP,
      callbackUrl: `${app.url}/api/auth/oidc/callback`,
    });
    expect(JSON.stringify(shown.body)).not.toContain(provider.clientSecret);
    const stored = await queryRows<{ value: string }>(
      app.services.db,
      sql`select value from settings where key = 'sso.oidc'`,
    );
    expect(stored[0]?.value).not.toContain(provider.clientSecret);
    const log = await queryRows<{ details: unknown }>(
      app.services.db,
      sql`select details from security_events where kind = 'sso_settings_changed'`,
    );
    expect(log.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(log)).not.toContain(provider.clientSecret);

    const before = JSON.stringify((await app.admin.get("/api/admin/sso")).body);
    for (const bad of [
      { ...settings, issuer: "http://idp.example.com" },
      { ...settings, issuer: "not a url" },
      { ...settings, roleMap: { "sb-admins": "owner" } },
      { ...settings, clientId: "" },
    ]) {
      const refused = await put(app.admin, bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body).toMatchObject({ error: "validation_failed", message: expect.any(String) });
    }
    expect(JSON.stringify((await app.admin.get("/api/admin/sso")).body)).toBe(before);
    const supervisor = await app.createAgent({ role: "supervisor" });
    expect((await supervisor.api.get("/api/admin/sso")).status).toBe(403);
    expect((await put(supervisor.api, settings)).status).toBe(403);
  });

  it("sends the browser back to the sign-in page when the provider cannot be reached", async () => {
    const port = await freePort();
    const down = { ...settings, clientSecret: undefined, issuer: `http://127.0.0.1:${port}` };
    expect((await put(app.admin, down)).status).toBe(200);
    const start = await fetch(new URL("/api/auth/oidc/start", app.url), { redirect: "manual" });
    expect(start.status).toBe(303);
    expect(start.headers.get("location")).toBe("/?sso_error=unavailable");
    expect((await put(app.admin, { ...settings, clientSecret: undefined })).status).toBe(200);
  });
});

describe("single sign-on configured by the environment", () => {
  let provider: TestOidcProvider;
  let app: TestApp;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/api/auth/oidc/callback`] });
    app = await appOnPort(port, {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_ROLE_CLAIM: "switchboard_role",
      OIDC_CREATE_USERS: "true",
      OIDC_BUTTON_LABEL: "Sign in with Okta",
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  it("signs in with a role named by the claim itself, and shows the settings read-only", async () => {
    provider.people.set("boss", {
      email: "boss@example.net",
      email_verified: true,
      switchboard_role: "admin",
    });
    const { jar } = await ssoSignIn(app, "boss");
    expect((await sessionOf(app, jar)).body.agent).toMatchObject({
      email: "boss@example.net",
      role: "admin",
    });

    const shown = await app.admin.get("/api/admin/sso");
    expect(shown.body).toMatchObject({
      source: "environment",
      buttonLabel: "Sign in with Okta",
    });
    expect(JSON.stringify(shown.body)).not.toContain(provider.clientSecret);
    const refused = await put(app.admin, { ...shown.body, clientSecret: "x" });
    expect(refused.status).toBe(409);
  });
});
