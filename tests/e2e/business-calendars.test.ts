/**
 * An admin defines "Berlin office" with a holiday once, picks it on a queue and on an SLA policy,
 * and sees on the calendar who uses it.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Body } from "../helpers/api.ts";
import { launchBrowser, signIn, type TestBrowser } from "../helpers/browser.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";

const WAIT = { timeout: 15_000 };

describe("business calendars in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let queue: Body;
  let policy: Body;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    queue = (await app.admin.get("/api/queues")).body.items.find((q: Body) => q.isDefault);
    [policy] = (await app.admin.get("/api/sla/policies")).body.items;
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const section = async (name: string) => {
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: new RegExp(`^${name}`) })
      .click();
    await page.getByRole("heading", { level: 1, name }).waitFor(WAIT);
  };
  const choose = async (label: string, option: string) => {
    await page.getByRole("dialog").getByRole("combobox", { name: label }).click();
    await page.getByRole("option", { name: option, exact: true }).click();
  };
  /** The drawer has finished sliding in (its CSS transitions are done) before a picture. */
  const settled = () =>
    page
      .getByRole("dialog")
      .evaluate((dialog) =>
        Promise.all(dialog.getAnimations({ subtree: true }).map((animation) => animation.finished)),
      );
  const save = async (button: string) => {
    await page.getByRole("dialog").getByRole("button", { name: button }).click();
    await page.getByRole("dialog").waitFor({ state: "detached", ...WAIT });
  };

  it("creates Berlin office with a holiday and picks it on a queue and a policy", {
    timeout: 120_000,
  }, async () => {
    page = await browser.context.newPage();
    await page.goto(`${app.url}/admin/calendars`);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("heading", { level: 1, name: "Business calendars" }).waitFor(WAIT);
    await page.getByText("No business calendar yet.").waitFor(WAIT);

    await page.getByRole("button", { name: "New calendar" }).click();
    const drawer = page.getByRole("dialog");
    await drawer.getByLabel(/^Name/).fill("Berlin office");
    await drawer.getByLabel("Time zone").fill("Europe/Berlin");
    await drawer.getByLabel("Saturday", { exact: true }).check();
    await drawer.getByLabel("Saturday closes").fill("13:00");
    await drawer.getByLabel("Holidays").fill("12-24");
    await drawer.getByLabel("Holidays").press("Enter");
    await settled();
    await browser.screenshot(page, "business-calendar-form.png");
    await save("Create calendar");

    const row = page.getByTestId("calendar-row").and(page.locator('[data-calendar="Berlin office"]'));
    await row.getByText("Mon–Fri 09:00–17:00, Sat 09:00–13:00").waitFor(WAIT);
    expect(await row.textContent()).toContain("Europe/Berlin");
    expect(await row.textContent()).toContain("1 holiday");
    expect(await row.textContent()).toContain("nothing yet");

    await section("Queues");
    await page.getByRole("button", { name: `Edit ${queue.name}` }).click();
    await choose("Business hours", "Berlin office");
    // "Own hours…" starts from the calendar's hours, in the editor; the queue keeps the named one here.
    await choose("Business hours", "Own hours…");
    const zone = page.getByRole("dialog").getByLabel("Time zone");
    expect(await zone.inputValue()).toBe("Europe/Berlin");
    await zone.scrollIntoViewIfNeeded();
    await settled();
    await browser.screenshot(page, "business-calendar-queue-own-hours.png");
    await choose("Business hours", "Berlin office");
    await zone.waitFor({ state: "detached", ...WAIT });
    await browser.screenshot(page, "business-calendar-queue-form.png");
    await save("Save queue");
    const queueRow = page.getByTestId("admin-queue-row").and(page.locator(`[data-queue="${queue.name}"]`));
    await queueRow.getByText("Berlin office").waitFor(WAIT);
    await browser.screenshot(page, "business-calendar-queues.png");

    await section("SLA policies");
    await page.getByRole("button", { name: `Edit ${policy.name}` }).click();
    await choose("Business hours for business-time targets", "Berlin office");
    await save("Save policy");
    const policyRow = page.getByTestId("policy-row").filter({ hasText: policy.name });
    await policyRow.getByText("Berlin office").waitFor(WAIT);
    await browser.screenshot(page, "business-calendar-policies.png");

    await section("Business calendars");
    await row.getByText(`queue ${queue.name}, policy ${policy.name}`).waitFor(WAIT);
    await browser.screenshot(page, "business-calendars.png");

    const [calendar] = (await app.admin.get("/api/calendars")).body.items;
    expect(calendar.calendar).toMatchObject({ timeZone: "Europe/Berlin", holidays: ["12-24"] });
    expect((await app.admin.get(`/api/queues/${queue.id}`)).body).toMatchObject({
      calendarId: calendar.id,
      businessHours: calendar.calendar,
    });
    const policies = (await app.admin.get("/api/sla/policies")).body.items;
    expect(policies.find((p: Body) => p.id === policy.id)).toMatchObject({
      calendarId: calendar.id,
      calendar: calendar.calendar,
    });
  });

  it("refuses to delete a calendar in use, saying which queue and policy use it", {
    timeout: 60_000,
  }, async () => {
    page.once("dialog", (question) => question.accept());
    await page.getByRole("button", { name: "Delete Berlin office" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Calendar not deleted" });
    await alert.getByText(`queue '${queue.name}'`).waitFor(WAIT);
    await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)));
    await browser.screenshot(page, "business-calendar-delete-refused.png");
    expect((await app.admin.get("/api/calendars")).body.items).toHaveLength(1);
  });
});
