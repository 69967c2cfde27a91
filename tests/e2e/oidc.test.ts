/**
 * Single sign-on in a real browser against a real OpenID Connect provider started by the test:
 * the sign-in page shows the provider's button; clicking it, passing the provider's sign-in and
 * coming back lands in the console signed in; someone without an account comes back to the sign-in
 * page with the reason in words; an admin sets single sign-on up under Admin → Security.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider.ts";
import { freePort } from "../helpers/server-process.ts";

const WAIT = { timeout: 15_000 };

describe("single sign-on in the console", () => {
  let provider: TestOidcProvider;
  let app: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/api/auth/oidc/callback`] });
    app = await startTestApp({
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, STATUS_UPDATES: "false" },
    });
    const saved = await app.admin.request("PUT", "/api/admin/sso", {
      enabled: true,
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      roleClaim: "groups",
      roleMap: { "sb-supervisors": "supervisor" },
      createUsers: false,
      buttonLabel: "Sign in with Test IdP",
    });
    expect(saved.status).toBe(200);
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await provider?.close();
  });

  /** From the console's sign-in page through the provider's, as `login`. */
  async function signInThroughProvider(page: Page, login: string) {
    await page.goto(app.url);
    await page.getByRole("link", { name: "Sign in with Test IdP" }).click();
    await page.getByRole("heading", { name: "Test identity provider" }).waitFor(WAIT);
    await page.getByLabel("Login").fill(login);
    await page.getByRole("button", { name: "Continue" }).click();
  }

  it("signs in through the local OIDC provider and lands in the console", async () => {
    const agent = await app.createAgent({ name: "Sasha Sso" });
    provider.people.set("sasha", { email: agent.email, email_verified: true, groups: ["sb-supervisors"] });
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await page.getByRole("link", { name: "Sign in with Test IdP" }).waitFor(WAIT);
    await browser.screenshot(page, "sso-sign-in.png");

    await signInThroughProvider(page, "sasha");
    await page.getByTestId("agent-name").filter({ hasText: "Sasha Sso" }).waitFor(WAIT);
    expect(new URL(page.url()).pathname).not.toContain("/api/");
    // The role came from the provider's groups claim: the supervisor's areas are there.
    await page
      .getByRole("navigation", { name: "Areas" })
      .getByRole("link", { name: "Supervisor" })
      .waitFor(WAIT);
    await browser.screenshot(page, "sso-signed-in.png");
    await page.close();
  });

  it("brings someone without an account back to the sign-in page with the reason in words", async () => {
    provider.people.set("stranger", { email: "stranger@example.net", email_verified: true });
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await signInThroughProvider(page, "stranger");
    await page
      .getByRole("alert")
      .filter({ hasText: "No Switchboard account for stranger@example.net; ask an admin to invite you." })
      .waitFor(WAIT);
    // The reason is shown once: the address no longer carries it.
    expect(new URL(page.url()).search).toBe("");
    await page.getByRole("link", { name: "Sign in with Test IdP" }).waitFor(WAIT);
    await browser.screenshot(page, "sso-refused.png");
    await page.close();
  });

  it("lets an admin change single sign-on under Admin → Security, never showing the secret", async () => {
    await browser.context.clearCookies();
    await signInWithCookie(browser.context, app.url, app.admin.token!);
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/admin`);
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: /^Security Two-factor/ })
      .click();
    const section = page.getByRole("region", { name: "Single sign-on (OpenID Connect)" });
    await section.getByLabel("Issuer URL").waitFor(WAIT);
    expect(await section.getByLabel("Issuer URL").inputValue()).toBe(provider.issuer);
    expect(await section.getByLabel("Client secret").inputValue()).toBe("");
    expect(await page.content()).not.toContain(provider.clientSecret);
    await section.getByText(`${app.url}/api/auth/oidc/callback`).waitFor(WAIT);

    await section.getByLabel("Button label").fill("Sign in with Acme SSO");
    await section.getByRole("button", { name: "Save single sign-on" }).click();
    await page.getByText("Single sign-on settings saved.").waitFor(WAIT);
    await browser.screenshot(page, "sso-admin.png");
    expect((await app.admin.get("/api/auth/oidc")).body).toEqual({
      enabled: true,
      label: "Sign in with Acme SSO",
    });
    await page.close();
  });
});
