/**
 * Automation in a browser: an admin creates a rule set and a rule with a condition and an action,
 * dry-runs it and sees the open case it would match; an agent applies a macro from a case's
 * Macros menu and the case is answered, tagged and resolved.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("automation in a browser", () => {
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

  it("creates a rule and dry-runs it", { timeout: 120_000 }, async () => {
    const waiting = await newCase(app.services, { body: "I would like a refund, please" });
    await newCase(app.services, { body: "Just saying hello" });
    page = await browser.context.newPage();
    await page.goto(`${app.url}/admin/automation`);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("heading", { level: 1, name: "Automation" }).waitFor(WAIT);

    await page.getByLabel("New rule set").fill("Inbound triage");
    await page.getByRole("button", { name: "Add rule set" }).click();
    const set = page.getByTestId("rule-set").and(page.locator('[data-set="Inbound triage"]'));
    await set.getByText("No rules yet.").waitFor(WAIT);

    await set.getByRole("button", { name: "New rule" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Refunds");
    await dialog.getByRole("button", { name: "Add condition" }).click();
    await dialog.getByTestId("condition-row").getByLabel("Value").fill("refund");
    await dialog.getByTestId("action-row").getByLabel("Parameter").fill("refund, billing");
    await browser.screenshot(page, "automation-rule-editor.png");
    await dialog.getByRole("button", { name: "Create rule" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });

    const row = set.getByTestId("automation-rule").and(page.locator('[data-rule="Refunds"]'));
    await row.getByText("on interaction.created · 1 condition").waitFor(WAIT);
    expect(await row.textContent()).toContain("add tags: refund, billing");

    await row.getByRole("button", { name: "Dry-run" }).click();
    const result = page.getByTestId("dry-run-result");
    await result.waitFor(WAIT);
    await result.getByText(`#${waiting.number}`, { exact: false }).waitFor(WAIT);
    expect(await result.textContent()).toContain("1 of 2 open cases");
    expect(await result.textContent()).toContain("message contains 'refund': yes");
    // The dialog has finished fading in before a picture.
    await page.waitForFunction(() =>
      [...document.querySelectorAll(".mantine-Modal-content")].every(
        (element) => getComputedStyle(element).opacity === "1" && !element.getAnimations().length,
      ),
    );
    await browser.screenshot(page, "automation-dry-run.png");
    await page.keyboard.press("Escape");
  });

  it("lets an agent apply a macro from a case in one click", { timeout: 120_000 }, async () => {
    const agent = await app.createAgent({ name: "Mia Macro" });
    const created = await newCase(app.services, { body: "Please close my ticket" });
    await assignCase(app.services, created.id, agent.id);
    const macro = await agent.api.post("/api/macros", {
      name: "Solved, thanks",
      actions: [
        { type: "reply", text: "Hi {{contact.first_name}}, all done on #{{case.number}}." },
        { type: "add_tags", tags: ["done-by-macro"] },
        { type: "set_state", state: "resolved" },
      ],
    });
    expect(macro.status).toBe(201);

    const agentPage = await browser.context.newPage();
    await browser.context.clearCookies();
    await signInWithCookie(browser.context, app.url, agent.token);
    await agentPage.goto(`${app.url}/cases/${created.id}`);
    await agentPage.getByTestId("case-view").waitFor(WAIT);
    await agentPage.getByRole("button", { name: "Macros" }).click();
    await agentPage.getByRole("menuitem", { name: /Solved, thanks/ }).click();
    await agentPage.getByText("Applied Solved, thanks").waitFor(WAIT);
    await agentPage.getByText(`Hi there, all done on #${created.number}.`).waitFor(WAIT);
    await browser.screenshot(agentPage, "automation-macro-applied.png");
    const detail = (await app.admin.get(`/api/cases/${created.id}`)).body;
    expect(detail.state).toBe("resolved");
    expect(detail.tags).toContain("done-by-macro");
  });
});
