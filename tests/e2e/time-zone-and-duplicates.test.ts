/**
 * In a browser: an agent picks their own time zone and a case's times follow it (and stay after a
 * reload); a supervisor sees a suggested duplicate with its reasons, merges it after the preview,
 * and undoes the merge from the notice — an agent only sees "ask a supervisor".
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };
/** A zone nine hours from UTC (this machine's zone), on no daylight-saving time. */
const AGENT_ZONE = "Asia/Tokyo";

/** How the console shows an instant (lib/format.ts formatTime), worked out by the browser for a zone. */
function expectedTime(page: Page, iso: string, timeZone: string | undefined): Promise<string> {
  return page.evaluate(
    ([instant, zone]) => {
      const date = new Date(instant!);
      const day = (d: Date) => d.toLocaleDateString("en-CA", { timeZone: zone });
      return date.toLocaleString(undefined, {
        ...(day(date) === day(new Date()) ? {} : { month: "short", day: "numeric" }),
        hour: "2-digit",
        minute: "2-digit",
        timeZone: zone,
      });
    },
    [iso, timeZone] as const,
  );
}

describe("time zone and duplicates in the console", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Tomo Zone" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, app.url, agent.token);
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows a case's times in the zone the agent picks", { timeout: 90_000 }, async () => {
    const row = await newCase(app.services, {
      from: { kind: "phone", address: "+16285559101", name: "Kenji Clock" },
      body: "What time is it there?",
    });
    await assignCase(app.services, row.id, agent.id);
    await page.goto(`${app.url}/cases/${row.id}`);
    const entry = page.getByTestId("timeline-entry").filter({ hasText: "What time is it there?" });
    await entry.waitFor(WAIT);
    const time = entry.locator("time");
    const iso = (await time.getAttribute("datetime"))!;
    const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(browserZone).not.toBe(AGENT_ZONE);
    expect(await time.textContent()).toBe(await expectedTime(page, iso, browserZone));

    await page.getByRole("button", { name: "Your account" }).click();
    await page.getByRole("menuitem", { name: /Time zone/ }).click();
    const dialog = page.getByRole("dialog", { name: "Time zone" });
    const select = dialog.getByRole("combobox", { name: "Show times in" });
    expect(await select.inputValue()).toBe(`Use this browser's zone (${browserZone})`);
    await select.click();
    await select.fill("Tokyo");
    await page.getByRole("option", { name: "Asia/Tokyo" }).click();
    await dialog.getByTestId("time-zone-preview").filter({ hasText: "GMT+9" }).waitFor(WAIT);
    await browser.screenshot(page, "time-zone-dialog.png");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });

    // The open case follows at once, without a reload, and the zone is the agent's from now on.
    const tokyo = await expectedTime(page, iso, AGENT_ZONE);
    expect(tokyo).not.toBe(await expectedTime(page, iso, browserZone));
    await expect.poll(() => time.textContent(), WAIT).toBe(tokyo);
    await browser.screenshot(page, "time-zone-case.png");
    expect((await agent.api.get("/api/me")).body.timeZone).toBe(AGENT_ZONE);
    await page.reload();
    await entry.locator("time").waitFor(WAIT);
    expect(await entry.locator("time").textContent()).toBe(tokyo);
  });

  it("suggests a duplicate, merges it after the preview, and undoes the merge", {
    timeout: 120_000,
  }, async () => {
    const main = await newCase(app.services, {
      from: { kind: "phone", address: "+16285559201", name: "Nadia Nakamura" },
      body: "First question by phone",
    });
    await app.services.db
      .insert(contactIdentities)
      .values({ contactId: main.contactId, kind: "email", address: "nadia@example.org" });
    // The same person wrote from another phone and typed her email into a form: only a claim.
    const other = await newCase(app.services, {
      from: { kind: "phone", address: "+16285559202", name: "Nadia Nakamura" },
      body: "Second question by another phone",
    });
    await app.services.db
      .insert(contactIdentities)
      .values({ contactId: other.contactId, kind: "email", address: "nadia@example.org", verifiedAt: null });

    // An agent sees the suggestion and is told to ask a supervisor.
    await page.goto(`${app.url}/contacts/${main.contactId}`);
    const suggestions = page.getByRole("region", { name: "Possible duplicates" });
    const candidate = suggestions.getByTestId("duplicate-candidate").filter({ hasText: "Nadia Nakamura" });
    await candidate.waitFor(WAIT);
    expect(await candidate.textContent()).toContain("Same email nadia@example.org (only claimed)");
    expect(await candidate.textContent()).toContain("Similar name (100%)");
    expect(await candidate.getByRole("button", { name: "Merge…" }).count()).toBe(0);
    await suggestions.getByText("Ask a supervisor to merge").waitFor(WAIT);

    const supervisor = await app.createAgent({ role: "supervisor", name: "Sana Supervisor" });
    await browser.context.clearCookies();
    await signInWithCookie(browser.context, app.url, supervisor.token);
    await page.reload();
    await candidate.waitFor(WAIT);
    await browser.screenshot(page, "duplicates-suggested.png");
    await candidate.getByRole("button", { name: "Merge…" }).click();
    const preview = page.getByTestId("merge-preview");
    await preview.getByText("+16285559202").waitFor(WAIT);
    expect(await preview.textContent()).toContain(`#${other.number} ${other.subject}`);
    await preview.getByRole("button", { name: "Merge" }).scrollIntoViewIfNeeded();
    await browser.screenshot(page, "duplicates-merge-preview.png");
    await preview.getByRole("button", { name: "Merge" }).click();

    const notice = page.getByTestId("merge-notice");
    await notice.waitFor(WAIT);
    expect(await notice.textContent()).toContain("Nadia Nakamura merged into Nadia Nakamura (1 case moved)");
    await page.getByTestId("contact-detail").getByText(`#${other.number} ${other.subject}`).waitFor(WAIT);
    await candidate.waitFor({ state: "detached", ...WAIT });
    await page.getByTestId("merge-history-item").getByRole("button", { name: "Undo" }).waitFor(WAIT);
    await browser.screenshot(page, "duplicates-merged.png");
    expect((await supervisor.api.get(`/api/cases/${other.id}`)).body.contact.id).toBe(main.contactId);

    await notice.getByRole("button", { name: "Undo" }).click();
    await page.getByText("Merge undone").first().waitFor(WAIT);
    await candidate.waitFor(WAIT);
    const history = page.getByTestId("merge-history-item");
    await history.getByText("Undone").waitFor(WAIT);
    expect(await history.textContent()).toContain("by Sana Supervisor · 1 case, 2 addresses");
    await page
      .getByTestId("contact-detail")
      .getByText(`#${other.number} ${other.subject}`)
      .waitFor({ state: "detached", ...WAIT });
    await browser.screenshot(page, "duplicates-undone.png");
    await page.getByRole("region", { name: "Recent merges" }).scrollIntoViewIfNeeded();
    await browser.screenshot(page, "duplicates-merge-history.png");
    expect((await supervisor.api.get(`/api/cases/${other.id}`)).body.contact.id).toBe(other.contactId);
  });
});
