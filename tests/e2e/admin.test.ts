import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, signIn, type TestBrowser, VIEWPORT } from "../helpers/browser.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 15_000 };

describe("admin pages in a browser", () => {
  let app: TestApp;
  let context: BrowserContext;
  let browser: TestBrowser;
  let agentBrowser: TestBrowser | undefined;
  let page: Page;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    ids.skill = (
      await app.admin.post("/api/skills", { name: "returns", description: "Returns and refunds" })
    ).body.id;
    ids.spanish = (await app.admin.post("/api/skills", { name: "spanish" })).body.id;
    // Something on the pages this test does not create itself: a rule, an escalation, a phone number.
    const general = (await app.admin.get("/api/queues")).body.items[0];
    await app.admin.post("/api/assignment-rules", {
      name: "Spanish speakers",
      conditions: { keywords: ["hola"], channels: ["chat", "sms"] },
      queueId: general.id,
      setPriority: "high",
    });
    await app.admin.post("/api/sla/escalation-rules", {
      name: "Tell supervisors of breaches",
      trigger: "breached",
      action: "notify_supervisor",
    });
    await app.admin.post("/api/phone-numbers", {
      number: "+14155550100",
      name: "Main line",
      queueId: general.id,
      greeting: "Thanks for calling Acme.",
      ivr: [{ digit: "1", label: "billing", queueId: general.id }],
    });

    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    context = browser.context;
  }, 120_000);

  afterAll(async () => {
    await agentBrowser?.close();
    await browser?.close();
    await app?.close();
  });

  const section = async (name: string) => {
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: new RegExp(`^${name}`) })
      .click();
    await page.getByRole("heading", { level: 1, name }).waitFor(WAIT);
  };
  const choose = async (label: string, option: string | RegExp, scope = page.getByRole("dialog")) => {
    await scope.getByRole("combobox", { name: label }).click();
    await page.getByRole("option", { name: option }).click();
  };

  it("creates a queue through the queue form", { timeout: 90_000 }, async () => {
    page = await context.newPage();
    await page.goto(app.url);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("navigation", { name: "Areas" }).getByRole("link", { name: "Admin" }).click();
    await page.waitForURL(/\/admin$/);
    await page.getByRole("heading", { level: 1, name: "Agents" }).waitFor(WAIT);

    await section("Queues");
    await page.getByRole("button", { name: "New queue" }).click();
    const drawer = page.getByRole("dialog");
    await drawer.getByLabel(/^Name/).fill("Returns");
    await drawer.getByLabel("Description").fill("Parcels coming back");
    await choose("Add to required skills", "returns");
    await drawer.getByRole("textbox", { name: "Required skills: level of returns" }).fill("3");
    await choose("Add to preferred skills", "spanish");
    await choose("Selection policy", "Most available");
    await drawer.getByRole("button", { name: "Add overflow step" }).click();
    await drawer.getByLabel("After (s)").fill("90");
    await drawer.getByLabel("Service-level goal (%)").fill("90");
    await drawer.getByLabel("Answered within (s)").fill("30");
    await page.screenshot({ path: join(SCREENSHOTS, "admin-queue-form.png") });
    await drawer.getByRole("button", { name: "Create queue" }).click();
    await drawer.waitFor({ state: "detached", ...WAIT });
    const row = page.getByTestId("admin-queue-row").and(page.locator('[data-queue="Returns"]'));
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain("returns ≥ 3");
    await page.screenshot({ path: join(SCREENSHOTS, "admin-queues.png") });

    const queues = await app.admin.get("/api/queues");
    const created = queues.body.items.find((q: { name: string }) => q.name === "Returns");
    expect(created).toMatchObject({
      description: "Parcels coming back",
      policy: "most_available",
      requiredSkills: [{ skillId: ids.skill, level: 3 }],
      preferredSkills: [{ skillId: ids.spanish, level: 1 }],
      overflowSteps: [{ action: "drop_preferred", afterSeconds: 90 }],
      serviceLevelPercent: 90,
      serviceLevelSeconds: 30,
    });
  });

  it("invites an agent with role, capacity and skills through the agent form", {
    timeout: 90_000,
  }, async () => {
    await section("Agents");
    await page.getByRole("button", { name: "Invite agent" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/^Name/).fill("Rita Returns");
    await dialog.getByRole("textbox", { name: "Email", exact: true }).fill("rita@example.com");
    await choose("Role", "Supervisor");
    await dialog.getByLabel("Chat capacity").fill("2");
    await choose("Add to skills", "returns");
    await dialog.getByRole("textbox", { name: "Skills: level of returns" }).fill("4");
    await page.screenshot({ path: join(SCREENSHOTS, "admin-agent-form.png") });
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    // No mailbox here: the one-time link is shown to hand over.
    const linkDialog = page.getByRole("dialog", { name: "Invitation link" });
    const link = await linkDialog.getByRole("textbox", { name: "One-time link" }).inputValue();
    expect(link).toMatch(/\/set-password\?token=[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-agent-invitation-link.png") });
    await linkDialog.getByRole("button", { name: "Done" }).click();
    await linkDialog.waitFor({ state: "detached", ...WAIT });
    const row = page.getByTestId("admin-agent-row").and(page.locator('[data-email="rita@example.com"]'));
    await row.getByText("returns 4").waitFor(WAIT);
    await row.getByText("Invitation pending").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-agents.png") });

    const agents = await app.admin.get("/api/agents");
    const rita = agents.body.items.find((a: { email: string }) => a.email === "rita@example.com");
    expect(rita).toMatchObject({
      name: "Rita Returns",
      role: "supervisor",
      capacity: { chat: 2, email: 5, sms: 5, voice: 1 },
      active: true,
      invitationPending: true,
    });
    const skills = await app.admin.get(`/api/agents/${rita.id}/skills`);
    expect(skills.body.items).toEqual([{ skillId: ids.skill, name: "returns", level: 4 }]);
    // The link is the only way in until it is followed.
    const token = new URL(link).searchParams.get("token");
    const set = await app.admin.post("/api/auth/password/set", {
      token,
      password: "kettle-lantern-rowing-42",
    });
    expect(set.status).toBe(200);
    expect(
      (
        await app.admin.post("/api/auth/login", {
          email: "rita@example.com",
          password: "kettle-lantern-rowing-42",
        })
      ).status,
    ).toBe(200);
  });

  it("shows the other admin pages", { timeout: 60_000 }, async () => {
    await section("Skills");
    await page.getByRole("rowheader", { name: "returns" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-skills.png") });

    await section("Assignment rules");
    await page.getByTestId("rule-row").filter({ hasText: "Spanish speakers" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-assignment-rules.png") });

    // A narrower policy below one that takes all its cases is flagged; moving it up clears that.
    const targets = { normal: { first_response: { minutes: 5, business: false } } };
    for (const [name, conditions] of [
      ["Chats", { channels: ["chat"] }],
      ["VIP chats", { channels: ["chat"], tags: ["vip"] }],
    ] as const)
      expect((await app.admin.post("/api/sla/policies", { name, conditions, targets })).status).toBe(201);
    await section("SLA policies");
    await page.getByTestId("policy-row").filter({ hasText: "Standard" }).waitFor(WAIT);
    await page.getByText("Tell supervisors of breaches").waitFor(WAIT);
    const vipRow = page.getByTestId("policy-row").filter({ hasText: "VIP chats" });
    await vipRow
      .getByTestId("policy-never-applies")
      .filter({ hasText: "Never applies: 'Chats' comes first" })
      .waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-sla-policies.png") });
    await page.getByRole("button", { name: "Move VIP chats up" }).click();
    await vipRow.getByTestId("policy-never-applies").waitFor({ state: "detached", ...WAIT });
    await page.getByRole("button", { name: "Edit Standard" }).click();
    await page.getByRole("dialog").getByLabel("First response for normal priority, minutes").waitFor(WAIT);
    // The drawer has finished sliding in (its CSS transitions are done) before the picture.
    await page
      .getByRole("dialog")
      .evaluate((dialog) =>
        Promise.all(dialog.getAnimations({ subtree: true }).map((animation) => animation.finished)),
      );
    await page.screenshot({ path: join(SCREENSHOTS, "admin-sla-policy-form.png") });
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached", ...WAIT });

    await section("Channels");
    await page.getByText("1: billing → General").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-channels.png") });
  });

  it("adds a canned response and rewrites a customer update", { timeout: 90_000 }, async () => {
    await section("Canned responses");
    const fillCanned = async (shortCode: string, title: string, body: string) => {
      await page.getByRole("button", { name: "New canned response" }).click();
      const dialog = page.getByRole("dialog");
      // The list stays open after a pick, so both channels are picked from one opening.
      await choose("Channels", "Email");
      await page.getByRole("option", { name: "Chat" }).click();
      await dialog.getByLabel("Short code").fill(shortCode);
      await dialog.getByLabel("Title").fill(title);
      await dialog.getByLabel("Body").fill(body);
      if (body.includes("{{case.number}}"))
        await dialog
          .getByTestId("placeholder-preview")
          .filter({ hasText: "the refund for case 1042 is on its way. Sam" })
          .waitFor(WAIT);
      await dialog.getByRole("button", { name: "Add response" }).click();
      return dialog;
    };
    const body = "Hi {{contact.name}}, the refund for case {{case.number}} is on its way. {{agent.name}}";
    const dialog = await fillCanned("refund", "Refund started", body);
    await dialog.waitFor({ state: "detached", ...WAIT });
    const row = page.getByTestId("canned-row").and(page.locator('[data-short-code="refund"]'));
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain("Refund started");

    const canned = await app.admin.get("/api/canned-responses");
    expect(canned.body.items).toEqual([
      expect.objectContaining({
        shortCode: "refund",
        title: "Refund started",
        body,
        channels: ["email", "chat"],
      }),
    ]);

    // The same short code again: the server's 409 message shows in the form, which stays open.
    const again = await fillCanned("refund", "Refund again", "Your refund is on its way.");
    await again
      .getByRole("alert")
      .getByText("A canned response with the short code 'refund' already exists.")
      .waitFor(WAIT);
    await again.getByRole("button", { name: "Cancel" }).click();
    await again.waitFor({ state: "detached", ...WAIT });
    expect((await app.admin.get("/api/canned-responses")).body.items).toHaveLength(1);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-canned-responses.png") });

    // Tall enough for all four events in one picture (the app's header is fixed, so no full-page shot).
    await page.setViewportSize({ width: VIEWPORT.width, height: 1300 });
    await section("Customer updates");
    await page.getByRole("button", { name: "Edit Resolved SMS" }).click();
    const template = page.getByRole("dialog");
    const text = template.getByLabel("Body");
    // A placeholder the server does not fill is refused with its message.
    await text.fill("Case #{{case.numbr}} is resolved.");
    await template.getByRole("button", { name: "Save update" }).click();
    await template.getByRole("alert").getByText("Unknown placeholder {{case.numbr}}").waitFor(WAIT);
    const resolved = "Case #{{case.number}} is resolved. Reply here if anything is still wrong.";
    await text.fill(resolved);
    await template.getByRole("button", { name: "Save update" }).click();
    await template.waitFor({ state: "detached", ...WAIT });
    const sms = page.locator('[data-testid="template-row"][data-event="resolved"][data-channel="sms"]');
    await sms.getByText(resolved).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-customer-updates.png") });
    await page.setViewportSize(VIEWPORT);

    const templates = await app.admin.get("/api/status-templates");
    expect(
      templates.body.items.find(
        (t: { event: string; channel: string }) => t.event === "resolved" && t.channel === "sms",
      ),
    ).toMatchObject({ body: resolved, enabled: true });
  });

  it("adds a disposition code, requires one on a queue, and an agent gives it before resolving", {
    timeout: 90_000,
  }, async () => {
    await section("Dispositions");
    await page.getByRole("button", { name: "New disposition" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Label").fill("Billing – refund issued");
    await dialog.getByLabel("Description").fill("Money went back to the customer");
    await dialog.getByRole("button", { name: "Add disposition" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });
    await page.getByTestId("disposition-row").filter({ hasText: "Billing – refund issued" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-dispositions.png") });

    const queue = (await app.admin.get("/api/queues")).body.items.find(
      (item: { isDefault: boolean }) => item.isDefault,
    );
    await section("Queues");
    await page.getByRole("button", { name: `Edit ${queue.name}` }).click();
    const drawer = page.getByRole("dialog");
    await drawer.getByRole("switch", { name: "Require a disposition" }).check();
    await drawer.getByRole("button", { name: "Save queue" }).click();
    await drawer.waitFor({ state: "detached", ...WAIT });
    await expect
      .poll(async () => (await app.admin.get(`/api/queues/${queue.id}`)).body.dispositionRequired, WAIT)
      .toBe(true);

    // An agent's case of that queue: resolving waits for the disposition.
    const agent = await app.createAgent({ name: "Dora Disposition" });
    const row = await newCase(app.services, { from: { kind: "phone", address: "+14155550188" } });
    await assignCase(app.services, row.id, agent.id);
    // The agent works in a browser of their own: a browser's tabs share one session cookie.
    agentBrowser = await launchBrowser({ timeoutMs: WAIT.timeout });
    const agentPage = await agentBrowser.context.newPage();
    await agentPage.goto(app.url);
    await signIn(agentPage, agent.email, "agent-password");
    await agentPage.getByRole("navigation", { name: "Areas" }).waitFor(WAIT);
    await agentPage.goto(`${app.url}/cases/${row.id}`);
    await agentPage.getByRole("button", { name: "Resolve" }).click();
    await agentPage.getByText(/needs a disposition first/).waitFor(WAIT);
    await agentPage.getByRole("combobox", { name: "Disposition" }).click();
    await agentPage.getByRole("option", { name: "Billing – refund issued" }).click();
    await expect
      .poll(async () => (await app.admin.get(`/api/cases/${row.id}`)).body.dispositionId, WAIT)
      .toBeTruthy();
    // The refusal no longer applies once the code is given.
    await agentPage.getByText(/needs a disposition first/).waitFor({ state: "detached", ...WAIT });
    await agentPage.screenshot({ path: join(SCREENSHOTS, "case-disposition.png") });
    await agentPage.getByRole("button", { name: "Resolve" }).click();
    await expect.poll(() => agentPage.getByTestId("case-state").textContent(), WAIT).toBe("Resolved");
    await agentBrowser.close();
    agentBrowser = undefined;

    // The wall counts today's resolved cases per code.
    await page.goto(`${app.url}/supervisor`);
    await page
      .getByTestId("disposition-mix-row")
      .filter({ hasText: "Billing – refund issued" })
      .filter({ hasText: "1" })
      .waitFor(WAIT);
    await page.getByRole("region", { name: "Contact reasons today" }).screenshot({
      path: join(SCREENSHOTS, "supervisor-contact-reasons.png"),
    });
  });

  it("shows the security log, filtered by what happened", { timeout: 60_000 }, async () => {
    const refused = await fetch(`${app.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "rita@example.com", password: "not-ritas-password-42" }),
    });
    expect(refused.status).toBe(401);
    await page.goto(`${app.url}/admin/security-log`);
    await page.getByRole("heading", { level: 1, name: "Security log" }).waitFor(WAIT);
    const rows = page.getByTestId("security-event");
    await rows.filter({ hasText: "Invitation sent" }).filter({ hasText: "Rita Returns" }).waitFor(WAIT);
    await rows.filter({ hasText: "Invitation accepted" }).filter({ hasText: "Rita Returns" }).waitFor(WAIT);
    await page.getByRole("combobox", { name: "What happened" }).click();
    await page.getByRole("option", { name: "Sign-in failed" }).click();
    await rows.filter({ hasText: "rita@example.com" }).first().waitFor(WAIT);
    await expect
      .poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-kind"))), WAIT)
      .toEqual(expect.arrayContaining(["sign_in_failed"]));
    expect(new Set(await rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-kind"))))).toEqual(
      new Set(["sign_in_failed"]),
    );
    await page.screenshot({ path: join(SCREENSHOTS, "admin-security-log.png") });
  });

  it("lists the approved WhatsApp templates and adds one", { timeout: 60_000 }, async () => {
    const shipped = { name: "order_update", body: "Your order {{1}} has shipped.", contentSid: null };
    const sid = `HX${"0123456789abcdef".repeat(2)}`;
    const followUp = { name: "case_follow_up", body: "News on your case {{1}}.", contentSid: sid };
    await app.admin.request("PUT", "/api/whatsapp/templates", { items: [shipped] });
    await section("WhatsApp templates");
    await page.getByText("Outside that window only templates WhatsApp has approved").waitFor(WAIT);
    const rows = page.getByTestId("whatsapp-template");
    await rows.filter({ hasText: shipped.name }).getByText("words as written").waitFor(WAIT);

    const form = page.getByRole("form", { name: "New WhatsApp template" });
    await form.getByLabel("Name").fill(followUp.name);
    await form.getByLabel("Words").fill(followUp.body);
    // A Content SID Twilio would not take: the server's reason shows in the form.
    await form.getByLabel("Twilio Content SID").fill("HX123");
    await form.getByRole("button", { name: "Add template" }).click();
    await form.getByRole("alert").filter({ hasText: "must be a Twilio Content SID" }).waitFor(WAIT);
    await form.getByLabel("Twilio Content SID").fill(sid);
    await form.getByRole("button", { name: "Add template" }).click();
    await rows.filter({ hasText: followUp.name }).getByText(sid).waitFor(WAIT);
    expect(await form.getByLabel("Name").inputValue()).toBe("");
    await page.screenshot({ path: join(SCREENSHOTS, "admin-whatsapp-templates.png") });
    expect((await app.admin.get("/api/whatsapp/templates")).body.items).toEqual([shipped, followUp]);
  });
});
