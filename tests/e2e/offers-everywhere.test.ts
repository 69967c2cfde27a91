/**
 * An offer reaches the agent on whatever console page they are on: the outbound page and the admin
 * pages show the same card (countdown, accept, reject) as the workspace's sidebar, and the tab's
 * title counts it.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };

describe("offers on every console page", () => {
  let app: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    // A slow machine must not let the offer expire between it appearing and the click.
    app = await startTestApp({ env: { OFFER_TIMEOUT_SECONDS: "120", STATUS_UPDATES: "false" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function availableOn(
    path: string,
    role: "agent" | "admin",
    name: string,
  ): Promise<{ page: Page; person: Awaited<ReturnType<TestApp["createAgent"]>> }> {
    const person = await app.createAgent({ role, name });
    // One person at a time in the browser: each test signs its own person in and closes its page.
    await signInWithCookie(browser.context, app.url, person.token);
    const page = await browser.context.newPage();
    await page.goto(`${app.url}${path}`);
    await page.getByTestId("agent-name").filter({ hasText: name }).waitFor(WAIT);
    await page.locator("label", { hasText: "Available" }).click();
    await expect.poll(async () => (await person.api.get("/api/me")).body.presence, WAIT).toBe("available");
    return { page, person };
  }

  it("shows an offer on the outbound page and opens the case on accept", { timeout: 120_000 }, async () => {
    const { page, person } = await availableOn("/outbound", "agent", "Olive Outbound");
    const offered = await newCase(app.services, {
      from: { kind: "phone", address: "+16285553001", name: "Carla Caller" },
      body: "Is my refund through?",
    });
    const card = page.getByTestId("offer-dock").getByTestId("offer-card").filter({ hasText: "Carla Caller" });
    await card.waitFor(WAIT);
    await expect.poll(() => page.title(), WAIT).toMatch(/^\(1\) Incoming/);
    await browser.screenshot(page, "offer-on-outbound.png");
    await card.getByRole("button", { name: "Accept" }).click();
    await page.waitForURL(`**/cases/${offered.id}`, WAIT);
    await page.getByTestId("case-view").waitFor(WAIT);
    await page.close();
    // Out of the way of the next test's offer.
    await person.api.post("/api/me/presence", { status: "offline" });
  });

  it("shows an offer on the admin pages, and rejecting it clears the card", {
    timeout: 120_000,
  }, async () => {
    const { page } = await availableOn("/admin/queues", "admin", "Ada Admin");
    await newCase(app.services, {
      from: { kind: "phone", address: "+16285553002", name: "Dora Dialler" },
      body: "Please call me back",
    });
    const card = page.getByTestId("offer-dock").getByTestId("offer-card").filter({ hasText: "Dora Dialler" });
    await card.waitFor(WAIT);
    await browser.screenshot(page, "offer-on-admin.png");
    await card.getByRole("button", { name: "Reject" }).click();
    await card.waitFor({ ...WAIT, state: "detached" });
    await expect.poll(() => page.title(), WAIT).not.toMatch(/Incoming/);
    await page.close();
  });
});
