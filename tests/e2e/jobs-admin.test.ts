/**
 * Admin → Jobs in a browser: the four queues with their figures, a failed job listed with its
 * error, and the Retry button running it again (on the server, not only on the page).
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signIn, type TestBrowser } from "../helpers/browser.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";

const WAIT = { timeout: 15_000 };

describe("the jobs page in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const failures = async (name: string) =>
    (await app.services.metrics.jobs.get()).values.find(
      (value) => value.labels.name === name && value.labels.outcome === "failed",
    )?.value ?? 0;

  it("shows each queue and retries a failed job", { timeout: 90_000 }, async () => {
    // A caller-on-hold timer on a server without Twilio fails, as one a retry alone cannot fix.
    const jobId = `voice-wait-${randomUUID()}`;
    await app.services.jobs.enqueue("voice-wait-timeout", { callInteractionId: randomUUID() }, { jobId });
    await expect.poll(() => failures("voice-wait-timeout")).toBe(1);

    page = await browser.context.newPage();
    await page.goto(app.url);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Admin" }).click();
    await page.waitForURL(/\/admin$/);
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: /^Jobs/ })
      .click();
    await page.getByRole("heading", { level: 1, name: "Jobs" }).waitFor(WAIT);

    const rows = page.getByTestId("job-queue");
    await rows.first().waitFor(WAIT);
    expect(await rows.evaluateAll((found) => found.map((row) => row.getAttribute("data-queue")))).toEqual([
      "realtime",
      "delivery",
      "periodic",
      "bulk",
    ]);
    const realtime = page.locator('[data-testid="job-queue"][data-queue="realtime"]');
    expect(await realtime.textContent()).toContain("Offer expiry");

    const failed = page.locator(`[data-testid="failed-job"][data-job-id="${jobId}"]`);
    await failed.waitFor(WAIT);
    expect(await failed.textContent()).toContain("Voice is not configured on this server");
    await page.screenshot({ path: join(SCREENSHOTS, "admin-jobs.png"), fullPage: true });

    await failed.getByRole("button", { name: /^Retry voice-wait-timeout/ }).click();
    await page.getByText("Job queued again").waitFor(WAIT);
    // The server ran it again (and, still without Twilio, it failed again and is listed again).
    await expect.poll(() => failures("voice-wait-timeout")).toBe(2);
    await failed.waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-jobs-retried.png"), fullPage: true });
  });
});
