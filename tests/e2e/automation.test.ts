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

/** The dialog has finished fading in before a picture. */
const dialogSettled = (page: Page) =>
  page.waitForFunction(() =>
    [...document.querySelectorAll(".mantine-Modal-content")].every(
      (element) => getComputedStyle(element).opacity === "1" && !element.getAnimations().length,
    ),
  );

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

  /** A new page signed in as the agent, on the case, with its Macros menu open. */
  async function caseMacrosAs(token: string, caseId: string): Promise<Page> {
    const agentPage = await browser.context.newPage();
    await browser.context.clearCookies();
    await signInWithCookie(browser.context, app.url, token);
    await agentPage.goto(`${app.url}/cases/${caseId}`);
    await agentPage.getByTestId("case-view").waitFor(WAIT);
    await agentPage.getByRole("button", { name: "Macros" }).click();
    return agentPage;
  }

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
    await dialog.getByTestId("action-row").getByLabel("Tags (comma-separated)").fill("refund, billing");
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
    await dialogSettled(page);
    await browser.screenshot(page, "automation-dry-run.png");
    await page.keyboard.press("Escape");
  });

  it("edits a rule, and a refusal from the server stays in the dialog", { timeout: 120_000 }, async () => {
    const set = page.getByTestId("rule-set").and(page.locator('[data-set="Inbound triage"]'));
    const row = set.getByTestId("automation-rule").and(page.locator('[data-rule="Refunds"]'));
    await row.getByRole("button", { name: "Edit" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit rule: Refunds" });
    // The editor opens with what the rule holds.
    expect(await dialog.getByLabel("Name").inputValue()).toBe("Refunds");
    expect(await dialog.getByTestId("condition-row").getByLabel("Value").inputValue()).toBe("refund");
    expect(await dialog.getByTestId("action-row").getByLabel("Tags (comma-separated)").inputValue()).toBe(
      "refund, billing",
    );

    // A value the server refuses: its message, naming the condition, shows in the dialog.
    await dialog.getByRole("button", { name: "Add condition" }).click();
    const second = dialog.getByTestId("condition-row").nth(1);
    await second.getByLabel("Field").fill("priority");
    await second.getByRole("combobox", { name: "Operator" }).click();
    await page.getByRole("option", { name: "eq", exact: true }).click();
    await second.getByLabel("Value").fill("sky-high");
    await dialog.getByRole("button", { name: "Save rule" }).click();
    const refusal = dialog.getByRole("alert").filter({ hasText: "Rule not saved" });
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain("Condition 2: sky-high is not one of");
    await dialogSettled(page);
    await browser.screenshot(page, "automation-rule-refused.png");

    await second.getByRole("button", { name: "Remove condition" }).click();
    await dialog.getByLabel("Name").fill("Refund requests");
    await dialog.getByRole("button", { name: "Add action" }).click();
    const priority = dialog.getByTestId("action-row").nth(1);
    await priority.getByRole("combobox", { name: "Action" }).click();
    await page.getByRole("option", { name: "Set priority" }).click();
    await priority.getByRole("combobox", { name: "Priority" }).click();
    await page.getByRole("option", { name: "high" }).click();
    await browser.screenshot(page, "automation-rule-edit.png");
    await dialog.getByRole("button", { name: "Save rule" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });

    const edited = set.getByTestId("automation-rule").and(page.locator('[data-rule="Refund requests"]'));
    await edited.getByText("add tags: refund, billing; set priority: high").waitFor(WAIT);
    expect(await set.getByTestId("automation-rule").count()).toBe(1);
    const stored = (await app.admin.get("/api/admin/automation/rules")).body.items;
    expect(stored).toEqual([
      expect.objectContaining({
        name: "Refund requests",
        conditions: [{ field: "message", op: "contains", value: "refund" }],
        actions: [
          { type: "add_tags", tags: ["refund", "billing"] },
          { type: "set_priority", priority: "high" },
        ],
      }),
    ]);
  });

  it("moves a rule set up, renames it and changes its mode", { timeout: 120_000 }, async () => {
    const created = await app.admin.post("/api/admin/automation/rule-sets", {
      name: "After hours",
      mode: "all_match",
    });
    expect(created.status).toBe(201);
    await page.reload();
    const sets = page.getByTestId("rule-set");
    const order = () => sets.evaluateAll((all) => all.map((set) => set.getAttribute("data-set")));
    await expect.poll(order, WAIT).toEqual(["Inbound triage", "After hours"]);
    expect(await page.getByRole("button", { name: "Move rule set Inbound triage up" }).isDisabled()).toBe(
      true,
    );

    await page.getByRole("button", { name: "Move rule set After hours up" }).click();
    await expect.poll(order, WAIT).toEqual(["After hours", "Inbound triage"]);

    const night = sets.and(page.locator('[data-set="After hours"]'));
    await night.getByRole("button", { name: "Rename" }).click();
    await night.getByLabel("Rule set name").fill("Night shift");
    await night.getByRole("button", { name: "Save", exact: true }).click();
    const renamed = sets.and(page.locator('[data-set="Night shift"]'));
    await renamed.getByRole("heading", { name: "Night shift" }).waitFor(WAIT);
    await renamed.getByRole("combobox", { name: "Night shift: which rules run" }).click();
    await page.getByRole("option", { name: "First match only" }).click();
    await expect
      .poll(async () => (await app.admin.get("/api/admin/automation/rule-sets")).body.items, WAIT)
      .toEqual([
        expect.objectContaining({ name: "Night shift", mode: "first_match" }),
        expect.objectContaining({ name: "Inbound triage", mode: "all_match" }),
      ]);
    await browser.screenshot(page, "automation-rule-sets.png");
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

    const agentPage = await caseMacrosAs(agent.token, created.id);
    await agentPage.getByRole("menuitem", { name: /Solved, thanks/ }).click();
    await agentPage.getByText("Applied Solved, thanks").waitFor(WAIT);
    await agentPage.getByText(`Hi there, all done on #${created.number}.`).waitFor(WAIT);
    await browser.screenshot(agentPage, "automation-macro-applied.png");
    const detail = (await app.admin.get(`/api/cases/${created.id}`)).body;
    expect(detail.state).toBe("resolved");
    expect(detail.tags).toContain("done-by-macro");
  });
  it("lets an agent make a personal macro on the Macros screen and find it on a case", {
    timeout: 120_000,
  }, async () => {
    const agent = await app.createAgent({ name: "Max Macro" });
    const created = await newCase(app.services, { body: "Where is my refund?" });
    await assignCase(app.services, created.id, agent.id);
    const shared = await app.admin.post("/api/macros", {
      name: "Escalate to billing",
      actions: [{ type: "add_tags", tags: ["billing"] }],
      shared: true,
    });
    expect(shared.status).toBe(201);

    const agentPage = await caseMacrosAs(agent.token, created.id);
    await agentPage.getByRole("menuitem", { name: "Manage macros…" }).click();
    await agentPage.waitForURL(/\/macros$/);
    const rows = agentPage.getByTestId("macro-row");
    const sharedRow = rows.and(agentPage.locator('[data-macro="Escalate to billing"]'));
    await sharedRow.getByText("Kept by supervisors").waitFor(WAIT);
    expect(await sharedRow.getByText("Shared").count()).toBe(1);

    await agentPage.getByRole("button", { name: "New macro" }).click();
    const dialog = agentPage.getByRole("dialog", { name: "New macro" });
    await dialog.getByLabel("Name").fill("Refund sent");
    // Only supervisors and admins share macros.
    expect(await dialog.getByText("Shared with everyone").count()).toBe(0);
    // An empty reply is refused by the server, and its message shows in the dialog.
    await dialog.getByRole("button", { name: "Create macro" }).click();
    const refusal = dialog.getByRole("alert").filter({ hasText: "Macro not saved" });
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain("Action 1 (text): cannot be empty");

    await dialog
      .getByLabel("Reply text")
      .fill("Hi {{contact.first_name}}, your refund for #{{case.number}} is on its way.");
    await dialog.getByRole("button", { name: "Add action" }).click();
    await dialog.getByTestId("action-row").nth(1).getByLabel("Tags (comma-separated)").fill("refund-sent");
    await dialog.getByRole("button", { name: "Add action" }).click();
    const state = dialog.getByTestId("action-row").nth(2);
    await state.getByRole("combobox", { name: "Action" }).click();
    await agentPage.getByRole("option", { name: "Set state" }).click();
    await state.getByRole("combobox", { name: "State" }).click();
    await agentPage.getByRole("option", { name: "waiting on customer" }).click();
    await dialogSettled(agentPage);
    await browser.screenshot(agentPage, "macros-editor.png");
    await dialog.getByRole("button", { name: "Create macro" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });

    const mine = rows.and(agentPage.locator('[data-macro="Refund sent"]'));
    await mine.getByText("Mine").waitFor(WAIT);
    expect(await mine.textContent()).toContain("add tags: refund-sent");
    expect(await mine.textContent()).toContain("set state: waiting on customer");
    await browser.screenshot(agentPage, "macros-page.png");
    const stored = (await agent.api.get("/api/macros")).body.items;
    expect(stored).toContainEqual(
      expect.objectContaining({
        name: "Refund sent",
        shared: false,
        ownerAgentId: agent.id,
        actions: [
          {
            type: "reply",
            text: "Hi {{contact.first_name}}, your refund for #{{case.number}} is on its way.",
          },
          { type: "add_tags", tags: ["refund-sent"] },
          { type: "set_state", state: "waiting_on_customer" },
        ],
      }),
    );

    await agentPage.goto(`${app.url}/cases/${created.id}`);
    await agentPage.getByTestId("case-view").waitFor(WAIT);
    await agentPage.getByRole("button", { name: "Macros" }).click();
    await agentPage.getByRole("menuitem", { name: "Refund sent (mine)" }).waitFor(WAIT);
    // The menu has finished fading in before a picture.
    await agentPage.waitForFunction(() =>
      [...document.querySelectorAll(".mantine-Menu-dropdown")].every(
        (element) => getComputedStyle(element).opacity === "1",
      ),
    );
    await browser.screenshot(agentPage, "macros-menu.png");
    await agentPage.getByRole("menuitem", { name: "Refund sent (mine)" }).click();
    await agentPage.getByText(`Hi there, your refund for #${created.number} is on its way.`).waitFor(WAIT);

    // From the account menu, anywhere: the macro is renamed, then deleted once the agent confirms.
    await agentPage.getByRole("button", { name: "Your account" }).click();
    await agentPage.getByRole("menuitem", { name: "Macros" }).click();
    await mine.getByRole("button", { name: "Edit" }).click();
    const editing = agentPage.getByRole("dialog", { name: "Edit macro: Refund sent" });
    expect(await editing.getByLabel("Tags (comma-separated)").inputValue()).toBe("refund-sent");
    await editing.getByLabel("Name").fill("Refund on its way");
    await editing.getByRole("button", { name: "Save macro" }).click();
    await editing.waitFor({ state: "detached", ...WAIT });
    const renamed = rows.and(agentPage.locator('[data-macro="Refund on its way"]'));
    await renamed.waitFor(WAIT);
    agentPage.once("dialog", (confirm) => void confirm.accept());
    await renamed.getByRole("button", { name: "Delete" }).click();
    await renamed.waitFor({ state: "detached", ...WAIT });
    expect((await agent.api.get("/api/macros")).body.items.map((m: { name: string }) => m.name)).toEqual([
      "Escalate to billing",
    ]);
  });
});
