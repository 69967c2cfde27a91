/**
 * A chat visitor proves the email they typed into the pre-chat form: the link mailed to it (a real
 * SMTP capture) opens a page asking them to confirm, confirming thanks them, and the agent looking
 * at the case sees the address turn from "Unverified" to verified (on reading the case again).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases } from "../../db/schema/cases.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import type { TestApp } from "../helpers/build-app.ts";
import { type EmailTestApp, startEmailApp } from "../helpers/email-app.ts";
import { connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

const WAIT = { timeout: 15_000 };

describe("a customer proving a claimed email in a browser", () => {
  let email: EmailTestApp;
  let app: TestApp;
  let browser: TestBrowser;
  let visitor: RecordingSocket | undefined;

  beforeAll(async () => {
    email = await startEmailApp({ env: { STATUS_UPDATES: "false" } });
    app = email.app;
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    visitor?.close();
    await browser?.close();
    await email?.close();
  });

  it("the customer confirms on the mailed page and the agent sees the address verified", {
    timeout: 90_000,
  }, async () => {
    visitor = await connectVisitor(app.url);
    await visitor.emitWithAck("hello", { name: "Pia Proof", email: "pia@customer.example" });
    const ack = await visitor.emitWithAck("message", {
      body: "Where is my parcel?",
      clientId: "client-msg-pia01",
    });
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, ack.caseId));

    await signInWithCookie(browser.context, app.url, app.admin.token!);
    const agentPage = await browser.context.newPage();
    await agentPage.goto(`${app.url}/cases/${row!.id}`);
    const line = agentPage
      .getByTestId("customer-panel")
      .getByTestId("identity")
      .filter({ hasText: "pia@customer.example" });
    await line.getByText("Unverified").waitFor(WAIT);

    const mail = await email.smtp.waitFor((m) => m.recipients.includes("pia@customer.example"));
    const path = (mail.parsed.text ?? "").match(/\/verify-email\?token=[A-Za-z0-9_-]+/)?.[0];
    expect(path).toBeDefined();
    const customerPage = await browser.context.newPage();
    await customerPage.goto(`${app.url}${path}`);
    await customerPage.getByRole("heading", { name: "Confirm your email address" }).waitFor(WAIT);
    await customerPage.getByText("pia@customer.example").waitFor(WAIT);
    await browser.screenshot(customerPage, "email-proof-confirm.png");
    await customerPage.getByRole("button", { name: "Confirm my address" }).click();
    await customerPage
      .getByRole("status")
      .getByText(/Thank you/)
      .waitFor(WAIT);
    await browser.screenshot(customerPage, "email-proof-thanks.png");
    // The link works once.
    await customerPage.goto(`${app.url}${path}`);
    await customerPage
      .getByRole("alert")
      .getByText(/already used/)
      .waitFor(WAIT);
    await browser.screenshot(customerPage, "email-proof-used.png");

    // The case's push carries no contact details: the agent sees the change when the case is read again.
    await agentPage.bringToFront();
    await agentPage.reload();
    await line.getByText("Can contact").waitFor(WAIT);
    expect(await line.getByText("Unverified").count()).toBe(0);
    await browser.screenshot(agentPage, "email-proof-agent-verified.png");
  });
});
