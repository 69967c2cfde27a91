/**
 * An admin limits a supervisor to one queue in Admin → Agents; the supervisor's wall and inbox then
 * show that queue only, and the wall says which queue it is limited to.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn, type TestBrowser } from "../helpers/browser.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("queue scopes in a browser", () => {
  let app: TestApp;
  let adminBrowser: TestBrowser;
  let supervisorBrowser: TestBrowser | undefined;
  let supervisorEmail: string;
  const ids: Record<string, string> = {};

  const queueWithCase = async (name: string, subject: string) => {
    const queue = await app.admin.post("/api/queues", { name, requiredSkills: [] });
    expect(queue.status, JSON.stringify(queue.body)).toBe(201);
    const row = await newCase(app.services, { body: subject, subject });
    const moved = await app.admin.post(`/api/cases/${row.id}/transfer`, { toQueueId: queue.body.id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    return queue.body.id as string;
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    ids.billing = await queueWithCase("Billing", "Invoice sent twice");
    ids.sales = await queueWithCase("Sales", "Upgrade to the team plan");
    const supervisor = await app.createAgent({ role: "supervisor", name: "Sue Scoped" });
    supervisorEmail = supervisor.email;
    ids.supervisor = supervisor.id;
    adminBrowser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    await supervisorBrowser?.close();
    await adminBrowser?.close();
    await app?.close();
  });

  it("an admin limits a supervisor to Billing in Admin → Agents", { timeout: 90_000 }, async () => {
    const page = await adminBrowser.context.newPage();
    await page.goto(app.url);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Admin" }).click();
    await page.getByRole("heading", { level: 1, name: "Agents" }).waitFor(WAIT);
    await page.getByRole("button", { name: "Edit Sue Scoped" }).click();
    const drawer = page.getByRole("dialog");
    const scope = drawer.getByRole("group", { name: "Queues they may see" });
    await scope.getByText("Only these").click();
    await drawer.getByLabel("Only these queues").first().click();
    await page.getByRole("option", { name: "Billing" }).click();
    await drawer.getByText("Queues they may see").click();
    await adminBrowser.screenshot(page, "queue-scope-admin-form.png");
    await drawer.getByRole("button", { name: "Save" }).click();
    await drawer.waitFor({ state: "detached", ...WAIT });
    const row = page.getByTestId("admin-agent-row").and(page.locator(`[data-email="${supervisorEmail}"]`));
    await row.getByText("Billing").waitFor(WAIT);
    await adminBrowser.screenshot(page, "queue-scope-admin-agents.png");

    const stored = (await app.admin.get("/api/agents")).body.items.find(
      (agent: { id: string }) => agent.id === ids.supervisor,
    );
    expect(stored.queueScope).toEqual({ limited: true, queueIds: [ids.billing] });
  });

  it("the supervisor's wall and inbox show Billing only", { timeout: 90_000 }, async () => {
    supervisorBrowser = await launchBrowser({ timeoutMs: WAIT.timeout });
    const page: Page = await supervisorBrowser.context.newPage();
    await page.goto(app.url);
    await signIn(page, supervisorEmail, "agent-password");
    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Supervisor" }).click();
    await page.getByTestId("scope-notice").filter({ hasText: "the queue Billing" }).waitFor(WAIT);
    await page.getByTestId("queue-row").and(page.locator('[data-queue="Billing"]')).waitFor(WAIT);
    expect(await page.getByTestId("queue-row").and(page.locator('[data-queue="Sales"]')).count()).toBe(0);
    await supervisorBrowser.screenshot(page, "queue-scope-supervisor-wall.png");

    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Inbox" }).click();
    await page.getByRole("radiogroup", { name: "Whose cases" }).getByText("All").click();
    await page.getByTestId("inbox-row").filter({ hasText: "Invoice sent twice" }).waitFor(WAIT);
    expect(await page.getByTestId("inbox-row").filter({ hasText: "Upgrade to the team plan" }).count()).toBe(
      0,
    );
    await supervisorBrowser.screenshot(page, "queue-scope-supervisor-inbox.png");

    // Limited to no queue at all: the wall says so and shows no queue, rather than breaking.
    const none = { limited: true, queueIds: [] };
    expect((await app.admin.request("PUT", `/api/agents/${ids.supervisor}/queue-scope`, none)).status).toBe(
      200,
    );
    await page.goto(`${app.url}/supervisor`);
    await page.getByTestId("scope-notice").filter({ hasText: "limited to no queues" }).waitFor(WAIT);
    await page.getByRole("heading", { name: "Queues" }).first().waitFor(WAIT);
    expect(await page.getByTestId("queue-row").count()).toBe(0);
    await supervisorBrowser.screenshot(page, "queue-scope-supervisor-no-queues.png");
  });
});
