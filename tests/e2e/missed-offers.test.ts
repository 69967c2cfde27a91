/**
 * Work never gets stuck behind a missed offer: the agent is told they missed it and, being the only
 * one with room, gets it again within seconds; "Take next" says why nothing comes; and a waiting
 * case can be taken from its own page.
 */
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agents } from "../../db/schema/agents.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };

describe("missed offers, take next and taking a case", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp({ env: { OFFER_TIMEOUT_SECONDS: "4", STATUS_UPDATES: "false" } });
    agent = await app.createAgent({ name: "Mia Missed" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, app.url, agent.token);
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const setSmsCapacity = (sms: number) =>
    app.services.db
      .update(agents)
      .set({ capacity: { voice: 1, chat: 3, sms, email: 5 } })
      .where(eq(agents.id, agent.id));

  it("tells the agent they missed an offer and offers the case again within seconds", {
    timeout: 120_000,
  }, async () => {
    await setSmsCapacity(1);
    await page.goto(app.url);
    await page.getByTestId("agent-name").filter({ hasText: "Mia Missed" }).waitFor(WAIT);
    await page.locator("label", { hasText: "Available" }).click();
    await expect.poll(async () => (await agent.api.get("/api/me")).body.presence, WAIT).toBe("available");

    const missed = await newCase(app.services, {
      from: { kind: "phone", address: "+16285554001", name: "Lena Lapsed" },
      body: "Hello? Anyone there?",
    });
    const card = page.getByTestId("offer-card").filter({ hasText: "Lena Lapsed" });
    await card.waitFor(WAIT);
    const firstOffer = await card.getAttribute("data-offer-id");
    // Not answered: it lapses, the agent is told, and it comes back to them (nobody else has room).
    const notice = page.locator(".mantine-Notification-root").filter({ hasText: "You missed an offer" });
    await notice.waitFor(WAIT);
    expect(await notice.textContent()).toContain(`case #${missed.number}`);
    await expect.poll(() => card.getAttribute("data-offer-id"), WAIT).not.toBe(firstOffer);
    await browser.screenshot(page, "missed-offer-comes-back.png");
    await card.getByRole("button", { name: "Accept" }).click();
    await page.waitForURL(`**/cases/${missed.id}`, WAIT);
  });

  it("says why Take next finds nothing, and takes a waiting case from its page", {
    timeout: 120_000,
  }, async () => {
    // SMS capacity 1 and one SMS case held: a second SMS waits and is not theirs to take.
    const waiting = await newCase(app.services, {
      from: { kind: "phone", address: "+16285554002", name: "Walt Waiting" },
      body: "Can someone call me?",
    });
    await page.getByRole("link", { name: /Inbox/ }).first().click();
    await page.getByRole("button", { name: "Take next case" }).click();
    const why = page.locator(".mantine-Notification-root").filter({ hasText: "Nothing to take" });
    await why.waitFor(WAIT);
    expect(await why.textContent()).toContain(
      "You are at capacity for the cases you could take (SMS and WhatsApp messages 1 of 1)",
    );
    expect(await page.getByText("1 case", { exact: true }).count()).toBe(1);
    // It slides in from the right: the screenshot waits until it is fully on the page.
    await expect
      .poll(async () => (await why.boundingBox())?.x ?? Number.POSITIVE_INFINITY, WAIT)
      .toBeLessThan(900);
    await browser.screenshot(page, "take-next-why-nothing.png");

    // Room again, but away: the case is not offered; the agent opens it and takes it.
    await setSmsCapacity(2);
    await agent.api.post("/api/me/presence", { status: "away", reason: "Paperwork" });
    await page.goto(`${app.url}/cases/${waiting.id}`);
    const take = page.getByRole("button", { name: "Take this case" });
    await take.waitFor(WAIT);
    await browser.screenshot(page, "take-case-from-page.png");
    await take.click();
    await take.waitFor({ ...WAIT, state: "detached" });
    expect((await agent.api.get(`/api/cases/${waiting.id}`)).body).toMatchObject({
      assigneeId: agent.id,
      state: "assigned",
    });
    await expect.poll(() => page.getByTestId("case-state").textContent(), WAIT).toBe("Open");
  });
});
