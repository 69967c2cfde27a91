/**
 * A team's whole morning, in order, in three browsers: the admin sets up a fresh install (a canned
 * response, a disposition code that the default queue requires); a customer chats from the widget;
 * the agent misses the offer and it comes back within seconds; the agent accepts it, answers with a
 * `/` canned response, leaves an internal note, gives the disposition and resolves; the customer
 * rates the chat inline; the supervisor sees that rating on the wall.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn, type TestBrowser } from "../helpers/browser.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";

const WAIT = { timeout: 20_000 };
const CANNED =
  "Hi {{contact.first_name}}, I have started your refund for case {{case.number}}. {{agent.name}}";

describe("a whole morning", () => {
  let app: TestApp;
  const browsers: TestBrowser[] = [];

  beforeAll(async () => {
    // Short offers: the missed one lapses within seconds.
    app = await startTestApp({ env: { OFFER_TIMEOUT_SECONDS: "5" } });
  }, 120_000);
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await app?.close();
  });

  /** A browser of one person's own (a browser's tabs share one session cookie). */
  const newPage = async (): Promise<{ page: Page; browser: TestBrowser }> => {
    const browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    browsers.push(browser);
    return { page: await browser.context.newPage(), browser };
  };

  /** The admin sets up the fresh install in the console. */
  async function adminSetsUp(page: Page, browser: TestBrowser): Promise<void> {
    await page.goto(app.url);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Admin" }).click();
    const section = async (name: string) => {
      await page
        .getByRole("navigation", { name: "Admin sections" })
        .getByRole("link", { name: new RegExp(`^${name}`) })
        .click();
      await page.getByRole("heading", { level: 1, name }).waitFor(WAIT);
    };
    const dialog = page.getByRole("dialog");

    await section("Canned responses");
    await page.getByRole("button", { name: "New canned response" }).click();
    await dialog.getByLabel("Short code").fill("refund");
    await dialog.getByLabel("Title").fill("Refund started");
    await dialog.getByLabel("Body").fill(CANNED);
    await dialog.getByRole("button", { name: "Add response" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });

    await section("Dispositions");
    await page.getByRole("button", { name: "New disposition" }).click();
    await dialog.getByLabel("Label").fill("Refund issued");
    await dialog.getByRole("button", { name: "Add disposition" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });

    const queue = (await app.admin.get("/api/queues")).body.items.find(
      (item: { isDefault: boolean }) => item.isDefault,
    );
    await section("Queues");
    await page.getByRole("button", { name: `Edit ${queue.name}` }).click();
    await dialog.getByRole("switch", { name: "Require a disposition" }).check();
    await dialog.getByRole("button", { name: "Save queue" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });
    await browser.screenshot(page, "morning-1-admin-set-up.png");
  }

  it("runs from set-up to the customer's rating on the wall", { timeout: 300_000 }, async () => {
    const admin = await newPage();
    await adminSetsUp(admin.page, admin.browser);
    const agent = await app.createAgent({ name: "Ana Morning" });
    const supervisor = await app.createAgent({ role: "supervisor", name: "Sol Supervisor" });

    // The agent starts the day.
    const { page: console, browser: agentBrowser } = await newPage();
    await console.goto(app.url);
    await signIn(console, agent.email, "agent-password");
    await console.getByTestId("agent-name").filter({ hasText: "Ana Morning" }).waitFor(WAIT);
    await console.locator("label", { hasText: "Available" }).click();
    await expect.poll(async () => (await agent.api.get("/api/me")).body.presence, WAIT).toBe("available");

    // A customer writes from the widget.
    const { page: widget, browser: customerBrowser } = await newPage();
    await widget.goto(`${app.url}/chat-demo`);
    await widget.locator("[data-testid=sb-chat-bubble]").click();
    await widget.getByLabel("Name").fill("Maya Morning");
    await widget.getByRole("button", { name: "Start chat" }).click();
    await widget.locator("[data-testid=sb-chat-input]").fill("My parcel never came, can I get a refund?");
    await widget.locator("[data-testid=sb-chat-send]").click();

    // The offer lapses unanswered; the agent is told, and it comes back to them within seconds.
    const card = console.getByTestId("offer-card").filter({ hasText: "Maya Morning" });
    await card.waitFor(WAIT);
    const firstOffer = await card.getAttribute("data-offer-id");
    await console
      .locator(".mantine-Notification-root")
      .filter({ hasText: "You missed an offer" })
      .waitFor(WAIT);
    const lapsedAt = Date.now();
    await expect.poll(() => card.getAttribute("data-offer-id"), WAIT).not.toBe(firstOffer);
    expect(Date.now() - lapsedAt).toBeLessThan(15_000);
    await agentBrowser.screenshot(console, "morning-2-missed-offer-back.png");
    await card.getByRole("button", { name: "Accept" }).click();
    await console.waitForURL(/\/cases\/[0-9a-f-]{36}$/, WAIT);
    const caseId = console.url().split("/").pop()!;
    const view = console.getByTestId("case-view");
    await view.getByTestId("timeline-entry").filter({ hasText: "My parcel never came" }).waitFor(WAIT);

    // A `/` canned response, filled for this customer and case.
    const reply = console.getByRole("textbox", { name: "Reply to Maya Morning" });
    await reply.fill("/ref");
    await console
      .getByTestId("slash-suggestions")
      .getByRole("option", { name: /refund/ })
      .waitFor(WAIT);
    await reply.press("Enter");
    const number = (await agent.api.get(`/api/cases/${caseId}`)).body.number;
    expect(await reply.inputValue()).toBe(`Hi Maya, I have started your refund for case ${number}. Ana`);
    await console.getByRole("button", { name: "Send reply" }).click();
    await widget
      .locator("[data-testid=sb-chat-message][data-from=agent]")
      .filter({ hasText: "I have started your refund" })
      .waitFor(WAIT);

    // An internal note: on the timeline, never in the widget.
    await console.locator("label", { hasText: /^Internal note$/ }).click();
    await console.getByRole("textbox", { name: "Internal note" }).fill("Refund approved by finance.");
    await console.getByRole("textbox", { name: "Internal note" }).press("Control+Enter");
    await view.getByTestId("timeline-entry").filter({ hasText: "Refund approved by finance." }).waitFor(WAIT);

    // The queue needs a disposition: given, then resolved.
    await console.getByRole("combobox", { name: "Disposition" }).click();
    await console.getByRole("option", { name: "Refund issued" }).click();
    await expect
      .poll(async () => (await agent.api.get(`/api/cases/${caseId}`)).body.dispositionId, WAIT)
      .toBeTruthy();
    await console.getByRole("button", { name: "Resolve" }).click();
    await expect.poll(() => console.getByTestId("case-state").textContent(), WAIT).toBe("Resolved");
    await agentBrowser.screenshot(console, "morning-3-resolved.png");
    expect(await widget.getByText("Refund approved by finance.").count()).toBe(0);

    // The customer rates the chat inline.
    await widget.getByTestId("sb-chat-rating").waitFor(WAIT);
    await widget.getByRole("button", { name: "5 of 5: Excellent" }).click();
    await widget.getByLabel("Comment (optional)").fill("Sorted before my coffee");
    await widget.getByRole("button", { name: "Send rating" }).click();
    await widget.getByTestId("sb-chat-rating-note").filter({ hasText: "You rated us 5 of 5." }).waitFor(WAIT);
    await customerBrowser.screenshot(widget, "morning-4-customer-rated.png");

    // The supervisor sees it on the wall.
    const { page: wall, browser: supervisorBrowser } = await newPage();
    await wall.goto(app.url);
    await signIn(wall, supervisor.email, "agent-password");
    await wall.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Supervisor" }).click();
    await wall.getByTestId("team-csat").filter({ hasText: "★ 5.0 (1)" }).waitFor(WAIT);
    await supervisorBrowser.screenshot(wall, "morning-5-rating-on-the-wall.png");
  });
});
