/**
 * Outbound telesales in Chromium against the real app, with Twilio played by a local fake: a
 * supervisor imports a CSV call list through the console (preview, mapping, progress to done, the
 * invalid and duplicate lines reported), creates a preview campaign and starts it; an agent opens
 * Calls, gets the next record with its script, calls it (the fake Twilio is asked to ring the agent's
 * softphone) and saves a disposition, which the API then shows, then promises the next contact a
 * callback in their own time; the supervisor reads the dashboard and adds a do-not-call number.
 * The app's clock stands at 16:00 UTC (daytime in New York and London), so the calling window is open.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signIn, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { type FakeTwilio, startFakeTwilio } from "../helpers/fake-twilio.ts";

const WAIT = { timeout: 15_000 };
const CAMPAIGN = "Spring renewals";
const SCRIPT =
  "Hello {{contact.first_name}}, this is {{agent.name}} from Switchboard about your plan renewal.";
const CALLER_ID = "+14155550100";
const CSV = [
  "Telephone,Full name,Time zone,Plan",
  '"(212) 555-0101",Grace Hopper,America/New_York,Gold',
  "555-1234,Nobody Valid,America/New_York,Silver",
  "212-555-0102,Alan Turing,Europe/London,Bronze",
  "+1 212 555 0101,Grace Again,America/New_York,Gold",
].join("\n");

/** From now to the next 16:00 UTC: always ahead, so sessions issued on the app's clock stay valid in the browser. */
function offsetToAfternoonUtc(now = new Date()): number {
  const target = new Date(now);
  target.setUTCHours(16, 0, 0, 0);
  if (target.getTime() <= now.getTime()) target.setUTCDate(target.getUTCDate() + 1);
  return target.getTime() - now.getTime();
}

/** The whole page, however long, under tests/e2e/screenshots. */
const capture = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });

describe("outbound telesales in a browser", () => {
  let app: TestApp;
  let fake: FakeTwilio;
  /** One browser per person: a browser's tabs share one session cookie. */
  const browsers: TestBrowser[] = [];
  let supervisorPage: Page;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  let agentPage: Page;
  let offsetMs = 0;

  beforeAll(async () => {
    offsetMs = offsetToAfternoonUtc();
    fake = await startFakeTwilio();
    app = await startTestApp({
      clock: () => new Date(Date.now() + offsetMs),
      env: { ...fake.env, STATUS_UPDATES: "false", PUBLIC_URL: "https://outbound.switchboard.test" },
    });
    fake.routeCallbacks(app.config.publicUrl, app.url);
  }, 180_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await app?.close();
    await fake?.close();
  });

  /** A browser of their own, signed in and on the outbound area. */
  async function openOutbound(email: string): Promise<Page> {
    const browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    browsers.push(browser);
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await signIn(page, email, "agent-password");
    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Outbound" }).click();
    await page.waitForURL(/\/outbound$/);
    return page;
  }

  it("imports a CSV call list with preview, mapping and progress", { timeout: 90_000 }, async () => {
    const supervisor = await app.createAgent({ role: "supervisor", name: "Sam Supervisor" });
    supervisorPage = await openOutbound(supervisor.email);
    const page = supervisorPage;
    await page.getByRole("tab", { name: "Call lists" }).click();
    await page.waitForURL(/\/outbound\/lists$/);
    await page.getByLabel("List name").fill("Spring customers");
    await page.getByRole("button", { name: "Create list" }).click();
    await page.getByTestId("call-lists").getByRole("cell", { name: "Spring customers" }).waitFor(WAIT);

    await page.getByLabel("CSV file", { exact: true }).setInputFiles({
      name: "spring.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(CSV),
    });
    await page
      .getByTestId("csv-headers")
      .filter({ hasText: "Telephone, Full name, Time zone, Plan" })
      .waitFor(WAIT);
    await page.getByTestId("csv-preview").getByRole("cell", { name: "Grace Hopper" }).waitFor(WAIT);
    // The mapping comes prefilled with the server's suggestion.
    expect(await page.getByLabel("Phone column").inputValue()).toBe("Telephone");
    expect(await page.getByLabel("Name column", { exact: true }).inputValue()).toBe("Full name");
    expect(await page.getByLabel("Time zone column").inputValue()).toBe("Time zone");
    await page.getByLabel("Default country").fill("us");
    await page.getByRole("button", { name: "Start import" }).click();

    await page.getByTestId("import-status").filter({ hasText: "done" }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("import-rows").textContent()).toBe("4 / 4 rows");
    expect(await page.getByTestId("import-imported").textContent()).toBe("2");
    expect(await page.getByTestId("import-invalid").textContent()).toBe("1");
    const issues = page.getByTestId("import-issues");
    const invalid = issues.getByRole("row").filter({ hasText: "555-1234" });
    await invalid.filter({ hasText: "invalid" }).waitFor(WAIT);
    expect(await invalid.getByRole("cell").first().textContent()).toBe("3");
    await issues.getByRole("row").filter({ hasText: "duplicate of line 2" }).waitFor(WAIT);
    await capture(page, "outbound-import.png");
  });

  it("creates a preview campaign and starts it", { timeout: 60_000 }, async () => {
    const page = supervisorPage;
    await page.getByRole("tab", { name: "Campaigns" }).click();
    await page.getByRole("button", { name: "New campaign" }).click();
    const form = page.getByRole("form", { name: "New campaign" });
    await form.getByLabel("Campaign name").fill(CAMPAIGN);
    expect(await form.getByLabel("Dialing mode").inputValue()).toBe("preview");
    await form.getByLabel("Caller ID").fill(CALLER_ID);
    await form.getByLabel("Script").fill(SCRIPT);
    // The placeholders are listed beside the script and previewed with a sample record.
    await form
      .getByTestId("placeholder-preview")
      .filter({ hasText: "Hello Grace, this is Sam from Switchboard" })
      .waitFor(WAIT);
    await form.getByLabel("Calling hours from").fill("09:00");
    await form.getByLabel("Calling hours until").fill("20:00");
    // Retry rules start at the server's defaults and can be changed per outcome.
    const noAnswerAfter = form.getByLabel("No answer: try again after (minutes)");
    expect(await noAnswerAfter.inputValue()).toBe("120");
    await noAnswerAfter.fill("90");
    await form.getByLabel("Busy: at most (attempts)").fill("2");
    await form.getByLabel("Voicemail drop").fill("https://example.com/renewal-voicemail.mp3");
    await form.getByLabel("Message when no agent is free").fill("Sorry, we will call you back soon.");
    await capture(page, "outbound-campaign.png");
    await form.getByRole("button", { name: "Create campaign" }).click();
    const row = page.getByTestId("campaign-table").getByRole("row").filter({ hasText: CAMPAIGN });
    await row.getByTestId("campaign-status").filter({ hasText: "draft" }).waitFor(WAIT);
    await row.getByRole("button", { name: `Start ${CAMPAIGN}` }).click();
    await row.getByTestId("campaign-status").filter({ hasText: "running" }).waitFor(WAIT);
    await page
      .getByTestId("campaign-action-result")
      .filter({ hasText: `${CAMPAIGN} is now running.` })
      .waitFor(WAIT);
    const saved = (await app.admin.get("/api/outbound/campaigns")).body.items.find(
      (item: { name: string }) => item.name === CAMPAIGN,
    );
    expect(saved).toMatchObject({
      mode: "preview",
      script: SCRIPT,
      callingHours: { start: "09:00", end: "20:00" },
      retryRules: {
        no_answer: { retryAfterMinutes: 90, maxAttempts: 3 },
        busy: { retryAfterMinutes: 15, maxAttempts: 2 },
        answering_machine: { retryAfterMinutes: 1440, maxAttempts: 3 },
      },
      voicemailDropUrl: "https://example.com/renewal-voicemail.mp3",
      abandonMessage: "Sorry, we will call you back soon.",
    });
  });

  it("lets an agent take the next record, call it and save a disposition", { timeout: 90_000 }, async () => {
    agent = await app.createAgent({ name: "Ada Agent" });
    const page = await openOutbound(agent.email);
    agentPage = page;
    // Outbound work goes to available agents only.
    await page.locator("label", { hasText: "Available" }).click();
    await page
      .getByRole("radio", { name: "Available" })
      .and(page.locator(":checked"))
      .waitFor({ state: "attached" });
    await page.getByLabel("Campaign", { exact: true }).selectOption({ label: `${CAMPAIGN} (preview)` });
    await page.waitForURL(/\/outbound\/[0-9a-f-]{36}$/);
    await page.getByRole("button", { name: "Next record" }).click();
    // The script reads as said to this record, by this agent.
    await page
      .getByTestId("record-script")
      .filter({ hasText: "Hello Grace, this is Ada from Switchboard about your plan renewal." })
      .waitFor(WAIT);
    expect(await page.getByTestId("record-name").textContent()).toBe("Grace Hopper");
    expect(await page.getByTestId("record-phone").textContent()).toBe("+12125550101");
    expect(await page.getByTestId("record-local-time").textContent()).toMatch(/America\/New_York/);

    await page.getByRole("button", { name: "Call +12125550101" }).click();
    await page.getByTestId("call-placed").waitFor(WAIT);
    const placed = await fake.waitForRequest(
      (request) => request.resource === "call" && request.params.To === `client:agent-${agent.id}`,
    );
    expect(placed.params.From).toBe(CALLER_ID);
    expect(await page.getByTestId("call-placed").textContent()).toContain(placed.sid);

    await page.getByLabel("Disposition").selectOption({ label: "Interested" });
    await page.getByLabel("Estimated value").fill("1500");
    await page.getByLabel("Note").fill("Wants the gold plan quote");
    await capture(page, "outbound-agent.png");
    await page.getByRole("button", { name: "Save disposition" }).click();
    await page.getByTestId("disposition-saved").waitFor(WAIT);

    // The next record is promised a callback, in the contact's own time.
    await page.getByRole("button", { name: "Next record" }).click();
    await page.getByTestId("record-name").filter({ hasText: "Alan Turing" }).waitFor(WAIT);
    await page.getByLabel("Disposition").selectOption({ label: "Callback" });
    const callbackDay = new Date(Date.now() + offsetMs + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel(/^Call back at/).fill(`${callbackDay}T10:30`);
    await page.getByRole("button", { name: "Save disposition" }).click();
    await page.getByTestId("disposition-saved").waitFor(WAIT);
    // The confirmation speaks the viewer's time, never a raw ISO timestamp.
    const confirmation = (await page.getByTestId("disposition-saved").textContent()) ?? "";
    expect(confirmation).toMatch(/callback at/i);
    expect(confirmation).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    await page
      .getByTestId("my-callbacks")
      .getByRole("row")
      .filter({ hasText: `${callbackDay} 10:30 Europe/London` })
      .waitFor(WAIT);
    await capture(page, "outbound-callbacks.png");

    const campaigns = (await agent.api.get("/api/outbound/campaigns")).body.items as {
      id: string;
      name: string;
    }[];
    const campaignId = campaigns.find((item) => item.name === CAMPAIGN)!.id;
    const list = (await app.admin.get(`/api/outbound/campaigns/${campaignId}`)).body.listId as string;
    const records = (await app.admin.get(`/api/outbound/lists/${list}/records`)).body.items;
    const recordId = records.find((item: { phone: string }) => item.phone === "+12125550101").id;
    const view = await agent.api.get(`/api/outbound/records/${recordId}`);
    expect(view.body.record).toMatchObject({ status: "done", lastDisposition: "interested" });
    expect(view.body.history[0]).toMatchObject({
      disposition: "interested",
      note: "Wants the gold plan quote",
    });
    const callbacks = (await agent.api.get("/api/outbound/callbacks")).body.items;
    expect(callbacks).toEqual([
      expect.objectContaining({
        agentId: agent.id,
        localTime: `${callbackDay}T10:30`,
        timeZone: "Europe/London",
      }),
    ]);
  });

  it("puts a progressive campaign's answered call through to the agent, who sees whom they talk to and wraps up", {
    timeout: 90_000,
  }, async () => {
    const phone = "+12125550111";
    const list = await app.admin.post("/api/outbound/lists", { name: "Progressive renewals" });
    const imported = await app.admin.post(`/api/outbound/lists/${list.body.id}/imports`, {
      csv: `phone,name,tz\n${phone},Katherine Johnson,America/New_York\n`,
      mapping: { phone: "phone", name: "name", timeZone: "tz" },
    });
    await expect
      .poll(async () => (await app.admin.get(`/api/outbound/imports/${imported.body.id}`)).body.status, WAIT)
      .toBe("done");
    const campaign = await app.admin.post("/api/outbound/campaigns", {
      name: "Progressive renewals",
      listId: list.body.id,
      mode: "progressive",
      callerId: CALLER_ID,
      script: "Hello Katherine, this is Switchboard about your renewal.",
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    await app.admin.post(`/api/outbound/campaigns/${campaign.body.id}/start`);

    // The dialer calls the record for the free agent; the customer answers.
    const placed = await fake.waitForRequest(
      (request) => request.resource === "call" && request.params.To === phone,
      30_000,
    );
    const answered = await fake.callback(placed.params.Url!, {
      AccountSid: fake.accountSid,
      CallSid: placed.sid!,
      CallStatus: "in-progress",
      Direction: "outbound-api",
      From: CALLER_ID,
      To: phone,
      AnsweredBy: "human",
    });
    expect(answered.body).toContain(`<Client>agent-${agent.id}</Client>`);

    const page = agentPage;
    const current = page.getByTestId("outbound-current-call");
    await current.getByTestId("record-name").filter({ hasText: "Katherine Johnson" }).waitFor(WAIT);
    await current.getByTestId("current-call-state").filter({ hasText: "On the call" }).waitFor(WAIT);
    // The header counts the campaign call against the agent's voice capacity.
    await page.getByTestId("capacity").getByText("Voice 1/1").waitFor(WAIT);
    expect(await current.getByTestId("record-script").textContent()).toContain("Hello Katherine");
    await capture(page, "outbound-current-call.png");

    // The customer hangs up; the agent wraps up with a sale.
    await fake.callback(placed.params.StatusCallback!, {
      AccountSid: fake.accountSid,
      CallSid: placed.sid!,
      CallStatus: "completed",
      Direction: "outbound-api",
      From: CALLER_ID,
      To: phone,
    });
    await current.getByTestId("current-call-state").filter({ hasText: "Call ended" }).waitFor(WAIT);
    await current.getByLabel("Disposition").selectOption({ label: "Sale" });
    await current.getByRole("button", { name: "Save disposition" }).click();
    await page.getByTestId("current-call-saved").waitFor(WAIT);
    await current.getByTestId("outbound-record").waitFor({ state: "detached", ...WAIT });
    const records = (await app.admin.get(`/api/outbound/lists/${list.body.id}/records`)).body.items;
    expect(records[0]).toMatchObject({ phone, status: "done", lastDisposition: "sale" });
    await app.admin.post(`/api/outbound/campaigns/${campaign.body.id}/pause`);
  });

  it("shows the campaign's dashboard", { timeout: 60_000 }, async () => {
    const page = supervisorPage;
    await page.getByRole("button", { name: `Dashboard of ${CAMPAIGN}` }).click();
    const dashboard = page.getByTestId("campaign-dashboard");
    await dashboard.getByTestId("dash-dialed").filter({ hasText: /^2$/ }).waitFor(WAIT);
    await dashboard.getByTestId("dash-connected").filter({ hasText: /^2$/ }).waitFor(WAIT);
    await dashboard
      .getByTestId("dash-agents")
      .getByRole("row")
      .filter({ hasText: "Ada Agent" })
      .waitFor(WAIT);
    await capture(page, "outbound-dashboard.png");
  });

  it("adds a number to the do-not-call list", { timeout: 60_000 }, async () => {
    const page = supervisorPage;
    await page.getByRole("tab", { name: "Do not call" }).click();
    await page.getByRole("textbox", { name: /^Number/ }).fill("(212) 555-0199");
    await page.getByLabel("Reason").fill("Asked by letter");
    await page.getByRole("button", { name: "Add number" }).click();
    await page.getByTestId("dnc-list").getByRole("row").filter({ hasText: "+12125550199" }).waitFor(WAIT);
    const listed = (await app.admin.get("/api/outbound/dnc")).body.items;
    expect(listed).toContainEqual(
      expect.objectContaining({ phone: "+12125550199", campaignId: null, reason: "Asked by letter" }),
    );
  });
});
