/**
 * The composer starts in Reply on every case: an internal note written on one case never carries
 * over as the mode of the next one an agent opens, and note mode is unmistakable while it is on.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, inboundSms } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };

describe("the composer's mode", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    agent = await app.createAgent({ name: "Nora Note" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, app.url, agent.token);
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function smsCaseFrom(name: string, address: string, body: string) {
    const stored = await ingest(
      app.services.cases,
      inboundSms({ from: { kind: "phone", address, name }, body }),
    );
    await assignCase(app.services, stored.case.id, agent.id);
    return stored.case;
  }

  it("opens the next case in Reply after a note, and marks note mode plainly", {
    timeout: 120_000,
  }, async () => {
    const first = await smsCaseFrom("Paula First", "+16285550101", "Where is my parcel?");
    const second = await smsCaseFrom("Quentin Second", "+16285550102", "Can I change my address?");

    await page.goto(`${app.url}/cases/${first.id}`);
    const view = page.getByTestId("case-view");
    await view.getByTestId("timeline-entry").filter({ hasText: "Where is my parcel?" }).waitFor(WAIT);
    await page.locator("body").click({ position: { x: 700, y: 300 } });
    await page.keyboard.press("n");
    await page.getByRole("textbox", { name: "Internal note" }).waitFor(WAIT);
    const banner = page.getByTestId("note-mode-banner");
    await banner.waitFor(WAIT);
    expect(await banner.textContent()).toContain("only agents see this");
    await page
      .getByRole("textbox", { name: "Internal note" })
      .fill("Checked the courier: it is at the depot.");
    await browser.screenshot(page, "composer-note-mode.png");
    await page.keyboard.press("Control+Enter");
    await view.getByTestId("timeline-entry").filter({ hasText: "it is at the depot" }).waitFor(WAIT);

    // To the next case without reloading the page, as an accepted offer or a click in the inbox does.
    await page.getByRole("link", { name: /Inbox/ }).first().click();
    await page.getByTestId("inbox-row").filter({ hasText: "Quentin Second" }).click();
    await view.getByTestId("timeline-entry").filter({ hasText: "Can I change my address?" }).waitFor(WAIT);
    await page.getByRole("textbox", { name: "Reply to Quentin Second" }).waitFor(WAIT);
    expect(await page.getByTestId("note-mode-banner").count()).toBe(0);
    expect(second.id).not.toBe(first.id);
    await browser.screenshot(page, "composer-reply-after-note.png");
  });

  it("inserts a canned response by typing / and part of its code", { timeout: 120_000 }, async () => {
    const canned = await app.admin.post("/api/canned-responses", {
      shortCode: "refund-sent",
      title: "Refund on its way",
      body: "Hi {{contact.name}}, the refund for case #{{case.number}} is on its way.",
      channels: ["sms"],
    });
    expect(canned.status).toBe(201);
    await app.admin.post("/api/canned-responses", {
      shortCode: "greeting",
      title: "Hello",
      body: "Hello {{contact.name}}!",
      channels: ["sms"],
    });
    const third = await smsCaseFrom("Rita Refund", "+16285550103", "Did you send my refund?");
    await page.goto(`${app.url}/cases/${third.id}`);
    const reply = page.getByRole("textbox", { name: "Reply to Rita Refund" });
    await reply.waitFor(WAIT);
    await reply.fill("/rfd");
    const list = page.getByTestId("slash-suggestions");
    await list.getByRole("option", { name: /refund-sent/ }).waitFor(WAIT);
    expect(await list.getByRole("option").count()).toBe(1);
    await browser.screenshot(page, "composer-slash-canned.png");
    await reply.press("Enter");
    await expect
      .poll(() => reply.inputValue(), WAIT)
      .toBe(`Hi Rita Refund, the refund for case #${third.number} is on its way.`);
    await list.waitFor({ ...WAIT, state: "detached" });
    // Escape closes the list and leaves what was typed.
    await reply.fill("/gr");
    await list.getByRole("option", { name: /greeting/ }).waitFor(WAIT);
    await reply.press("Escape");
    await list.waitFor({ ...WAIT, state: "detached" });
    expect(await reply.inputValue()).toBe("/gr");
  });
});
