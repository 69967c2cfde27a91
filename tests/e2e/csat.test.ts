/**
 * Customer ratings where the team works, in a browser: a rating given while the agent has the case
 * open appears in its header and on its timeline without a reload; the inbox shows a CSAT column and
 * lists only low ratings when asked.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performAction } from "../../cases/replies.ts";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { createApi } from "../helpers/api.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("CSAT in the console", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  let phone = 3000;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Cora Csat" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, app.url, agent.token);
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const resolvedCase = async (name: string) => {
    phone += 1;
    const row = await newCase(app.services, {
      from: { kind: "phone", address: `+1628555${phone}`, name },
      body: `Help for ${name}`,
    });
    await assignCase(app.services, row.id, agent.id);
    await performAction(app.services.cases, {
      caseId: row.id,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });
    return row;
  };
  const rate = async (caseId: string, rating: number, comment?: string) => {
    const token = signStatusToken(app.services.statusUpdates.settings.secret, caseId);
    const rated = await createApi(app.url).post(`/api/status/${token}/rating`, { rating, comment });
    expect(rated.status).toBe(200);
  };

  it("shows a rating on the open case and its timeline as it arrives", { timeout: 60_000 }, async () => {
    const row = await resolvedCase("Rosa Rater");
    await page.goto(`${app.url}/cases/${row.id}`);
    await page.getByText("Help for Rosa Rater").first().waitFor(WAIT);
    expect(await page.getByTestId("case-csat").count()).toBe(0);

    await rate(row.id, 4, "quick and kind");

    const header = page.getByTestId("case-csat");
    await header.waitFor(WAIT);
    expect(await header.textContent()).toMatch(/★★★★☆\s*4\/5.*quick and kind.*rated just now/);
    const entry = page.locator("[data-testid=timeline-entry][data-kind=csat]");
    await entry.waitFor(WAIT);
    expect(await entry.textContent()).toContain("Rosa Rater rated the case");
    expect(await entry.textContent()).toContain("“quick and kind”");
    await browser.screenshot(page, "csat-case-rated.png");
  });

  it("filters the inbox to low ratings and shows the CSAT column", { timeout: 60_000 }, async () => {
    const low = await resolvedCase("Lou Low");
    const high = await resolvedCase("Hana High");
    await rate(low.id, 1, "nobody answered");
    await rate(high.id, 5);

    await page.goto(app.url);
    await page.getByRole("search", { name: "Filter cases" }).waitFor(WAIT);
    await page.getByRole("combobox", { name: "Status" }).click({ force: true });
    await page.getByRole("option", { name: "Resolved" }).click();
    await page.keyboard.press("Escape");
    await page.getByTestId("inbox-row").filter({ hasText: "Hana High" }).waitFor(WAIT);
    await page.getByTestId("inbox-row").filter({ hasText: "Lou Low" }).waitFor(WAIT);
    expect(
      await page
        .getByTestId("inbox-row")
        .filter({ hasText: "Hana High" })
        .getByTestId("inbox-csat")
        .textContent(),
    ).toBe("★★★★★");

    await page.getByPlaceholder("Any rating").click();
    await page.getByRole("option", { name: /Low/ }).click();
    await page.keyboard.press("Escape");
    await page
      .getByTestId("inbox-row")
      .filter({ hasText: "Hana High" })
      .waitFor({ state: "detached", ...WAIT });
    const rows = page.getByTestId("inbox-row");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("Lou Low");
    await browser.screenshot(page, "csat-inbox-low.png");
  });
  it("shows CSAT per queue, for the team and per agent on the wall", { timeout: 90_000 }, async () => {
    const skill = await app.admin.post("/api/skills", { name: "refunds" });
    const queue = await app.admin.post("/api/queues", {
      name: "Refunds",
      requiredSkills: [{ skillId: skill.body.id, level: 1 }],
    });
    const worker = await app.createAgent({ name: "Wes Worker" });
    for (const [rating, name] of [
      [5, "Rae Refund"],
      [3, "Ray Refund"],
    ] as const) {
      phone += 1;
      const row = await newCase(app.services, { from: { kind: "phone", address: `+1628555${phone}`, name } });
      const moved = await app.admin.post(`/api/cases/${row.id}/transfer`, {
        toQueueId: queue.body.id,
        note: "Refunds handles this",
      });
      expect(moved.status).toBe(200);
      await assignCase(app.services, row.id, worker.id);
      await performAction(app.services.cases, {
        caseId: row.id,
        action: "resolve",
        actor: { type: "agent", id: worker.id },
      });
      await rate(row.id, rating);
    }
    const supervisor = await app.createAgent({ role: "supervisor", name: "Sia Supervisor" });
    const wall = await browser.context.newPage();
    await browser.context.addCookies([
      { name: "sb_session", value: supervisor.token, url: app.url, httpOnly: true, sameSite: "Lax" },
    ]);
    await wall.goto(`${app.url}/supervisor`);
    const refunds = wall.getByTestId("queue-row").and(wall.locator('[data-queue="Refunds"]'));
    await refunds.getByTestId("queue-csat").filter({ hasText: "★ 4.0" }).waitFor(WAIT);
    expect(await refunds.getByTestId("queue-csat").textContent()).toBe("★ 4.0 (2)");
    await wall.getByTestId("team-csat").filter({ hasText: "★" }).waitFor(WAIT);
    await browser.screenshot(wall, "csat-wall.png");
    await wall.getByRole("tab", { name: "Agents" }).click();
    const wes = wall.getByTestId("agent-row").and(wall.locator('[data-agent="Wes Worker"]'));
    await wes.getByTestId("agent-csat").filter({ hasText: "★ 4.0" }).waitFor(WAIT);
    expect(await wes.getByTestId("agent-csat").textContent()).toBe("★ 4.0 (2)");
    await browser.screenshot(wall, "csat-agent-grid.png");
    await wall.close();
  });
  it("asks for the rating inline in the chat widget; the agent sees it on the case", {
    timeout: 90_000,
  }, async () => {
    // Somebody must be there to chat with, or the widget offers "leave a message".
    await agent.api.post("/api/me/presence", { status: "available" });
    const widget = await browser.context.newPage();
    await widget.goto(`${app.url}/chat-demo`);
    await widget.locator("[data-testid=sb-chat-bubble]").click();
    await widget.getByLabel("Name").fill("Wanda Widget");
    await widget.getByRole("button", { name: "Start chat" }).click();
    await widget.locator("[data-testid=sb-chat-input]").fill("Where is my refund?");
    await widget.locator("[data-testid=sb-chat-send]").click();
    await widget
      .locator("[data-testid=sb-chat-message][data-from=visitor]")
      .and(widget.locator("[data-status=sent]"))
      .waitFor(WAIT);
    const chats = await app.admin.get("/api/cases?channel=chat&assignee=none&status=open");
    const chat = chats.body.items.find(
      (item: { contact: { name: string } }) => item.contact.name === "Wanda Widget",
    );
    expect(chat).toBeDefined();
    await assignCase(app.services, chat.id, agent.id);
    await performAction(app.services.cases, {
      caseId: chat.id,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });

    // The resolving update carries a short link to the case, not its long address, and the stars.
    const form = widget.getByTestId("sb-chat-rating");
    await form.waitFor(WAIT);
    await widget.getByRole("link", { name: "View your case" }).waitFor(WAIT);
    expect(await widget.locator("[data-testid=sb-chat-message]").last().textContent()).not.toContain(
      "/status/",
    );
    await widget.getByRole("button", { name: "4 of 5: Good" }).click();
    await widget.getByLabel("Comment (optional)").fill("Sorted in minutes");
    await widget.getByRole("button", { name: "Send rating" }).click();
    await widget
      .getByTestId("sb-chat-rating-note")
      .filter({ hasText: "Thank you! You rated us 4 of 5." })
      .waitFor(WAIT);
    await browser.screenshot(widget, "csat-widget-rated.png");

    await signInWithCookie(browser.context, app.url, agent.token);
    await page.goto(`${app.url}/cases/${chat.id}`);
    await page.getByTestId("case-csat").filter({ hasText: "Sorted in minutes" }).waitFor(WAIT);
    expect(await page.getByTestId("case-csat").textContent()).toMatch(/★★★★☆\s*4\/5/);
    await page.locator("[data-testid=timeline-entry][data-kind=csat]").waitFor(WAIT);
    await browser.screenshot(page, "csat-case-from-widget.png");
    await widget.close();
  });
  it("shows the status page's times in the customer's own zone", { timeout: 60_000 }, async () => {
    const row = await resolvedCase("Tomas Timezone");
    await rate(row.id, 5, "great");
    const token = signStatusToken(app.services.statusUpdates.settings.secret, row.id);
    const status = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(status);
    await cdp.send("Emulation.setTimezoneOverride", { timezoneId: "America/Los_Angeles" });
    await status.goto(`${app.url}/status/${token}`);
    const opened = status.locator("time").first();
    await status.waitForFunction(() => !document.querySelector("time")?.textContent?.endsWith("UTC"));
    const iso = await opened.getAttribute("datetime");
    const expected = await status.evaluate(
      (at) =>
        new Date(at!).toLocaleString(undefined, {
          year: "numeric",
          month: "short",
          day: "numeric",
          hour: "2-digit",
          minute: "2-digit",
          timeZoneName: "short",
        }),
      iso,
    );
    expect(await opened.textContent()).toBe(expected);
    expect(expected).toMatch(/P[SD]T|GMT-[78]/);
    await status.getByText("You rated us 5 of 5.").waitFor(WAIT);
    await browser.screenshot(status, "csat-status-page-local-times.png");
    await status.close();
  });
});
