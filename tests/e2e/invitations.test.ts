/**
 * Invitations and password resets in a browser, with a mailbox that sends (a real SMTP capture):
 * an admin invites someone (and resends the invitation), the invitee opens the newest link from the
 * captured mail, is greeted, has a
 * guessable password refused with the reason, sets a good one and lands signed in; someone who
 * forgot their password asks for a link on the sign-in page and sets a new one the same way.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn, type TestBrowser } from "../helpers/browser.ts";
import { ADMIN, type TestApp } from "../helpers/build-app.ts";
import { type EmailTestApp, startEmailApp } from "../helpers/email-app.ts";
import type { CapturedMail } from "../helpers/smtp-capture.ts";

const WAIT = { timeout: 15_000 };

/** The set-password link of a mail, pointed at the test server (the mail carries PUBLIC_URL). */
function linkIn(mail: CapturedMail, appUrl: string): string {
  const match = (mail.parsed.text ?? "").match(/\/set-password\?token=[A-Za-z0-9_-]+/);
  if (!match) throw new Error(`no set-password link in: ${mail.parsed.text}`);
  return `${appUrl}${match[0]}`;
}

describe("invitations and password resets in a browser", () => {
  let email: EmailTestApp;
  let app: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    email = await startEmailApp({ env: { STATUS_UPDATES: "false" } });
    app = email.app;
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await email?.close();
  });

  /** Chooses a password on the set-password page: a guessable one first, refused with the reason. */
  async function choosePassword(page: Page, shot: string) {
    await page.getByLabel("New password").fill("password1234");
    await page.getByLabel("Repeat the password").fill("password1234");
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page
      .getByRole("alert")
      .getByText(/too easy to guess/)
      .waitFor(WAIT);
    await browser.screenshot(page, `${shot}-weak.png`);
    await page.getByLabel("New password").fill("Harbor-Quince-Falcon-Twelve-61");
    await page.getByLabel("Repeat the password").fill("Harbor-Quince-Falcon-Twelve-61");
    await page.getByRole("button", { name: "Set password and sign in" }).click();
  }

  it("an invitee follows the mailed link, sets a password and lands signed in", {
    timeout: 90_000,
  }, async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/admin`);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("heading", { level: 1, name: "Agents" }).waitFor(WAIT);
    await page.getByRole("button", { name: "Invite agent" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/^Name/).fill("Ivy Invitee");
    await dialog.getByRole("textbox", { name: "Email", exact: true }).fill("ivy@example.com");
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await page.getByText("Invitation mailed to ivy@example.com", { exact: false }).waitFor(WAIT);
    const row = page.getByTestId("admin-agent-row").and(page.locator('[data-email="ivy@example.com"]'));
    await row.getByText("Invitation pending").waitFor(WAIT);
    await browser.screenshot(page, "invite-mailed.png");

    const first = await email.smtp.waitFor((m) => m.recipients.includes("ivy@example.com"));
    // Resending from the edit drawer mails a new link; the first one stops working.
    await row.getByRole("button", { name: "Edit" }).click();
    const drawer = page.getByRole("dialog");
    await drawer.getByText("Invitation pending").waitFor(WAIT);
    await drawer.getByRole("button", { name: "Resend invitation" }).click();
    await page.getByText("Invitation mailed to ivy@example.com").nth(0).waitFor(WAIT);
    await browser.screenshot(page, "invite-resend.png");
    const mail = await email.smtp.waitFor(
      (m) => m.recipients.includes("ivy@example.com") && linkIn(m, app.url) !== linkIn(first, app.url),
    );
    // The invitee's browser: no admin session in it.
    await browser.context.clearCookies();
    await page.goto(linkIn(mail, app.url));
    await page.getByText("Welcome, Ivy Invitee.", { exact: false }).waitFor(WAIT);
    await browser.screenshot(page, "invite-set-password.png");
    await choosePassword(page, "invite-set-password");
    await page.getByTestId("agent-name").getByText("Ivy Invitee").waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe("/");
    await browser.screenshot(page, "invite-signed-in.png");

    // The link worked once.
    await page.goto(linkIn(mail, app.url));
    await page
      .getByRole("alert")
      .getByText(/already used/)
      .waitFor(WAIT);
    await browser.screenshot(page, "invite-link-used.png");
    await page.close();
  });

  it("someone who forgot their password gets a link by mail and sets a new one", {
    timeout: 90_000,
  }, async () => {
    const agent = await app.createAgent({ name: "Fern Forgetful" });
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await page.getByRole("button", { name: "Forgot password?" }).click();
    await page.getByLabel("Email").fill(agent.email);
    await browser.screenshot(page, "forgot-password-form.png");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page
      .getByRole("status")
      .getByText(/If that address has an account/)
      .waitFor(WAIT);
    await browser.screenshot(page, "forgot-password-sent.png");

    const mail = await email.smtp.waitFor((m) => m.recipients.includes(agent.email));
    await page.goto(linkIn(mail, app.url));
    await page.getByRole("heading", { name: "Reset your password" }).waitFor(WAIT);
    await page.getByText("Hello, Fern Forgetful.", { exact: false }).waitFor(WAIT);
    await choosePassword(page, "reset-password");
    await page.getByTestId("agent-name").getByText("Fern Forgetful").waitFor(WAIT);
    await browser.screenshot(page, "reset-signed-in.png");
    // The old password is gone, and with it the session it opened.
    expect((await agent.api.get("/api/me")).status).toBe(401);
    await page.close();
  });
});
