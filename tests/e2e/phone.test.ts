/**
 * The agent's essentials on a phone (390×844): sign in, set presence, see an offer and accept it,
 * read the case (the customer and SLA in a drawer), reply with the send button on screen, and find
 * the inbox as cards. Nothing pushes the page sideways.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };
const PHONE = { width: 390, height: 844 };

describe("the console on a phone", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    // A slow machine must not let the offer expire between it appearing and the tap.
    app = await startTestApp({ env: { OFFER_TIMEOUT_SECONDS: "120", STATUS_UPDATES: "false" } });
    agent = await app.createAgent({ name: "Phoebe Phone" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const overflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  /** Whether the whole of the element is inside the screen. */
  const onScreen = async (page: Page, locator: ReturnType<Page["locator"]>) => {
    const box = await locator.boundingBox();
    const viewport = page.viewportSize()!;
    return (
      !!box && box.x >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height
    );
  };

  it("signs in, takes an offer, replies and finds the case in the inbox", { timeout: 150_000 }, async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(PHONE);
    await page.goto(app.url);
    await page.getByRole("button", { name: "Sign in" }).waitFor(WAIT);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await browser.screenshot(page, "phone-sign-in.png");
    await signIn(page, agent.email, "agent-password");
    await page.locator("[data-testid=inbox-page]").waitFor(WAIT);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    // The sidebar is folded away on a phone; a labelled button opens it.
    const toggle = page.getByRole("button", { name: "Show the sidebar" });
    expect(await onScreen(page, toggle)).toBe(true);
    expect(await page.getByRole("navigation", { name: "Agent screens" }).isVisible()).toBe(false);

    // Presence: a labelled control that says the current status in words.
    const presence = page.getByRole("button", { name: /^Presence/ });
    await expect.poll(() => presence.textContent(), WAIT).toContain("Offline");
    expect(await onScreen(page, presence)).toBe(true);
    await browser.screenshot(page, "phone-inbox-offline.png");
    await presence.click();
    await page.getByRole("menuitem", { name: "Available" }).click();
    await expect.poll(async () => (await agent.api.get("/api/me")).body.presence, WAIT).toBe("available");
    await expect.poll(() => presence.textContent(), WAIT).toContain("Available");

    const offered = await newCase(app.services, {
      from: { kind: "phone", address: "+16285554001", name: "Mo Bile" },
      subject: "Order 4711 never arrived",
      body: "My parcel has not come, can you check?",
    });
    const card = page.getByTestId("offer-card").filter({ hasText: "Mo Bile" });
    await card.waitFor(WAIT);
    expect(await onScreen(page, card.getByRole("button", { name: "Accept" }))).toBe(true);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await browser.screenshot(page, "phone-offer.png");
    await card.getByRole("button", { name: "Accept" }).click();
    await page.waitForURL(`**/cases/${offered.id}`, WAIT);
    await page.getByTestId("case-view").waitFor(WAIT);

    // The case fills the screen; the composer's send button is on it.
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    const send = page.getByRole("button", { name: /^Send(?! later)/ }).first();
    await send.waitFor(WAIT);
    expect(await onScreen(page, send)).toBe(true);
    const view = await page.getByTestId("case-view").boundingBox();
    expect(view!.width).toBeGreaterThanOrEqual(PHONE.width - 1);
    await browser.screenshot(page, "phone-case.png");

    // The customer and the SLA, in a drawer.
    await page.getByRole("button", { name: "Customer & SLA" }).click();
    const drawer = page.getByRole("dialog", { name: "Customer & SLA" });
    await drawer.getByText("Mo Bile").first().waitFor(WAIT);
    // Once it has slid in, the whole drawer is on the screen.
    await expect.poll(() => onScreen(page, drawer), WAIT).toBe(true);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await browser.screenshot(page, "phone-customer-drawer.png");
    await page.keyboard.press("Escape");
    await drawer.waitFor({ ...WAIT, state: "hidden" });

    await page.getByRole("textbox").last().fill("Replying from a phone");
    await send.click();
    await expect
      .poll(
        async () =>
          (await app.admin.get(`/api/cases/${offered.id}`)).body.interactions.some(
            (interaction: { body?: string }) => interaction.body === "Replying from a phone",
          ),
        WAIT,
      )
      .toBe(true);
    await browser.screenshot(page, "phone-replied.png");

    // The inbox as cards: subject, contact, state and assignee of each case, nothing cut off.
    await page.goto(app.url);
    const row = page.getByTestId("inbox-row").filter({ hasText: "Order 4711 never arrived" });
    await row.waitFor(WAIT);
    for (const text of ["Mo Bile", "Open", "Phoebe Phone"])
      expect(await row.getByText(text, { exact: true }).first().isVisible()).toBe(true);
    expect(await onScreen(page, row)).toBe(true);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(
      await page.getByTestId("inbox-table").evaluate((table) => table.scrollWidth - table.clientWidth),
    ).toBeLessThanOrEqual(0);
    await browser.screenshot(page, "phone-inbox-cards.png");
    // The folded filters count only what differs from the defaults ("open" cases is the default).
    await page.getByRole("button", { name: "Filters", exact: true }).waitFor(WAIT);

    // The sidebar opens over the page with the agent's screens and cases, and closes on a choice.
    await toggle.click();
    await page.getByRole("navigation", { name: "Agent screens" }).waitFor(WAIT);
    await browser.screenshot(page, "phone-sidebar.png");
    await page.getByRole("link", { name: "Contacts" }).click();
    await expect
      .poll(() => page.getByRole("navigation", { name: "Agent screens" }).isVisible(), WAIT)
      .toBe(false);
    await page.close();
  });
});
