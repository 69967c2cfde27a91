import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { computeIntervals } from "../../sla/metrics-intervals.ts";
import { launchBrowser, SCREENSHOTS, signIn, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";
import { connectAgent, type RecordingSocket } from "../helpers/sockets.ts";

const WAIT = { timeout: 15_000 };

describe("supervisor wall in a browser", () => {
  let app: TestApp;
  let context: BrowserContext;
  let browser: TestBrowser;
  let page: Page;
  let offsetMs = 0;
  const ids: Record<string, string> = {};
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp({
      clock: () => new Date(Date.now() + offsetMs),
      // Sessions outlive the hours the clock jumps; remedies are judged within a second of being due.
      env: { STATUS_UPDATES: "false", SESSION_TTL_HOURS: "720", SWEEP_INTERVAL_SECONDS: "1" },
    });
    const skill = await app.admin.post("/api/skills", { name: "billing" });
    const queue = await app.admin.post("/api/queues", {
      name: "Billing",
      requiredSkills: [{ skillId: skill.body.id, level: 1 }],
      serviceLevelPercent: 80,
      serviceLevelSeconds: 30,
    });
    ids.queue = queue.body.id;
    await app.admin.post("/api/assignment-rules", {
      name: "Invoices",
      conditions: { keywords: ["invoice"] },
      queueId: queue.body.id,
    });
    for (const name of ["Ana Agent", "Raj Agent"]) {
      const agent = await app.createAgent({ name });
      await app.admin.request("PUT", `/api/agents/${agent.id}/skills`, {
        items: [{ skillId: skill.body.id, level: 3 }],
      });
      ids[name] = agent.id;
      // A console stays connected, so the jumps of the clock do not sign them off as vanished.
      sockets.push(await connectAgent(app.url, agent.token));
    }
    // Ana works on one case; both are away, so what arrives next waits in the queue.
    const held = await write("invoice copy needed for March", "+14155550101");
    ids.held = held.id;
    await assignCase(app.services, held.id, ids["Ana Agent"]!);
    await app.services.router.setPresence({
      agentId: ids["Raj Agent"]!,
      presence: "away",
      reason: "Training",
    });

    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    context = browser.context;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  async function write(body: string, from = `+1415${Math.floor(2_000_000 + Math.random() * 7_000_000)}`) {
    const result = await ingest(app.services.cases, {
      channel: "sms",
      externalId: `SM${randomUUID().replaceAll("-", "")}`,
      from: { kind: "phone", address: from },
      to: "+14155550100",
      body,
    });
    return result.case;
  }

  const billingRow = () => page.getByTestId("queue-row").and(page.locator('[data-queue="Billing"]'));

  it("shows a queue's waiting count change live when a case arrives", { timeout: 90_000 }, async () => {
    const supervisor = await app.createAgent({ role: "supervisor", name: "Sam Supervisor" });
    page = await context.newPage();
    await page.goto(app.url);
    await signIn(page, supervisor.email, "agent-password");
    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Supervisor" }).click();
    await page.waitForURL(/\/supervisor$/);
    await page.getByText("Live", { exact: true }).waitFor(WAIT);
    await billingRow().getByTestId("queue-waiting").filter({ hasText: /^0$/ }).waitFor(WAIT);

    const arriving = await write("Question about my invoice total");
    ids.waiting = arriving.id;
    expect(arriving.queueId).toBe(ids.queue);
    // No reload: the figure comes with the next `queue.stats` push.
    await billingRow().getByTestId("queue-waiting").filter({ hasText: /^1$/ }).waitFor(WAIT);
    await page.getByTestId("team-waiting").filter({ hasText: /^1$/ }).waitFor(WAIT);
    await page.getByTestId("chart-volume").or(page.getByText("No intervals recorded")).first().waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "supervisor-wall.png") });
  });

  it("applies a remedy from the SLA board and shows whether it worked", { timeout: 120_000 }, async () => {
    // Five hours later the waiting case has breached its first-response target (Standard policy: 4 h).
    offsetMs += 5 * 3_600_000;
    await page.getByRole("tab", { name: /SLA board/ }).click();
    const item = page.getByTestId("sla-case").and(page.locator(`[data-case-id="${ids.waiting}"]`));
    await item.getByTestId("sla-status").filter({ hasText: "Breached" }).waitFor({ timeout: 30_000 });
    const raise = item.getByTestId("remedy").and(page.locator('[data-kind="raise_priority"]'));
    await raise.waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "supervisor-sla-board.png") });

    await raise.getByRole("button", { name: /^Apply: Raise case #\d+ to high priority$/ }).click();
    const applied = page.getByTestId("applied-remedy").first();
    await applied.and(page.locator('[data-outcome="pending"]')).waitFor(WAIT);
    expect(await applied.textContent()).toContain("Raise priority");

    const recorded = await app.admin.get("/api/sla/remedies");
    const waitingNumber = (await app.admin.get(`/api/cases/${ids.waiting}`)).body.number as number;
    expect(recorded.body.items).toEqual([
      expect.objectContaining({
        kind: "raise_priority",
        caseId: ids.waiting,
        caseNumber: waitingNumber,
        outcome: "pending",
      }),
    ]);
    // The history names the case by number, also once it has left the board.
    expect(await applied.textContent()).toContain(`case #${waitingNumber}`);
    expect((await app.admin.get(`/api/cases/${ids.waiting}`)).body.priority).toBe("high");

    // Ten minutes on, the remedy is judged: the first response is still late, so it did not work.
    offsetMs += 11 * 60_000;
    await applied.and(page.locator('[data-outcome="not_recovered"]')).waitFor({ timeout: 40_000 });
    expect(await applied.getByTestId("remedy-outcome").textContent()).toBe("Did not work");
    await page.screenshot({ path: join(SCREENSHOTS, "supervisor-sla-remedy-applied.png"), fullPage: true });
  });

  it("shows the agent grid, reassigns a case and changes an agent's presence", {
    timeout: 90_000,
  }, async () => {
    await page.getByRole("tab", { name: "Agents" }).click();
    const ana = page.getByTestId("agent-row").and(page.locator('[data-agent="Ana Agent"]'));
    const raj = page.getByTestId("agent-row").and(page.locator('[data-agent="Raj Agent"]'));
    await ana.getByTestId("load-sms").filter({ hasText: "SMS 1/5" }).waitFor(WAIT);
    await raj.getByText("Training").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "supervisor-agent-grid.png") });

    // Reassign Ana's case to Raj.
    await ana.getByRole("button", { name: /^Reassign case #\d+$/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("combobox", { name: "New agent" }).click();
    await page.getByRole("option", { name: /^Raj Agent/ }).click();
    await dialog.getByLabel("Note for the agent").fill("Ana is off for the day");
    await page.screenshot({ path: join(SCREENSHOTS, "supervisor-reassign.png") });
    await dialog.getByRole("button", { name: "Reassign" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });
    await raj.getByTestId("load-sms").filter({ hasText: "SMS 1/5" }).waitFor(WAIT);
    expect((await app.admin.get(`/api/cases/${ids.held}`)).body.assigneeId).toBe(ids["Raj Agent"]);

    // Set Ana available: the grid follows, and routing may now offer her the waiting case.
    await ana.getByRole("combobox", { name: "Presence of Ana Agent" }).click();
    await page.getByRole("option", { name: "Available" }).click();
    await ana
      .getByTestId("agent-state")
      .filter({ hasText: /Available|Busy/ })
      .waitFor(WAIT);
    const agents = await app.admin.get("/api/agents");
    expect(agents.body.items.find((a: { id: string }) => a.id === ids["Ana Agent"]).presence).toBe(
      "available",
    );
  });

  it("charts the last hours from the stored 15-minute intervals", { timeout: 60_000 }, async () => {
    // The interval job runs once a minute; compute now rather than wait for it.
    await computeIntervals(app.services.db, new Date(Date.now() + offsetMs));
    const stored = await app.admin.get("/api/metrics/intervals");
    expect(stored.body.intervals.length).toBeGreaterThan(0);
    await page.getByRole("tab", { name: "Queues" }).click();
    await page.getByRole("combobox", { name: "Queue shown in the charts" }).click();
    await page.getByRole("option", { name: "Billing" }).click();
    await page.getByTestId("chart-volume").locator(".recharts-bar-rectangle").first().waitFor(WAIT);
    await page.getByTestId("chart-volume").getByText("In queue (new + carried over)").waitFor(WAIT);
    await page.getByTestId("chart-service").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, "supervisor-charts.png"), fullPage: true });
  });
});
