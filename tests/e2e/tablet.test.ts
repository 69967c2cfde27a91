/**
 * The console on a tablet (1024×768 landscape and 768×1024 portrait): the inbox and a case fit the
 * screen width (nothing pushes the page sideways), and the controls an agent needs are on screen
 * and usable.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };
const TABLETS = [
  { name: "landscape", width: 1024, height: 768 },
  { name: "portrait", width: 768, height: 1024 },
];

describe("the console on a tablet", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  let caseId = "";

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    agent = await app.createAgent({ name: "Tab Lett" });
    const row = await newCase(app.services);
    caseId = row.id;
    await assignCase(app.services, row.id, agent.id);
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, app.url, agent.token);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** How far the page scrolls sideways; 0 when everything fits the screen's width. */
  const overflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const onScreen = async (page: Page, name: string | RegExp) => {
    const box = await page.getByRole("button", { name }).first().boundingBox();
    const viewport = page.viewportSize()!;
    return !!box && box.x >= 0 && box.x + box.width <= viewport.width;
  };

  for (const tablet of TABLETS) {
    it(`fits the inbox and a case at ${tablet.width}×${tablet.height}`, { timeout: 90_000 }, async () => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: tablet.width, height: tablet.height });
      await page.goto(app.url);
      await page.locator("[data-testid=inbox-row]").first().waitFor(WAIT);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await browser.screenshot(page, `tablet-${tablet.name}-inbox.png`);

      await page.goto(`${app.url}/cases/${caseId}`);
      await page.getByRole("button", { name: "Resolve" }).waitFor(WAIT);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await onScreen(page, "Resolve")).toBe(true);
      expect(await onScreen(page, "Sign out")).toBe(true);
      expect(await onScreen(page, /^Send/)).toBe(true);
      await page.getByRole("textbox").last().fill("Replying from a tablet");
      await page.getByRole("button", { name: /^Send/ }).first().click();
      await expect
        .poll(async () => (await app.admin.get(`/api/cases/${caseId}`)).body.interactions.length, WAIT)
        .toBeGreaterThanOrEqual(2);
      await browser.screenshot(page, `tablet-${tablet.name}-case.png`);
      await page.close();
    });
  }
});
