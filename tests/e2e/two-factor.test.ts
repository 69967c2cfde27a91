/**
 * Two-factor sign-in in a real browser: an agent turns it on from the header's user menu (the test
 * reads the secret off the page and computes codes with otplib, as an authenticator app would),
 * signs out, and signs in with the password and then a code; a supervisor whose role requires it
 * sets it up on the sign-in page itself.
 */
import { generate } from "otplib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn, type TestBrowser } from "../helpers/browser.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

const WAIT = { timeout: 15_000 };

/** The code an authenticator app shows `offsetSteps` steps from now. */
const codeFor = (secret: string, offsetSteps = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

/** The secret shown on the page, without the spaces it is grouped with. */
async function secretOnPage(page: Page): Promise<string> {
  const shown = await page.getByTestId("totp-secret").textContent();
  return (shown ?? "").replace(/\s+/g, "");
}

describe("two-factor sign-in in the console", () => {
  let app: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const signedInAs = (page: Page, name: string) =>
    page.getByTestId("agent-name").filter({ hasText: name }).waitFor(WAIT);

  it("turns it on from the user menu, then asks for a code after the password", async () => {
    const agent = await app.createAgent({ name: "Tess Totp" });
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await signIn(page, agent.email, "agent-password");
    await signedInAs(page, "Tess Totp");

    await page.getByRole("button", { name: "Your account" }).click();
    await page.getByRole("menuitem", { name: "Two-factor sign-in" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    await dialog.getByRole("img", { name: /QR code/ }).waitFor(WAIT);
    const secret = await secretOnPage(page);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await dialog.getByTestId("totp-secret").textContent()).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    await browser.screenshot(page, "two-factor-setup.png");

    await dialog.getByLabel("6-digit code").fill("000000");
    await dialog.getByRole("button", { name: "Turn on" }).click();
    await dialog
      .getByRole("alert")
      .filter({ hasText: /does not match/ })
      .waitFor(WAIT);
    await dialog.getByLabel("6-digit code").fill(await codeFor(secret));
    await dialog.getByRole("button", { name: "Turn on" }).click();
    const codes = dialog.getByTestId("recovery-codes");
    await codes.waitFor(WAIT);
    expect((await codes.textContent())?.match(/[0-9a-f]{5}-[0-9a-f]{5}/g)).toHaveLength(10);
    await browser.screenshot(page, "two-factor-recovery-codes.png");
    const done = dialog.getByRole("button", { name: "Done" });
    expect(await done.isDisabled()).toBe(true);
    await dialog.getByLabel("I have saved them").check();
    await done.click();
    await dialog.getByText("Signing in asks for a code").waitFor(WAIT);
    await page.keyboard.press("Escape");

    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page, agent.email, "agent-password");
    await page
      .getByText("Enter the 6-digit code from your authenticator app, or a recovery code.")
      .waitFor(WAIT);
    await page.getByLabel("Code or recovery code").fill("123456");
    await page.getByRole("button", { name: "Verify" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: /wrong or was already used/ })
      .waitFor(WAIT);
    await browser.screenshot(page, "two-factor-wrong-code.png");
    // The step the enabling code used is spent: the app's next code signs in.
    await page.getByLabel("Code or recovery code").fill(await codeFor(secret, 1));
    await page.getByRole("button", { name: "Verify" }).click();
    await signedInAs(page, "Tess Totp");
    await browser.screenshot(page, "two-factor-signed-in.png");
    // The browser's profile is shared by the next test, which signs in as someone else.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor(WAIT);
    await page.close();
  });

  it("has a supervisor whose role requires it set it up while signing in", async () => {
    const supervisor = await app.createAgent({ name: "Ron Required", role: "supervisor" });
    const page = await browser.context.newPage();
    try {
      // The admin requires it for supervisors under Admin → Security.
      await page.goto(`${app.url}/admin/security`);
      await signIn(page, "admin@example.com", "admin-password");
      await page.getByLabel("Supervisors").check();
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Two-factor sign-in requirement saved.").waitFor(WAIT);
      await browser.screenshot(page, "two-factor-admin-requirement.png");
      expect((await app.admin.get("/api/settings/2fa")).body).toEqual({ requiredFor: ["supervisor"] });
      await page.getByRole("button", { name: "Sign out" }).click();

      await signIn(page, supervisor.email, "agent-password");
      await page.getByText("Your role requires a second step at sign-in.").waitFor(WAIT);
      await page.getByTestId("totp-secret").waitFor(WAIT);
      await browser.screenshot(page, "two-factor-enrol-at-sign-in.png");
      await page.getByLabel("6-digit code").fill(await codeFor(await secretOnPage(page)));
      await page.getByRole("button", { name: "Turn on" }).click();
      await page.getByTestId("recovery-codes").waitFor(WAIT);
      await page.getByLabel("I have saved them").check();
      await page.getByRole("button", { name: "Continue to the console" }).click();
      await signedInAs(page, "Ron Required");
    } finally {
      await page.close();
      await app.admin.request("PUT", "/api/settings/2fa", { requiredFor: [] });
    }
  });
});
