/**
 * The widget and status page a team brands, in a browser: an admin sets the widget's colour,
 * greeting and corner on the admin page and a site's widget shows them; outside business hours the
 * widget offers "leave a message", which lands in the console as an email case; a reload reopens a
 * live chat; the status page carries the team's name, logo and colour.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

const WAIT = { timeout: 15_000 };
/** A 1×1 orange PNG, served for the logo's https address. */
const LOGO = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFgwJ/l8NigAAAAABJRU5ErkJggg==",
  "base64",
);

describe("widget settings and branding in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let admin: Page;
  let chatQueueId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { OFFER_TIMEOUT_SECONDS: "120" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    const adminAgent = await app.createAgent({ role: "admin", name: "Ada Admin" });
    await signInWithCookie(browser.context, app.url, adminAgent.token);
    admin = await browser.context.newPage();
    const queue = await app.admin.post("/api/queues", { name: "Web chat", isDefault: true });
    chatQueueId = queue.body.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The demo page as a first-time visitor sees it (no visitor token left by an earlier test). */
  const openWidget = async () => {
    const page = await browser.context.newPage();
    // Cleared on a page of the same origin without the widget, which could save its token back.
    await page.goto(`${app.url}/api/chat/widget`);
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });
    await page.goto(`${app.url}/chat-demo`);
    await page.locator("[data-testid=sb-chat-bubble]").click();
    return page;
  };

  it("shows the colour, greeting and corner an admin sets", { timeout: 90_000 }, async () => {
    const before = await browser.context.newPage();
    await before.goto(`${app.url}/chat-demo`);
    const bubble = before.locator("[data-testid=sb-chat-bubble]");
    await bubble.waitFor(WAIT);
    expect(await bubble.evaluate((node) => getComputedStyle(node).backgroundColor)).toBe("rgb(76, 110, 245)");
    expect((await bubble.boundingBox())!.x).toBeGreaterThan(1000);
    await before.close();

    await admin.goto(`${app.url}/admin/widget`);
    await admin.getByRole("heading", { name: "Chat widget" }).waitFor(WAIT);
    const colour = admin.getByRole("textbox", { name: "Colour" }).first();
    await colour.fill("#0b7285");
    await admin.getByLabel("Greeting").fill("Welcome to Acme! Ask us anything.");
    await admin.getByText("Bottom left").click();
    await admin.getByTestId("widget-preview").getByText("Welcome to Acme! Ask us anything.").waitFor(WAIT);
    await admin.getByRole("button", { name: "Save widget" }).click();
    await admin.getByText("Widget settings saved.").waitFor(WAIT);
    await browser.screenshot(admin, "widget-settings-admin.png");

    const agent = await app.createAgent({ name: "Willa Widget" });
    await agent.api.post("/api/me/presence", { status: "available" });
    // The saved look is what any visitor's browser now reads, before a widget is opened.
    await expect
      .poll(async () => (await (await fetch(`${app.url}/api/chat/widget`)).json()).colour, WAIT)
      .toBe("#0b7285");
    const page = await openWidget();
    const shown = page.locator("[data-testid=sb-chat-bubble]");
    const header = page.locator("switchboard-chat .header");
    // The widget applies the settings once it has read them: wait for that rather than race it.
    await expect
      .poll(() => header.evaluate((node) => getComputedStyle(node).backgroundColor), WAIT)
      .toBe("rgb(11, 114, 133)");
    await expect
      .poll(async () => (await shown.boundingBox())?.x ?? Number.POSITIVE_INFINITY, WAIT)
      .toBeLessThan(100);
    await page.getByText("Welcome to Acme! Ask us anything.").waitFor(WAIT);
    await page.getByLabel("Name").waitFor(WAIT);
    await browser.screenshot(page, "widget-settings-branded-widget.png");
    await page.close();
    await agent.api.post("/api/me/presence", { status: "offline" });
  });

  it("offers 'leave a message' outside business hours; it becomes an email case", {
    timeout: 90_000,
  }, async () => {
    const today = new Date().toISOString().slice(0, 10);
    const closed = await app.admin.request("PATCH", `/api/queues/${chatQueueId}`, {
      businessHours: {
        timeZone: "UTC",
        weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: "00:00", end: "24:00" })),
        holidays: [today],
      },
    });
    expect(closed.status).toBe(200);
    const page = await openWidget();
    const form = page.getByTestId("sb-leave-form");
    await form.waitFor(WAIT);
    expect(await page.getByTestId("sb-chat-wait").textContent()).toBe(
      "We are closed now: leave a message and we will answer by email",
    );
    expect(await page.locator("[data-testid=sb-chat-input]").isVisible()).toBe(false);
    await form.getByLabel("Your name").fill("Lars Late");
    await form.getByLabel("Your email").fill("lars@example.com");
    await form.getByLabel("Message").fill("Can you call me tomorrow about my order?");
    await form.getByRole("button", { name: "Send message" }).click();
    const done = page.getByTestId("sb-leave-done");
    await done.waitFor(WAIT);
    expect(await done.textContent()).toMatch(/Thank you, Lars Late\. .*request #\d+.*lars@example\.com/);
    await browser.screenshot(page, "widget-settings-leave-message.png");
    await page.close();

    await admin.goto(app.url);
    await admin.getByText("Unassigned", { exact: true }).click();
    const row = admin.getByTestId("inbox-row").filter({ hasText: "Lars Late" });
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain("Can you call me tomorrow");
    expect(await row.textContent()).toMatch(/Email/);
    await browser.screenshot(admin, "widget-settings-left-message-inbox.png");
    await app.admin.request("PATCH", `/api/queues/${chatQueueId}`, { businessHours: null });
  });

  it("reopens a live chat after a reload", { timeout: 90_000 }, async () => {
    const agent = await app.createAgent({ name: "Rex Reload" });
    await agent.api.post("/api/me/presence", { status: "available" });
    const page = await openWidget();
    await page.getByLabel("Name").fill("Rhea Reload");
    await page.getByRole("button", { name: "Start chat" }).click();
    await page.locator("[data-testid=sb-chat-input]").fill("Are you still there after a reload?");
    await page.locator("[data-testid=sb-chat-send]").click();
    const mine = page.locator("[data-testid=sb-chat-message][data-from=visitor]");
    await mine.and(page.locator("[data-status=sent]")).waitFor(WAIT);

    await page.reload();
    await mine.filter({ hasText: "Are you still there after a reload?" }).waitFor(WAIT);
    expect(await page.locator("[data-testid=sb-chat-bubble]").getAttribute("aria-expanded")).toBe("true");
    await browser.screenshot(page, "widget-settings-reopened.png");

    // Closed by the visitor, it stays closed on the next reload.
    await page.getByRole("button", { name: "Close chat" }).first().click();
    await page.reload();
    await page.locator("[data-testid=sb-chat-bubble]").waitFor(WAIT);
    await page.waitForTimeout(1_000);
    expect(await page.locator("[data-testid=sb-chat-bubble]").getAttribute("aria-expanded")).toBe("false");
    await page.close();
    await agent.api.post("/api/me/presence", { status: "offline" });
  });

  it("brands the status page with the team's name, logo and colour", { timeout: 90_000 }, async () => {
    await admin.goto(`${app.url}/admin/widget`);
    await admin.getByRole("heading", { name: "Status page branding" }).waitFor(WAIT);
    await admin.getByLabel("Team name").fill("Acme Care");
    await admin.getByLabel("Logo address").fill("https://cdn.acme.example/logo.png");
    await admin.getByRole("textbox", { name: "Colour" }).last().fill("#e8590c");
    await admin.getByTestId("branding-preview").getByText("Acme Care").waitFor(WAIT);
    await admin.getByRole("button", { name: "Save branding" }).click();
    await admin.getByText("Branding saved.").waitFor(WAIT);
    await browser.screenshot(admin, "widget-settings-branding-admin.png");

    const left = (await app.admin.get("/api/cases?channel=email")).body.items[0];
    const token = signStatusToken(app.services.statusUpdates.settings.secret, left.id);
    const status = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(status);
    await cdp.send("Emulation.setTimezoneOverride", { timezoneId: "Europe/Berlin" });
    await status.route("https://cdn.acme.example/**", (route) =>
      route.fulfill({ status: 200, contentType: "image/png", body: LOGO }),
    );
    await status.goto(`${app.url}/status/${token}`);
    const brand = status.getByTestId("status-brand");
    await brand.getByText("Acme Care").waitFor(WAIT);
    const logo = brand.locator("img");
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth), WAIT).toBe(1);
    expect(await status.title()).toContain("Acme Care");
    const badge = status.getByLabel("Status");
    expect(await badge.evaluate((node) => getComputedStyle(node).backgroundColor)).toBe("rgb(232, 89, 12)");
    await status.waitForFunction(() => !document.querySelector("time")?.textContent?.endsWith("UTC"));
    await browser.screenshot(status, "widget-settings-status-page.png");
    await status.close();
  });
});
