/**
 * Outbound without Twilio: the supervisor setting up a campaign and the agent working a preview
 * campaign both see that calls are not set up, and what to do, before anyone tries to call.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signIn, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

const WAIT = { timeout: 15_000 };

describe("outbound without Twilio", () => {
  let app: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("warns on the campaigns tab that calls need Twilio", { timeout: 60_000 }, async () => {
    const supervisor = await app.createAgent({ role: "supervisor", name: "Sue Pervisor" });
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await signIn(page, supervisor.email, "agent-password");
    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Outbound" }).click();
    await page.getByRole("tab", { name: "Campaigns" }).click();
    const warning = page.getByTestId("calls-not-ready");
    await warning.filter({ hasText: "TWILIO_ACCOUNT_SID" }).waitFor(WAIT);
    await warning.filter({ hasText: "Calls are not set up" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "outbound-calls-not-ready.png"), fullPage: true });
  });
});
