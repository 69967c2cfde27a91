/**
 * The inbox a team lives in, in a browser: an assignee column; ticking cases (all on the page at
 * once) and acting on them, with a report naming each refused case and why; filters kept in the
 * URL, saved as a view, and the same cases shown when the link is opened in another tab or the view
 * is picked from the menu.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("inbox bulk actions and saved views", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let ada: Awaited<ReturnType<TestApp["createAgent"]>>;
  let bo: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp();
    ada = await app.createAgent({ name: "Ada Inbox" });
    bo = await app.createAgent({ name: "Bo Colleague" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, app.url, ada.token);
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const caseHeldBy = async (agentId: string, name: string, phone: string) => {
    const row = await newCase(app.services, {
      from: { kind: "phone", address: phone, name },
      body: `Parcel bulkdemo for ${name}`,
    });
    await assignCase(app.services, row.id, agentId);
    return row;
  };
  const rows = () => page.getByTestId("inbox-row");

  it("acts on three ticked cases and reports the one refused, by number and reason", {
    timeout: 90_000,
  }, async () => {
    const first = await caseHeldBy(ada.id, "Quinn Quick", "+16285556101");
    const second = await caseHeldBy(ada.id, "Rae Ready", "+16285556102");
    const bos = await caseHeldBy(bo.id, "Sol Slow", "+16285556103");

    await page.goto(app.url);
    await page.getByRole("radiogroup", { name: "Whose cases" }).getByText("All").click();
    await page.getByRole("textbox", { name: "Search cases" }).fill("bulkdemo");
    await expect.poll(() => rows().count(), WAIT).toBe(3);
    // The filters are in the URL.
    await expect.poll(() => new URL(page.url()).searchParams.get("q"), WAIT).toBe("bulkdemo");
    expect(new URL(page.url()).searchParams.get("assignee")).toBe("any");

    // The assignee column names who holds each case.
    const bosRow = rows().filter({ hasText: "Sol Slow" });
    await bosRow.getByText("Bo Colleague").waitFor(WAIT);
    await rows().filter({ hasText: "Quinn Quick" }).getByText("Ada Inbox").waitFor(WAIT);

    await page.getByRole("checkbox", { name: "Select all on this page" }).check();
    const bar = page.getByTestId("bulk-bar");
    await bar.getByText("3 selected").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "inbox-bulk-selected.png") });
    await bar.getByRole("button", { name: "Priority" }).click();
    await page.getByRole("menuitem", { name: "Urgent" }).click();

    const report = page.getByTestId("bulk-report");
    await report.getByText("2 done, 1 refused").waitFor(WAIT);
    const refused = report.getByTestId("bulk-refused");
    expect(await refused.count()).toBe(1);
    expect(await refused.textContent()).toContain(`#${bos.number}`);
    expect(await refused.textContent()).toContain("Bo Colleague's");
    await page.screenshot({ path: join(SCREENSHOTS, "inbox-bulk-report.png") });

    for (const [row, priority] of [
      [first, "urgent"],
      [second, "urgent"],
      [bos, "normal"],
    ] as const)
      expect((await app.admin.get(`/api/cases/${row.id}`)).body.priority).toBe(priority);
    await expect.poll(() => rows().filter({ hasText: "urgent" }).count(), WAIT).toBe(2);
  });

  it("saves the filters as a view; the link and the views menu show the same cases", {
    timeout: 90_000,
  }, async () => {
    await page.getByPlaceholder("Any priority").click();
    await page.getByRole("option", { name: "Urgent" }).click();
    await page.keyboard.press("Escape");
    await expect.poll(() => rows().count(), WAIT).toBe(2);
    const link = page.url();
    expect(new URL(link).searchParams.get("priority")).toBe("urgent");

    await page.getByRole("button", { name: "Save view" }).click();
    await page.getByRole("textbox", { name: "View name" }).fill("Urgent parcels");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved “Urgent parcels”.").waitFor(WAIT);
    const saved = (await ada.api.get("/api/views")).body.items;
    expect(saved).toEqual([expect.objectContaining({ name: "Urgent parcels", shared: false })]);
    expect(saved[0].query).toBe(new URL(link).search.slice(1));

    // The link in another tab: the same filters and cases, from the URL alone.
    const other = await browser.context.newPage();
    await other.goto(link);
    await expect.poll(() => other.getByTestId("inbox-row").count(), WAIT).toBe(2);
    expect(await other.getByRole("radio", { name: "All" }).isChecked()).toBe(true);
    expect(await other.getByRole("textbox", { name: "Search cases" }).inputValue()).toBe("bulkdemo");
    await other.getByRole("search").getByText("Urgent", { exact: true }).waitFor(WAIT);
    await other.screenshot({ path: join(SCREENSHOTS, "inbox-view-link.png") });

    await other.close();

    // A new tab's inbox shows my open cases; picking the view from the menu opens its filters.
    const fresh = await browser.context.newPage();
    await fresh.goto(`${app.url}/`);
    await expect.poll(() => fresh.getByRole("radio", { name: "My cases" }).isChecked(), WAIT).toBe(true);
    await fresh.getByTestId("views-menu").click();
    await fresh.getByTestId("saved-view").filter({ hasText: "Urgent parcels" }).waitFor(WAIT);
    // The menu fades in: the picture is taken once it has.
    await expect
      .poll(() => fresh.getByRole("menu").evaluate((menu) => getComputedStyle(menu).opacity), WAIT)
      .toBe("1");
    await fresh.screenshot({ path: join(SCREENSHOTS, "inbox-views-menu.png") });
    await fresh.getByTestId("saved-view").filter({ hasText: "Urgent parcels" }).click();
    await expect.poll(() => fresh.url(), WAIT).toBe(link);
    await expect.poll(() => fresh.getByTestId("inbox-row").count(), WAIT).toBe(2);
    expect(await fresh.getByRole("textbox", { name: "Search cases" }).inputValue()).toBe("bulkdemo");
    await fresh.close();
  });
});
