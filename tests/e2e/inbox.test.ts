import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { contactIdentities } from "../../db/schema/contacts.ts";
import { launchBrowser, SCREENSHOTS, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase, inboundSms, newCase } from "../helpers/factories.ts";

const WAIT = { timeout: 20_000 };
const SEEDED = 10_000;

interface InboxTiming {
  /** performance.mark when the first rows were painted, relative to navigation start. */
  browserMs: number;
  /** From page.goto to the rows being visible, as the test saw it. */
  wallMs: number;
  /** How long the inbox's first page took on the network, and when the browser started asking for it. */
  apiMs: number;
  apiStartMs: number;
  rows: number;
}

describe("agent inbox, case workspace and contacts in a browser", () => {
  let app: TestApp;
  let context: BrowserContext;
  let browser: TestBrowser;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent({ name: "Ines Inbox" });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    context = browser.context;
    // Signed in as the agent already: the measurement is of the inbox, not of typing a password.
    await signInWithCookie(context, app.url, agent.token);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function openInbox(): Promise<InboxTiming> {
    const started = Date.now();
    await page.goto(app.url);
    await page.locator("[data-testid=inbox-row], [data-testid=inbox-empty]").first().waitFor(WAIT);
    const wallMs = Date.now() - started;
    await page.waitForFunction(() => performance.getEntriesByName("inbox-first-rows").length > 0, null, WAIT);
    const browserMs = await page.evaluate(
      () => performance.getEntriesByName("inbox-first-rows")[0]!.startTime,
    );
    const api = await page.evaluate(() => {
      const entry = performance
        .getEntriesByType("resource")
        .find((e) => e.name.includes("/api/cases?") && e.name.includes("limit=100"));
      return { duration: entry?.duration ?? -1, start: entry?.startTime ?? -1 };
    });
    return {
      browserMs: Math.round(browserMs),
      wallMs,
      apiMs: Math.round(api.duration),
      apiStartMs: Math.round(api.start),
      rows: await page.getByTestId("inbox-row").count(),
    };
  }

  it("shows the inbox quickly on an empty database and with 10,000 cases", { timeout: 180_000 }, async () => {
    // A first load warms the server's static files and the browser's cache, as for an agent at work.
    await openInbox();
    const empty = await openInbox();
    expect(empty.rows).toBe(0);
    await page.getByTestId("inbox-empty").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "inbox-empty.png") });

    const template = await newCase(app.services, { from: { kind: "phone", address: "+16285550999" } });
    const seedStarted = Date.now();
    await app.services.db.execute(sql`
      with template as (
        select machine_version, queue_id from cases where id = ${template.id}
      ),
      new_contacts as (
        insert into contacts (name)
        select 'Seeded customer ' || g from generate_series(1, ${SEEDED}::int) g
        returning id
      ),
      numbered as (select id, row_number() over () as n from new_contacts)
      insert into cases (contact_id, channel, subject, priority, state, queue_id, assignee_id,
        customer_address, machine_snapshot, machine_version, sla_status, sla_due_at, created_at, updated_at)
      select n.id,
        (array['chat','email','sms','voice'])[1 + n.n % 4],
        'Seeded question ' || n.n,
        (array['low','normal','normal','high','urgent'])[1 + n.n % 5],
        (array['assigned','waiting_on_customer','assigned','resolved'])[1 + n.n % 4],
        t.queue_id,
        ${agent.id}::uuid,
        '+1555' || lpad(n.n::text, 7, '0'),
        -- The snapshot the state and assignee columns copy (the cases_state_is_snapshot check).
        jsonb_build_object('value', (array['assigned','waiting_on_customer','assigned','resolved'])[1 + n.n % 4],
          'context', jsonb_build_object('assigneeId', ${agent.id}::uuid, 'resolvedAt', null)),
        t.machine_version,
        case when n.n % 7 = 0 then 'breached' when n.n % 7 = 1 then 'at_risk' when n.n % 7 = 2 then 'active' end,
        case when n.n % 7 = 0 then now() - interval '25 minutes'
             when n.n % 7 = 1 then now() + interval '9 minutes'
             when n.n % 7 = 2 then now() + interval '3 hours' end,
        now() - n.n * interval '1 minute',
        now() - n.n * interval '1 minute'
      from numbered n, template t
    `);
    const seedMs = Date.now() - seedStarted;

    const full = await openInbox();
    expect(full.rows).toBeGreaterThan(10);
    await page.getByTestId("sla-badge").filter({ hasText: "Breached" }).first().waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "inbox-10000-cases.png") });

    const describe = (timing: InboxTiming) =>
      `${timing.browserMs} ms from navigation to first rows painted (${timing.wallMs} ms from page.goto; ` +
      `the case list request started at ${timing.apiStartMs} ms and took ${timing.apiMs} ms; ${timing.rows} rows rendered)`;
    console.log(`inbox, empty database: ${describe(empty)}`);
    console.log(`inbox, ${SEEDED} cases (seeded in ${seedMs} ms): ${describe(full)}`);
    expect(full.browserMs).toBeLessThan(15_000);

    // Scrolling far down reads further pages; the table renders only what is on screen.
    const scroller = page.getByTestId("inbox-scroll");
    const loaded = async () =>
      Number((await page.getByText(/^\d+\+? cases$/).textContent(WAIT))!.replace(/\D/g, ""));
    for (let i = 0; i < 3; i++) {
      const before = await loaded();
      await scroller.evaluate((element) => element.scrollTo(0, element.scrollHeight));
      // Each scroll to the end reads one more page: wait until its rows are counted.
      await expect.poll(loaded, WAIT).toBeGreaterThan(before);
    }
    const counted = await loaded();
    expect(counted).toBeGreaterThan(100);
    expect(await page.getByTestId("inbox-row").count()).toBeLessThan(80);

    // Filters and search go to the server.
    await page.getByRole("textbox", { name: "Search cases" }).fill("Seeded question 4242");
    await page.getByTestId("inbox-row").filter({ hasText: "Seeded question 4242" }).waitFor(WAIT);
    await expect.poll(() => page.getByTestId("inbox-row").count(), WAIT).toBe(1);
    await page.getByRole("textbox", { name: "Search cases" }).fill("");
    await expect.poll(() => page.getByTestId("inbox-row").count(), WAIT).toBeGreaterThan(1);
    await page.getByPlaceholder("Any SLA state").click();
    await page.getByRole("option", { name: "Breached" }).click();
    await page.keyboard.press("Escape");
    await expect
      .poll(async () => {
        const states = await page
          .getByTestId("sla-badge")
          .evaluateAll((els) => els.map((e) => e.getAttribute("data-sla")));
        return states.length > 0 && states.every((state) => state === "breached");
      }, WAIT)
      .toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "inbox-filtered-breached.png") });

    // The keyboard walks the rows, scrolling the ones off screen in.
    await page.getByTestId("inbox-row").first().locator("a").focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press("ArrowDown");
    await expect
      .poll(
        () => page.evaluate(() => document.activeElement?.closest("tr")?.getAttribute("data-index")),
        WAIT,
      )
      .toBe("20");
    await page.evaluate(() => sessionStorage.removeItem("switchboard.inbox-filters"));
  });

  it("works an email and an SMS case from the workspace", { timeout: 120_000 }, async () => {
    // The seeded cases go to a teammate, so this agent has room for the cases of the next tests.
    const teammate = await app.createAgent({ name: "Tom Teammate" });
    await app.services.db.execute(
      sql`update cases set assignee_id = ${teammate.id}::uuid,
            machine_snapshot = jsonb_set(machine_snapshot, '{context,assigneeId}', to_jsonb(${teammate.id}::text))
          where assignee_id = ${agent.id}::uuid`,
    );

    const email = await ingest(app.services.cases, {
      channel: "email",
      externalId: `<order-${Date.now()}@example.net>`,
      from: { kind: "email", address: "erin@example.net", name: "Erin Email" },
      to: "support@example.com",
      subject: "Invoice 2291 is wrong",
      body: "Hello,\n\nmy invoice 2291 lists two licences but we have one.\n\nErin",
      thread: { strict: true },
    });
    await assignCase(app.services, email.case.id, agent.id);
    const sms = await ingest(
      app.services.cases,
      inboundSms({
        from: { kind: "phone", address: "+16285557777", name: "Sam Sms" },
        body: "Is my order shipped?",
      }),
    );
    await assignCase(app.services, sms.case.id, agent.id);

    // Email: subject of the reply, CC and the quoted history.
    await page.goto(`${app.url}/cases/${email.case.id}`);
    const view = page.getByTestId("case-view");
    await view.getByText("my invoice 2291 lists two licences").waitFor(WAIT);
    await expect
      .poll(() => page.getByTestId("email-subject").textContent(), WAIT)
      .toContain("Re: Invoice 2291 is wrong");
    await page.getByTestId("customer-panel").getByText("erin@example.net").waitFor(WAIT);
    // A canned response comes in filled for this case.
    const canned = await app.admin.post("/api/canned-responses", {
      shortCode: "invoice-fix",
      title: "Invoice corrected",
      body: "Hello {{contact.name}}, your invoice on case #{{case.number}} is corrected.",
      channels: ["email"],
    });
    expect(canned.status).toBe(201);
    await page.reload();
    await page.getByPlaceholder("Canned response…").click();
    await page.getByRole("option", { name: /invoice-fix/ }).click();
    await expect
      .poll(() => page.getByRole("textbox", { name: "Reply to Erin Email" }).inputValue(), WAIT)
      .toBe(`Hello Erin Email, your invoice on case #${email.case.number} is corrected.`);
    await page.getByPlaceholder("CC (Enter after each address)").fill("finance@example.net");
    await page.keyboard.press("Enter");
    await page
      .getByRole("textbox", { name: "Reply to Erin Email" })
      .fill("Hi Erin, I have corrected the invoice.");
    await page.screenshot({ path: join(SCREENSHOTS, "case-email.png") });
    await page.getByRole("button", { name: "Send reply" }).click();
    const sent = view.getByTestId("timeline-entry").filter({ hasText: "I have corrected the invoice" });
    await sent.waitFor(WAIT);
    expect(await sent.textContent()).toContain("Erin Email wrote:");
    expect(await sent.textContent()).toContain("CC: finance@example.net");

    // Keyboard: ? shows the shortcuts, n writes a note, e resolves.
    await page.locator("body").click({ position: { x: 700, y: 400 } });
    await page.keyboard.press("Shift+Slash");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "shortcut-help.png") });
    await page.keyboard.press("Escape");
    await page.keyboard.press("n");
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")), WAIT)
      .toBe("Internal note");
    await page.keyboard.type("Customer called about this too, @Ine");
    await page.getByTestId("mention-suggestions").getByRole("button", { name: "@Ines Inbox" }).click();
    await page.keyboard.type("please check.");
    await page.keyboard.press("Control+Enter");
    await view
      .getByTestId("timeline-entry")
      .filter({ hasText: "Customer called about this too, @Ines Inbox please check." })
      .waitFor(WAIT);
    await view.getByTestId("timeline-entry").and(page.locator("[data-kind=note]")).waitFor(WAIT);
    await page.keyboard.press("Escape");
    await page.keyboard.press("e");
    await expect.poll(() => view.getByTestId("case-state").textContent(), WAIT).toBe("Resolved");

    // SMS: the segment counter, then the opt-out warning once the customer texted STOP.
    await page.goto(`${app.url}/cases/${sms.case.id}`);
    await view.getByTestId("timeline-entry").filter({ hasText: "Is my order shipped?" }).waitFor(WAIT);
    await page
      .getByRole("textbox", { name: "Reply to Sam Sms" })
      .fill(
        "Yes! Your order left our warehouse this morning and should arrive by Thursday. You can follow it with the tracking link we emailed you. Thanks for waiting 🙂",
      );
    await expect.poll(() => page.getByTestId("sms-segments").textContent(), WAIT).toContain("UCS-2");
    expect(await page.getByTestId("sms-segments").textContent()).toMatch(/^3 segments/);
    await page.screenshot({ path: join(SCREENSHOTS, "case-sms.png") });
    await app.services.db
      .update(contactIdentities)
      .set({ optedOutAt: new Date(), optOutMethod: "STOP" })
      .where(eq(contactIdentities.address, "+16285557777"));
    await page.reload();
    await page.getByTestId("opt-out-warning").waitFor(WAIT);
    expect(await page.getByRole("button", { name: "Send reply" }).isDisabled()).toBe(true);
    await page.getByTestId("customer-panel").getByText("Opted out (STOP)").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "case-sms-opted-out.png") });

    // t transfers: the case goes back to a queue with a note for the next agent.
    await page.locator("body").click({ position: { x: 700, y: 300 } });
    await page.keyboard.press("t");
    const dialog = page.getByRole("dialog", { name: "Transfer case" });
    await dialog.getByPlaceholder("Pick a queue or an agent").click();
    await page.getByRole("option", { name: "General" }).click();
    await dialog
      .getByRole("textbox", { name: /Note for the next agent/ })
      .fill("Customer opted out of SMS; try email.");
    await page.screenshot({ path: join(SCREENSHOTS, "case-transfer.png") });
    await dialog.getByRole("button", { name: "Transfer" }).click();
    await page.getByTestId("inbox-page").waitFor(WAIT);
    await expect
      .poll(async () => (await agent.api.get(`/api/cases/${sms.case.id}`)).body.assigneeId, WAIT)
      .toBeNull();
  });

  it("edits a contact and merges a duplicate after previewing what moves", { timeout: 120_000 }, async () => {
    const first = await newCase(app.services, {
      from: { kind: "phone", address: "+16285558001", name: "Dana Duplicate" },
      body: "Phone question",
    });
    const second = await ingest(app.services.cases, {
      channel: "email",
      externalId: `<dana-${Date.now()}@example.org>`,
      from: { kind: "email", address: "dana@example.org", name: "Dana D." },
      subject: "Email question",
      body: "Asking by mail",
      thread: { strict: true },
    });

    await page.goto(`${app.url}/contacts`);
    await page.getByRole("textbox", { name: "Search contacts" }).fill("Dana");
    await page.getByTestId("contact-result").filter({ hasText: "Dana Duplicate" }).click();
    const detail = page.getByTestId("contact-detail");
    await detail.getByText("+16285558001").waitFor(WAIT);
    await page.getByRole("button", { name: "Add attribute" }).click();
    await page.getByRole("textbox", { name: "Attribute 1 name" }).fill("plan");
    await page.getByRole("textbox", { name: "Attribute 1 value" }).fill("gold");
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Contact saved.").waitFor(WAIT);
    await expect
      .poll(async () => (await agent.api.get(`/api/contacts/${first.contactId}`)).body.attributes, WAIT)
      .toEqual({ plan: "gold" });
    await page.screenshot({ path: join(SCREENSHOTS, "contacts.png") });

    // An agent is pointed to a supervisor for merging; the supervisor merges.
    await page.getByTestId("merge-needs-supervisor").waitFor(WAIT);
    const supervisor = await app.createAgent({ role: "supervisor", name: "Sue Supervisor" });
    await signInWithCookie(context, app.url, supervisor.token);
    await page.reload();
    await detail.getByText("+16285558001").waitFor(WAIT);
    const duplicate = page.getByPlaceholder("Search by name, email or phone");
    await duplicate.fill("dana@example.org");
    await page.getByRole("option", { name: /Dana D\./ }).click();
    const preview = page.getByTestId("merge-preview");
    await preview.getByText("dana@example.org").waitFor(WAIT);
    expect(await preview.textContent()).toContain(`#${second.case.number} Email question`);
    await page.screenshot({ path: join(SCREENSHOTS, "contacts-merge-preview.png") });
    await preview.getByRole("button", { name: "Merge" }).click();
    await page.getByTestId("merge-notice").waitFor(WAIT);
    await detail.getByText("dana@example.org").waitFor(WAIT);
    await detail.getByText("Email question").waitFor(WAIT);
    const merged = await agent.api.get(`/api/cases/${second.case.id}`);
    expect(merged.body.contact.id).toBe(first.contactId);

    // The phone case now shows the customer's email on one timeline, across channels.
    await page.goto(`${app.url}/cases/${first.id}`);
    await page.getByTestId("customer-panel").getByText("dana@example.org").waitFor(WAIT);
    await page.getByTestId("other-cases").getByText("Email question").waitFor(WAIT);
    await page.getByRole("switch", { name: "Show Dana Duplicate's other case on this timeline" }).check();
    const fromEmail = page.getByTestId("timeline-entry").filter({ hasText: "Asking by mail" });
    await fromEmail.waitFor(WAIT);
    expect(await fromEmail.getAttribute("data-other-case")).toBe("");
    expect(await fromEmail.textContent()).toContain(`#${second.case.number}`);
    await page.screenshot({ path: join(SCREENSHOTS, "case-customer-history.png") });
  });
  it("shows an address the customer only typed in as unverified, and lets the agent confirm it", {
    timeout: 60_000,
  }, async () => {
    const row = await newCase(app.services, {
      from: { kind: "phone", address: "+16285558101", name: "Uma Unverified" },
      body: "Please email me the invoice",
    });
    await app.services.db
      .insert(contactIdentities)
      .values({ contactId: row.contactId, kind: "email", address: "uma@example.org", verifiedAt: null });

    await page.goto(`${app.url}/cases/${row.id}`);
    const panel = page.getByTestId("customer-panel");
    const line = panel.getByTestId("identity").filter({ hasText: "uma@example.org" });
    await line.getByText("Unverified").waitFor(WAIT);
    await page.screenshot({ path: join(SCREENSHOTS, "case-unverified-identity.png") });
    await line.getByRole("button", { name: "Confirm" }).click();
    await line.getByText("Can contact").waitFor(WAIT);
    const contact = await agent.api.get(`/api/contacts/${row.contactId}`);
    expect(contact.body.identities).toEqual(
      expect.arrayContaining([expect.objectContaining({ address: "uma@example.org", verified: true })]),
    );
  });
});
