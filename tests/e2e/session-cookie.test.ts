/**
 * The console's session is the server's HttpOnly cookie alone: after signing in no script can read
 * a token (not in sessionStorage, localStorage or document.cookie), a second tab opens signed in with
 * a working socket, and signing out in one tab (or the session being revoked elsewhere) brings the
 * other tab back to the sign-in page.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../helpers/api.ts";
import { launchBrowser, SESSION_COOKIE, signIn, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

/** Everything a script on the page can read of its storage and cookies. */
const scriptReadable = (page: Page) =>
  page.evaluate(() => {
    const entries = (storage: Storage) =>
      Object.fromEntries(
        Array.from({ length: storage.length }, (_, i) => storage.key(i)!).map((key) => [
          key,
          storage.getItem(key),
        ]),
      );
    return {
      sessionStorage: entries(sessionStorage),
      localStorage: entries(localStorage),
      cookie: document.cookie,
    };
  });

describe("the console's session cookie in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    agent = await app.createAgent({ name: "Cody Cookie" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The session token the browser holds for the app: only the test, not the page, can read it. */
  const sessionToken = async () =>
    (await browser.context.cookies(app.url)).find((cookie) => cookie.name === SESSION_COOKIE);

  /** Every bearer header and every socket frame a page sends, to show the console never sends a token. */
  function watchCredentials(page: Page) {
    const sent = { authorization: [] as string[], frames: [] as string[] };
    page.on("request", (request) => {
      const header = request.headers().authorization;
      if (header) sent.authorization.push(`${request.method()} ${request.url()}`);
    });
    page.on("websocket", (socket) =>
      socket.on("framesent", (frame) => sent.frames.push(String(frame.payload))),
    );
    return sent;
  }

  const signedInAs = (page: Page, name: string) =>
    page.getByTestId("agent-name").filter({ hasText: name }).waitFor(WAIT);
  const signInForm = (page: Page) => page.getByRole("button", { name: "Sign in" });

  it("keeps no token where script can read it, opens a second tab signed in, and signs both out", {
    timeout: 120_000,
  }, async () => {
    const first = await browser.context.newPage();
    const firstSent = watchCredentials(first);
    await first.goto(app.url);
    await signInForm(first).waitFor(WAIT);
    await signIn(first, agent.email, "agent-password");
    await signedInAs(first, "Cody Cookie");
    await first.getByText("Live", { exact: true }).waitFor(WAIT);

    const cookie = await sessionToken();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    const token = cookie!.value;
    expect(token.length).toBeGreaterThan(20);
    const readable = await scriptReadable(first);
    const values = [...Object.values(readable.sessionStorage), ...Object.values(readable.localStorage)];
    expect(values.filter((value) => value?.includes(token))).toEqual([]);
    expect([
      ...Object.keys(readable.sessionStorage),
      ...Object.keys(readable.localStorage),
    ]).not.toContainEqual(expect.stringMatching(/token|session/i));
    expect(readable.cookie).not.toContain(SESSION_COOKIE);
    expect(readable.cookie).not.toContain(token);
    await browser.screenshot(first, "session-cookie-first-tab.png");

    // A second tab of the same browser opens straight into the console, its socket live.
    const second = await browser.context.newPage();
    const secondSent = watchCredentials(second);
    await second.goto(app.url);
    await signedInAs(second, "Cody Cookie");
    expect(await signInForm(second).count()).toBe(0);
    await second.getByText("Live", { exact: true }).waitFor(WAIT);
    await second.getByTestId("inbox-empty").waitFor(WAIT);
    // A case assigned now reaches the second tab's inbox by a push on its socket, without a reload.
    const pushed = await newCase(app.services, { from: { kind: "phone", address: "+16285550777" } });
    await assignCase(app.services, pushed.id, agent.id);
    await second.getByTestId("inbox-row").first().waitFor(WAIT);
    expect(await second.getByTestId("inbox-row").count()).toBe(1);
    await browser.screenshot(second, "session-cookie-second-tab.png");

    // Neither tab ever sent a token: no Authorization header, and no socket frame carrying it.
    for (const sent of [firstSent, secondSent]) {
      expect(sent.authorization).toEqual([]);
      expect(sent.frames.length).toBeGreaterThan(0);
      expect(sent.frames.filter((frame) => frame.includes(token))).toEqual([]);
    }

    // Signing out in the first tab ends the session for both.
    await first.getByRole("button", { name: "Sign out" }).click();
    await signInForm(first).waitFor(WAIT);
    await signInForm(second).waitFor(WAIT);
    expect(await second.getByTestId("agent-name").count()).toBe(0);
    expect(await sessionToken()).toBeUndefined();
    expect((await createApi(app.url, token).get("/api/auth/session")).status).toBe(401);
    await browser.screenshot(second, "session-cookie-second-tab-signed-out.png");

    // Someone else signing in on the first tab takes the shared cookie: the second tab follows them,
    // rather than showing one agent while its requests carry another's session.
    const other = await app.createAgent({ name: "Dana Different" });
    await signIn(first, other.email, "agent-password");
    await signedInAs(first, "Dana Different");
    await signedInAs(second, "Dana Different");
    expect(await second.getByTestId("inbox-row").count()).toBe(0);
    await Promise.all([first.close(), second.close()]);
  });

  it("brings a tab back to the sign-in page when its session is revoked elsewhere", {
    timeout: 120_000,
  }, async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await signIn(page, agent.email, "agent-password");
    await signedInAs(page, "Cody Cookie");
    await page.getByText("Live", { exact: true }).waitFor(WAIT);
    const token = (await sessionToken())!.value;
    await page.locator("input[name=presence]:checked:not(:disabled)").waitFor({ ...WAIT, state: "attached" });

    // The session ends outside this browser (signed out with its token, as an API client would).
    expect((await createApi(app.url, token).post("/api/auth/logout")).status).toBe(204);
    // The tab's next request (a change of presence) is refused, and the console goes to the sign-in page.
    const presence = await page.locator("input[name=presence]:checked:not(:disabled)").getAttribute("value");
    const refused = page.waitForResponse(
      (response) => new URL(response.url()).pathname === "/api/me/presence" && response.status() === 401,
    );
    await page.locator("label", { hasText: presence === "available" ? "Offline" : "Available" }).click();
    await refused;
    await signInForm(page).waitFor(WAIT);
    expect(await page.getByTestId("agent-name").count()).toBe(0);
    await browser.screenshot(page, "session-cookie-revoked.png");
    await page.close();
  });
});
