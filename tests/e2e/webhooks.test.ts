/**
 * Admin → Webhooks in a browser: an endpoint created with its events ticked, its secret shown once,
 * a new case delivered to a local receiver and listed in the delivery log, then replayed from it.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signIn, type TestBrowser } from "../helpers/browser.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const WAIT = { timeout: 15_000 };

describe("the webhooks page in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let receiver: WebhookReceiver;
  let page: Page;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await startTestApp({ env: { STATUS_UPDATES: "false", WEBHOOK_ALLOW_PRIVATE: "true" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await receiver?.stop();
  });

  it("creates an endpoint, shows a delivery in the log and replays it", { timeout: 90_000 }, async () => {
    page = await browser.context.newPage();
    await page.goto(`${app.url}/admin/webhooks`);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("heading", { level: 1, name: "Webhooks" }).waitFor(WAIT);

    await page.getByRole("button", { name: "Add endpoint" }).click();
    const form = page.getByRole("dialog", { name: "Add webhook endpoint" });
    await form.getByLabel("Name").fill("CRM");
    await form.getByLabel("URL").fill(`${receiver.url}/crm`);
    await form.getByRole("checkbox", { name: "case.created" }).check();
    await form.getByRole("checkbox", { name: "interaction.created" }).check();
    await page.screenshot({ path: join(SCREENSHOTS, "admin-webhooks-form.png"), fullPage: true });
    await form.getByRole("button", { name: "Save" }).click();

    const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-webhooks-secret.png"), fullPage: true });
    await page.getByRole("button", { name: "Done" }).click();

    const row = page.getByTestId("webhook-endpoint").filter({ hasText: "CRM" });
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain("Enabled");

    await newCase(app.services, { body: "Where is my order?" });
    const hook = await receiver.waitFor((received) => received.json.type === "case.created");
    new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>);

    await row.getByRole("button", { name: "Log" }).click();
    const delivered = page.locator('[data-testid="webhook-delivery"][data-status="delivered"]');
    await expect.poll(() => delivered.count(), WAIT).toBe(2);
    const created = delivered.filter({ hasText: "case.created" });
    expect(await created.textContent()).toContain("200");
    await page.screenshot({ path: join(SCREENSHOTS, "admin-webhooks-log.png"), fullPage: true });

    const before = receiver.received.length;
    await created.getByRole("button", { name: /^Replay case\.created/ }).click();
    await expect.poll(() => receiver.received.length, WAIT).toBe(before + 1);
    expect(receiver.received.at(-1)!.headers["webhook-id"]).toBe(hook.headers["webhook-id"]);
    await expect.poll(() => created.getByTestId("webhook-attempt").count(), WAIT).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-webhooks-replayed.png"), fullPage: true });
  });
});
