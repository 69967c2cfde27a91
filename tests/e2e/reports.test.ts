/**
 * Reports in a browser: a supervisor opens the Reports tab, sees the charts and figures of the
 * period, changes it, starts a CSV export, watches it finish and downloads the file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "../../cases/replies.ts";
import { cases } from "../../db/schema/cases.ts";
import { launchBrowser, SCREENSHOTS, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("reports in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    const made = [];
    for (const body of ["Where is my parcel?", "=cmd|' /C calc'!A0", "Refund please"])
      made.push(await newCase(app.services, { body }));
    // Ana takes the first case, resolves it and is rated 5: the agent table has a row.
    const ana = await app.createAgent({ name: "Ana Agent" });
    await assignCase(app.services, made[0]!.id, ana.id);
    await performAction(app.services.cases, {
      caseId: made[0]!.id,
      action: "resolve",
      actor: { type: "agent", id: ana.id },
    });
    await app.services.db
      .update(cases)
      .set({ csatRating: 5, csatAt: new Date() })
      .where(eq(cases.id, made[0]!.id));
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the period's charts and figures, and follows a change of period", {
    timeout: 90_000,
  }, async () => {
    const supervisor = await app.createAgent({ role: "supervisor", name: "Rhea Reports" });
    await signInWithCookie(browser.context, app.url, supervisor.token);
    page = await browser.context.newPage();
    await page.goto(`${app.url}/supervisor/reports`);
    await page
      .getByRole("tab", { name: "Reports" })
      .and(page.locator('[aria-selected="true"]'))
      .waitFor(WAIT);
    await page.getByTestId("report-cases").filter({ hasText: /^3$/ }).waitFor(WAIT);
    await page.getByTestId("volume-chart").locator(".recharts-bar-rectangle").first().waitFor(WAIT);
    await page.getByTestId("service-level-chart").waitFor(WAIT);
    await page.getByRole("table", { name: "Queues" }).getByText("All shown").waitFor(WAIT);
    await page.getByRole("table", { name: "Agents" }).getByText("Ana Agent").waitFor(WAIT);
    await page.getByTestId("report-csat").filter({ hasText: "5.0" }).waitFor(WAIT);
    await browser.screenshot(page, "reports-7-days.png");

    await page.getByText("Today", { exact: true }).click();
    await page.getByTestId("report-cases").filter({ hasText: /^3$/ }).waitFor(WAIT);
    // Custom dates a year back: nothing happened then.
    await page.getByText("Custom", { exact: true }).click();
    const lastYear = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("From").fill(lastYear);
    await page.getByLabel("To (inclusive)").fill(lastYear);
    await page.getByTestId("report-cases").filter({ hasText: /^0$/ }).waitFor(WAIT);
    await page.getByText("Nobody worked in this period.").waitFor(WAIT);
    await page.getByText("Today", { exact: true }).click();
    await page.getByTestId("report-cases").filter({ hasText: /^3$/ }).waitFor(WAIT);
  });

  it("exports the period's cases as CSV and downloads the file", { timeout: 90_000 }, async () => {
    await page.getByRole("button", { name: "Export CSV" }).click();
    await page.getByRole("menuitem", { name: "Cases" }).click();
    const link = page.getByRole("link", { name: "Download (3 rows)" });
    await link.waitFor(WAIT);
    await page.getByRole("progressbar", { name: "Cases export progress" }).waitFor(WAIT);
    await browser.screenshot(page, "reports-export-done.png");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^cases-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, "utf8");
    const lines = text.trim().split("\n");
    expect(lines[0]).toMatch(/^case_id,number,created_at,channel,subject/);
    expect(lines).toHaveLength(4);
    await page.screenshot({ path: join(SCREENSHOTS, "reports-full.png"), fullPage: true });
  });
});
