/**
 * Custom fields in a browser: an admin adds a choice field, an agent sets it in the case header
 * (a refused resolve names the required field first), and the inbox filters by it, the filter kept
 * in the URL.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("custom fields in the console", () => {
  let app: TestApp;
  let adminBrowser: TestBrowser;
  let agentBrowser: TestBrowser;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Ada Fields" });
    adminBrowser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(adminBrowser.context, app.url, app.admin.token!);
    agentBrowser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(agentBrowser.context, app.url, agent.token);
  }, 120_000);

  afterAll(async () => {
    await agentBrowser?.close();
    await adminBrowser?.close();
    await app?.close();
  });

  const choose = async (page: Page, scope: ReturnType<Page["getByRole"]>, label: string, option: string) => {
    await scope.getByRole("combobox", { name: label }).click();
    await page.getByRole("option", { name: option, exact: true }).click();
  };

  it("adds a choice field, sets it on a case, and filters the inbox by it", {
    timeout: 120_000,
  }, async () => {
    // The admin adds a required choice field.
    const admin = await adminBrowser.context.newPage();
    await admin.goto(`${app.url}/admin/fields`);
    await admin.getByRole("heading", { level: 1, name: "Custom fields" }).waitFor(WAIT);
    await admin.getByRole("button", { name: "New field" }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Label" }).fill("Plan tier");
    expect(await dialog.getByRole("textbox", { name: "Key" }).inputValue()).toBe("plan_tier");
    await choose(admin, dialog, "Type", "Choice");
    const options = dialog.getByLabel("Options");
    for (const option of ["Gold", "Silver"]) {
      await options.fill(option);
      await options.press("Enter");
    }
    await dialog.getByRole("checkbox", { name: "Required on every case" }).check();
    await admin.screenshot({ path: join(SCREENSHOTS, "custom-field-new.png") });
    await dialog.getByRole("button", { name: "Add field" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });
    await admin.locator('[data-key="plan_tier"]').getByText("Gold, Silver").waitFor(WAIT);
    await admin.screenshot({ path: join(SCREENSHOTS, "custom-fields-admin.png") });

    const contactField = await app.admin.post("/api/admin/custom-fields", {
      entity: "contact",
      key: "newsletter",
      label: "Newsletter",
      type: "checkbox",
    });
    expect(contactField.status).toBe(201);

    // The agent's case: resolving asks for the field; setting it in the header lets it through.
    const gold = await newCase(app.services, {
      from: { kind: "phone", address: "+16285557101", name: "Gwen Gold" },
      body: "fieldsdemo gold",
    });
    const other = await newCase(app.services, {
      from: { kind: "phone", address: "+16285557102", name: "Oscar Other" },
      body: "fieldsdemo other",
    });
    await assignCase(app.services, gold.id, agent.id);
    await assignCase(app.services, other.id, agent.id);
    const page = await agentBrowser.context.newPage();
    await page.goto(`${app.url}/cases/${gold.id}`);
    const header = page.getByTestId("custom-fields");
    await header.getByRole("combobox", { name: "Plan tier" }).waitFor(WAIT);
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.getByText(/needs 'Plan tier' filled in before it is resolved/).waitFor(WAIT);
    await choose(page, header, "Plan tier", "Gold");
    await expect
      .poll(async () => (await app.admin.get(`/api/cases/${gold.id}`)).body.customFields, WAIT)
      .toEqual({ plan_tier: "Gold" });
    await page.getByText(/needs 'Plan tier'/).waitFor({ state: "detached", ...WAIT });

    // A contact field in the customer panel.
    const panel = page.getByTestId("customer-panel");
    await panel.getByRole("checkbox", { name: "Newsletter" }).check();
    await expect
      .poll(async () => (await app.admin.get(`/api/contacts/${gold.contactId}`)).body.customFields, WAIT)
      .toEqual({ newsletter: true });
    await page.screenshot({ path: join(SCREENSHOTS, "custom-field-case-header.png") });
    await page.getByRole("button", { name: "Resolve" }).click();
    await expect.poll(() => page.getByTestId("case-state").textContent(), WAIT).toBe("Resolved");

    // The inbox filters by it, and the filter is in the URL (any status: the gold case is resolved).
    await page.goto(`${app.url}/?assignee=any&q=fieldsdemo`);
    const rows = page.getByTestId("inbox-row");
    await expect.poll(() => rows.count(), WAIT).toBe(2);
    await choose(page, page.getByRole("search", { name: "Filter cases" }), "Plan tier", "Gold");
    await expect.poll(() => rows.count(), WAIT).toBe(1);
    await rows.filter({ hasText: "Gwen Gold" }).waitFor(WAIT);
    expect(new URL(page.url()).searchParams.get("cf.plan_tier")).toBe("Gold");
    await page.screenshot({ path: join(SCREENSHOTS, "custom-field-inbox-filter.png") });

    // The link reproduces the filter.
    const again = await agentBrowser.context.newPage();
    await again.goto(page.url());
    await expect.poll(() => again.getByTestId("inbox-row").count(), WAIT).toBe(1);
  });
});
