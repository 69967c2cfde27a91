/**
 * An admin creates an API key for "CRM sync" limited to one queue, sees its secret once (with a
 * warning and a copy button), finds it listed without the secret, sees it used, and revokes it:
 * the integration's very next request is refused.
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, createApi } from "../helpers/api.ts";
import { launchBrowser, signIn, type TestBrowser } from "../helpers/browser.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";

const WAIT = { timeout: 15_000 };

describe("API keys in a browser", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let queue: Body;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    queue = (await app.admin.get("/api/queues")).body.items.find((q: Body) => q.isDefault);
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The modal has finished animating in before a picture. */
  const settled = (dialog: Locator) =>
    dialog.evaluate((dialog) =>
      Promise.all(dialog.getAnimations({ subtree: true }).map((animation) => animation.finished)),
    );

  it("creates a key, shows its secret once, and revokes it", { timeout: 120_000 }, async () => {
    page = await browser.context.newPage();
    await page.goto(`${app.url}/admin/api-keys`);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("heading", { level: 1, name: "API keys" }).waitFor(WAIT);
    await page.getByText("No API key yet.").waitFor(WAIT);

    await page.getByRole("button", { name: "New API key" }).click();
    const form = page.getByRole("dialog", { name: "New API key" });
    await form.getByLabel(/^Name/).fill("CRM sync");
    await form.getByRole("checkbox", { name: /^Read cases/ }).check();
    await form.getByRole("checkbox", { name: /^Contacts/ }).check();
    await form.getByText("Only these").click();
    await form.getByLabel("Only these queues").first().click();
    await page.getByRole("option", { name: queue.name, exact: true }).click();
    await form.getByRole("combobox", { name: "Expires" }).click();
    await page.getByRole("option", { name: "In 90 days" }).click();
    await form.getByText(/^On /).waitFor(WAIT);
    await form.getByRole("heading", { name: "New API key" }).click();
    await settled(form);
    await browser.screenshot(page, "api-key-form.png");
    await form.getByRole("button", { name: "Create key" }).click();

    const shown = page.getByRole("dialog", { name: /API key CRM sync created/ });
    await shown.waitFor(WAIT);
    const secret = (await shown.getByTestId("api-key-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^sbk_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}$/);
    await shown.getByText("It will not be shown again").waitFor(WAIT);
    await shown.getByRole("button", { name: "Copy" }).waitFor(WAIT);
    await form.waitFor({ state: "detached", ...WAIT });
    await settled(shown);
    await browser.screenshot(page, "api-key-secret.png");
    await shown.getByRole("button", { name: "I have copied it" }).click();
    await shown.waitFor({ state: "detached", ...WAIT });

    const row = page.getByTestId("api-key-row").and(page.locator('[data-api-key="CRM sync"]'));
    await row.getByText("Never used").waitFor(WAIT);
    const text = (await row.textContent()) ?? "";
    expect(text).toContain(`sbk_${secret.slice(4, 12)}_…`);
    expect(text).not.toContain(secret.slice(13));
    expect(text).toContain("Read cases");
    expect(text).toContain(queue.name);
    expect(await page.content()).not.toContain(secret.slice(13));

    // The integration uses it; the list shows it was used, relative to now.
    const integration = createApi(app.url, secret);
    expect((await integration.get("/api/cases")).status).toBe(200);
    await page.reload();
    await row.getByText("just now").waitFor(WAIT);
    await browser.screenshot(page, "api-keys.png");

    page.once("dialog", (question) => question.accept());
    await row.getByRole("button", { name: "Revoke CRM sync" }).click();
    await page.locator('[data-api-key="CRM sync"][data-status="revoked"]').waitFor(WAIT);
    await browser.screenshot(page, "api-key-revoked.png");
    expect((await integration.get("/api/cases")).status).toBe(401);

    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: /^Security log/ })
      .click();
    const revokedEvent = page.locator('[data-testid="security-event"][data-kind="api_key_revoked"]');
    await revokedEvent.getByText("'CRM sync' by Administrator").waitFor(WAIT);
    await browser.screenshot(page, "api-key-security-log.png");
  });
});
