/**
 * The console from a laptop down to a tablet (1280, 1024 landscape, 820 and 768 portrait): the inbox
 * shows the columns that fit and folds the rest into the subject's second line (nothing pushes the
 * page or the table sideways), the presence switch keeps its words, the sidebar folds away below
 * 1024 px behind a labelled button, and below 1100 px a case's customer and SLA open in a drawer.
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };
/** Columns that must show at every width; the wider screens add their own. */
const ALWAYS = ["SLA", "Subject", "Assignee", "Status", "Priority"];
const SCREENS = [
  { name: "laptop", width: 1280, height: 800, sidebar: true, panel: true, columns: ["Customer", "Activity"] },
  { name: "landscape", width: 1024, height: 768, sidebar: true, panel: false, columns: [] },
  { name: "portrait-820", width: 820, height: 1180, sidebar: false, panel: false, columns: ["Customer"] },
  { name: "portrait", width: 768, height: 1024, sidebar: false, panel: false, columns: [] },
];

describe("the console on a tablet", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  let caseId = "";

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    agent = await app.createAgent({ name: "Tab Lett" });
    const row = await newCase(app.services, {
      from: { kind: "phone", address: "+16285554101", name: "Tess Tablet" },
      subject: "Refund for the double charge on my March invoice",
    });
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
  const inside = async (page: Page, locator: Locator) => {
    const box = await locator.boundingBox();
    const viewport = page.viewportSize()!;
    return !!box && box.width > 0 && box.x >= 0 && box.x + box.width <= viewport.width;
  };
  const onScreen = (page: Page, name: string | RegExp) =>
    inside(page, page.getByRole("button", { name }).first());

  async function checkInbox(page: Page, screen: (typeof SCREENS)[number]) {
    await page.locator("[data-testid=inbox-row]").first().waitFor(WAIT);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    // The table itself does not scroll sideways either, and each column shown is whole.
    const table = page.getByTestId("inbox-table");
    expect(await table.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(
      0,
    );
    for (const column of [...ALWAYS, ...screen.columns])
      expect(await inside(page, table.getByRole("columnheader", { name: column, exact: true }))).toBe(true);
    // What a narrower table leaves out is on the subject's second line.
    const row = page.getByTestId("inbox-row").first();
    expect(await row.getByText("Tess Tablet").first().isVisible()).toBe(true);
    expect(await row.getByText(/SMS/).first().isVisible()).toBe(true);
  }

  async function checkHeader(page: Page, screen: (typeof SCREENS)[number]) {
    // Presence keeps its words: each choice shows its name, not only a coloured dot.
    const presence = page.getByRole("radiogroup", { name: "Presence" });
    for (const word of ["Available", "Away", "Offline"]) {
      const box = await presence.getByText(word, { exact: true }).boundingBox();
      expect(box?.width ?? 0, word).toBeGreaterThan(20);
    }
    expect(await inside(page, presence)).toBe(true);
    // The sidebar folds behind a labelled button, shut by default below 1024 px.
    const sidebar = page.getByRole("navigation", { name: "Agent screens" });
    expect(await sidebar.isVisible()).toBe(screen.sidebar);
    const toggle = page.getByRole("button", {
      name: screen.sidebar ? "Hide the sidebar" : "Show the sidebar",
    });
    expect(await inside(page, toggle)).toBe(true);
    // Signing out: in the header on a laptop, in the account menu on a tablet.
    if (screen.width >= 1200) expect(await onScreen(page, "Sign out")).toBe(true);
    else {
      await page.getByRole("button", { name: "Your account" }).click();
      await page.getByRole("menuitem", { name: "Sign out" }).waitFor(WAIT);
      await page.keyboard.press("Escape");
    }
  }

  async function checkCase(page: Page, screen: (typeof SCREENS)[number]) {
    await page.goto(`${app.url}/cases/${caseId}`);
    await page.getByRole("button", { name: "Resolve" }).waitFor(WAIT);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await onScreen(page, "Resolve")).toBe(true);
    expect(await onScreen(page, /^Send/)).toBe(true);
    const panelButton = page.getByRole("button", { name: "Customer & SLA" });
    if (screen.panel) {
      expect(await page.getByTestId("customer-side").isVisible()).toBe(true);
      expect(await panelButton.isVisible()).toBe(false);
    } else {
      expect(await page.getByTestId("customer-side").isVisible()).toBe(false);
      expect(await inside(page, panelButton)).toBe(true);
      await panelButton.click();
      const drawer = page.getByRole("dialog", { name: "Customer & SLA" });
      await drawer.getByText("Tess Tablet").first().waitFor(WAIT);
      // Once it has slid in, the whole drawer is on the screen.
      await expect.poll(() => inside(page, drawer), WAIT).toBe(true);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await browser.screenshot(page, `tablet-${screen.name}-customer-drawer.png`);
      await page.keyboard.press("Escape");
      await drawer.waitFor({ ...WAIT, state: "hidden" });
    }
  }

  for (const screen of SCREENS) {
    it(`fits the inbox and a case at ${screen.width}×${screen.height}`, { timeout: 90_000 }, async () => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: screen.width, height: screen.height });
      await page.goto(app.url);
      await checkInbox(page, screen);
      await checkHeader(page, screen);
      await browser.screenshot(page, `tablet-${screen.name}-inbox.png`);

      await checkCase(page, screen);
      const text = `Replying at ${screen.width} px`;
      await page.getByRole("textbox").last().fill(text);
      await page
        .getByRole("button", { name: /^Send(?! later)/ })
        .first()
        .click();
      await expect
        .poll(
          async () =>
            (await app.admin.get(`/api/cases/${caseId}`)).body.interactions.some(
              (interaction: { body?: string }) => interaction.body === text,
            ),
          WAIT,
        )
        .toBe(true);
      await browser.screenshot(page, `tablet-${screen.name}-case.png`);
      await page.close();
    });
  }
});
