import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signIn, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";
import { BROWSER_CALLING_ENV, type FakeTwilio, startFakeTwilio } from "../helpers/fake-twilio.ts";

const WAIT = { timeout: 15_000 };
/** Registering gives up on Twilio after 15 s at most; leave room on a slow machine. */
const OFFLINE_WAIT = { timeout: 60_000 };

describe("softphone in a browser", () => {
  let fake: FakeTwilio;
  /** Twilio with browser calling: the softphone tries to register. */
  let calling: TestApp;
  /** Twilio without browser calling: the token endpoint answers 409. */
  let plain: TestApp;
  let context: BrowserContext;
  let browser: TestBrowser;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    [calling, plain] = await Promise.all([
      startTestApp({
        env: { ...fake.env, ...BROWSER_CALLING_ENV, PUBLIC_URL: "https://calling.switchboard.test" },
      }),
      startTestApp({ env: { ...fake.env, PUBLIC_URL: "https://plain.switchboard.test" } }),
    ]);
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    context = browser.context;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([calling?.close(), plain?.close()]);
    await fake?.close();
  });

  /** Signs in through the console; collects uncaught page errors. */
  async function signInAs(
    app: TestApp,
    name: string,
  ): Promise<{ page: Page; errors: Error[]; id: string; tokenRequests: () => number }> {
    const agent = await app.createAgent({ name });
    const page = await context.newPage();
    const errors: Error[] = [];
    page.on("pageerror", (error) => errors.push(error));
    let tokenRequests = 0;
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/voice/token") tokenRequests += 1;
    });
    await page.goto(app.url);
    await signIn(page, agent.email, "agent-password");
    await page.getByTestId("agent-name").filter({ hasText: name }).waitFor(WAIT);
    return { page, errors, id: agent.id, tokenRequests: () => tokenRequests };
  }

  it("reports that Twilio cannot be reached and leaves the console working", {
    timeout: 180_000,
  }, async () => {
    const { page, errors, id, tokenRequests } = await signInAs(calling, "Sol Softphone");
    const button = page.getByTestId("softphone-button");
    await button.waitFor(WAIT);
    await page.locator("[data-testid=softphone-button][data-state=offline]").waitFor(OFFLINE_WAIT);
    expect(await button.textContent()).toContain("Phone offline");

    // The drawer says so in words, with a way to try again.
    await button.click();
    const panel = page.getByTestId("softphone-panel");
    await panel.getByText("Softphone offline: cannot reach Twilio").waitFor(WAIT);
    await panel.getByRole("button", { name: "Try again now" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "softphone.png"), animations: "disabled" });
    await page.keyboard.press("Escape");
    await panel.waitFor({ ...WAIT, state: "detached" });

    // The console still works: presence changes, and a case opens with its Call button.
    await page.locator("label", { hasText: "Available" }).click();
    await page.getByText("Waiting for the next conversation").waitFor(WAIT);
    const sms = await newCase(calling.services, {
      from: { kind: "phone", address: "+14155550142" },
      body: "Please call me back",
    });
    await assignCase(calling.services, sms.id, id);
    await page.goto(`${calling.url}/cases/${sms.id}`);
    await page.getByTestId("case-view").waitFor(WAIT);
    // The reload starts the line again: until it gives up, a call says it is still connecting.
    await page.locator("[data-testid=softphone-button][data-state=offline]").waitFor(OFFLINE_WAIT);
    await page.getByTestId("case-call").click();
    await page.getByText("Call not placed").waitFor(WAIT);
    expect(await page.getByText("Softphone offline: cannot reach Twilio").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, "softphone-call.png"), animations: "disabled" });

    // Another area of the console has its own header; the line carries on rather than starting over.
    const requestsBefore = tokenRequests();
    expect(requestsBefore).toBeGreaterThan(0);
    await page.evaluate(() => {
      window.history.pushState(null, "", "/outbound");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    await page.getByTestId("case-view").waitFor({ ...WAIT, state: "detached" });
    await button.waitFor(WAIT);
    expect(await button.getAttribute("data-state")).toBe("offline");
    expect(tokenRequests()).toBe(requestsBefore);
    expect(errors.map((error) => error.message)).toEqual([]);
    await page.close();
  });

  it("explains that browser calling is not configured", { timeout: 120_000 }, async () => {
    const { page, errors } = await signInAs(plain, "Nia Nophone");
    const button = page.locator("[data-testid=softphone-button][data-state=unconfigured]");
    await button.waitFor(WAIT);
    expect(await button.textContent()).toBe("Phone off");
    await button.click();
    const note = page.getByTestId("softphone-unconfigured");
    await note.getByText("Softphone not configured").waitFor(WAIT);
    expect(await note.textContent()).toMatch(
      /TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID/,
    );
    await page.screenshot({
      path: join(SCREENSHOTS, "softphone-not-configured.png"),
      animations: "disabled",
    });
    expect(errors.map((error) => error.message)).toEqual([]);
    await page.close();
  });
});
