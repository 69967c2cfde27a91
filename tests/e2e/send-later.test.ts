/**
 * Send later in the console: the composer offers times in the customer's zone with the agent's own
 * beside them, the scheduled reply waits on the timeline saying when it leaves in both zones, and
 * Cancel withdraws it. On WhatsApp after the 24-hour window, the composer says so before the agent
 * writes and offers the approved templates instead.
 */
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { interactions } from "../../db/schema/cases.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, inboundSms } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };
const CUSTOMER_ZONE = "America/New_York";
const AGENT_ZONE = "Asia/Tokyo";

describe("send later and the WhatsApp window", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    agent = await app.createAgent({ name: "Sam Scheduler" });
    expect((await agent.api.request("PUT", "/api/me/time-zone", { timeZone: AGENT_ZONE })).status).toBe(200);
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, app.url, agent.token);
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("schedules a reply for 9:00 customer time, shows it in both zones, and cancels it", {
    timeout: 120_000,
  }, async () => {
    const stored = await ingest(
      app.services.cases,
      inboundSms({
        from: { kind: "phone", address: "+12125550147", name: "Nadia York" },
        body: "Can you call me back tomorrow morning?",
      }),
    );
    await assignCase(app.services, stored.case.id, agent.id);
    const contact = await app.admin.request("PATCH", `/api/contacts/${stored.case.contactId}`, {
      timeZone: CUSTOMER_ZONE,
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(200);

    await page.goto(`${app.url}/cases/${stored.case.id}`);
    const view = page.getByTestId("case-view");
    await view.getByTestId("timeline-entry").filter({ hasText: "tomorrow morning" }).waitFor(WAIT);
    await page
      .getByRole("textbox", { name: "Reply to Nadia York" })
      .fill("Good morning Nadia, calling you at 10.");
    await page.getByTestId("send-later").click();
    const menu = page.getByTestId("send-later-menu");
    await menu.waitFor(WAIT);
    expect(await menu.textContent()).toContain(`Customer's time (${CUSTOMER_ZONE})`);
    // 9:00 in New York is 23:00 in Tokyo in December (EST, UTC-5; JST, UTC+9).
    const nine = menu.getByRole("menuitem", { name: /^Tomorrow 9:00 customer time \(.*23:00 yours\)$/ });
    await nine.waitFor(WAIT);
    await browser.screenshot(page, "send-later-menu.png");
    await nine.click();

    const scheduled = view.getByTestId("scheduled-reply");
    await scheduled.waitFor(WAIT);
    expect(await scheduled.textContent()).toMatch(/Scheduled: Tomorrow 9:00 customer time \(.*23:00 yours\)/);
    const [row] = await app.services.db
      .select()
      .from(interactions)
      .where(eq(interactions.body, "Good morning Nadia, calling you at 10."));
    expect(row).toMatchObject({ status: "scheduled" });
    expect(
      row!.sendAt!.toLocaleTimeString("en-GB", {
        timeZone: CUSTOMER_ZONE,
        hour: "2-digit",
        minute: "2-digit",
      }),
    ).toBe("09:00");
    await browser.screenshot(page, "send-later-timeline.png");

    await scheduled.getByRole("button", { name: "Cancel" }).click();
    const entry = view.getByTestId("timeline-entry").filter({ hasText: "calling you at 10" });
    await entry.getByTestId("delivery-status").filter({ hasText: "Cancelled" }).waitFor(WAIT);
    expect(await view.getByTestId("scheduled-reply").count()).toBe(0);
    await expect
      .poll(
        async () =>
          (await app.services.db.select().from(interactions).where(eq(interactions.id, row!.id)))[0]!.status,
      )
      .toBe("cancelled");
    await browser.screenshot(page, "send-later-cancelled.png");
  });

  it("says the WhatsApp window closed before the agent writes, and offers the templates", {
    timeout: 120_000,
  }, async () => {
    const saved = await app.admin.request("PUT", "/api/whatsapp/templates", {
      items: [{ name: "order_update", body: "Your order {{1}} is {{2}}. Reply to continue." }],
    });
    expect(saved.status).toBe(200);
    const stored = await ingest(app.services.cases, {
      ...inboundSms({
        from: { kind: "phone", address: "+5511955550123", name: "Ana Souza" },
        body: "Oi! Is my order shipped?",
      }),
      channel: "whatsapp",
      metadata: { provider: "twilio" },
    });
    await assignCase(app.services, stored.case.id, agent.id);
    // The customer wrote 26 hours ago.
    await app.services.db
      .update(interactions)
      .set({ createdAt: new Date(Date.now() - 26 * 60 * 60_000) })
      .where(eq(interactions.id, stored.interaction.id));

    await page.goto(`${app.url}/cases/${stored.case.id}`);
    const banner = page.getByTestId("whatsapp-window-closed");
    await banner.waitFor(WAIT);
    expect(await banner.textContent()).toMatch(
      /The 24-hour window closed at .*; only an approved template can be sent\./,
    );
    expect(await page.getByRole("textbox", { name: "Reply to Ana Souza" }).count()).toBe(0);
    const picker = page.getByTestId("whatsapp-template-picker");
    await picker.getByLabel("Approved template").click();
    await page.getByRole("option", { name: "order_update" }).click();
    await picker.getByRole("textbox", { name: "Value {{1}}" }).fill("5521");
    await picker.getByRole("textbox", { name: "Value {{2}}" }).fill("on its way");
    await picker
      .getByTestId("template-preview")
      .filter({ hasText: "Your order 5521 is on its way. Reply to continue." })
      .waitFor(WAIT);
    await browser.screenshot(page, "whatsapp-window-closed.png");
  });
});
