/** A mention made while the agent was away waits under the bell, and opening it goes to the case. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };

describe("the notification bell", () => {
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

  it("keeps a mention made while the agent was away and opens its case", { timeout: 120_000 }, async () => {
    const writer = await app.createAgent({ name: "Nils Notewriter" });
    const away = await app.createAgent({ name: "Abby Away" });
    const row = await newCase(app.services);
    await assignCase(app.services, row.id, writer.id);
    const note = await writer.api.post(`/api/cases/${row.id}/notes`, {
      body: "@Abby Away the customer asked for you by name, can you call back?",
    });
    expect(note.status).toBe(201);

    // Abby signs in later: the bell shows the mention she missed.
    await signInWithCookie(browser.context, app.url, away.token);
    const page = await browser.context.newPage();
    await page.goto(app.url);
    const bell = page.getByRole("button", { name: "Notifications: 1 unread" });
    await bell.waitFor(WAIT);
    await bell.click();
    const item = page
      .getByTestId("notification-item")
      .filter({ hasText: `Nils Notewriter mentioned you on case #${row.number}` });
    await item.waitFor(WAIT);
    expect(await item.textContent()).toContain("the customer asked for you by name");
    // The list fades in: the screenshot waits until it is fully shown.
    await expect
      .poll(
        () =>
          item.evaluate((element) => {
            for (let at: Element | null = element; at; at = at.parentElement)
              if (getComputedStyle(at).opacity !== "1") return false;
            return true;
          }),
        WAIT,
      )
      .toBe(true);
    await browser.screenshot(page, "notification-bell.png");
    await item.click();
    await page.waitForURL(`**/cases/${row.id}`, WAIT);
    await page.getByRole("button", { name: "Notifications", exact: true }).waitFor(WAIT);
    expect((await away.api.get("/api/me/notifications")).body.unread).toBe(0);
    await page.close();
  });
});
