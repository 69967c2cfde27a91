/**
 * An admin connects a Microsoft 365 mailbox in the console: adds it with "Sign in with Microsoft
 * 365", chooses Connect, signs in at the (local) provider and comes back to Admin → Channels with the
 * mailbox connected; when the provider later refuses the grant, the list says so and offers Reconnect.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptCredential } from "../../channels/credentials.ts";
import { mailAccessToken } from "../../channels/email/mailbox-oauth.ts";
import { mailboxes } from "../../db/schema/channels.ts";
import { launchBrowser, signInWithCookie, type TestBrowser } from "../helpers/browser.ts";
import { type EmailTestApp, startEmailApp } from "../helpers/email-app.ts";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider.ts";
import { freePort } from "../helpers/server-process.ts";

const WAIT = { timeout: 15_000 };
const MAILBOX = "support@acme.example";

describe("connecting a mailbox with OAuth in the console", () => {
  let provider: TestOidcProvider;
  let email: EmailTestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({
      redirectUris: [`${appUrl}/api/mailboxes/oauth/callback`],
      extraScopes: [
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
      ],
      introspector: { clientId: "mail-server", clientSecret: "mail-server-secret-0123456789" },
      accessTokenTtl: 120,
    });
    provider.people.set(MAILBOX, { email: MAILBOX });
    const introspection = new URL(`${provider.issuer}/token/introspection`);
    introspection.username = "mail-server";
    introspection.password = "mail-server-secret-0123456789";
    email = await startEmailApp({
      oauth2: { introspectionUrl: introspection.href },
      beforeApp: (dovecot) => dovecot.createFolder("System"),
      env: {
        PORT: String(port),
        PUBLIC_URL: appUrl,
        STATUS_UPDATES: "false",
        EMAIL_FROM: "Acme System <system@acme.example>",
        EMAIL_FOLDER: "System",
        MAIL_OAUTH_MICROSOFT_CLIENT_ID: provider.clientId,
        MAIL_OAUTH_MICROSOFT_CLIENT_SECRET: provider.clientSecret,
        MAIL_OAUTH_MICROSOFT_AUTHORIZE_URL: `${provider.issuer}/auth`,
        MAIL_OAUTH_MICROSOFT_TOKEN_URL: `${provider.issuer}/token`,
      },
    });
    browser = await launchBrowser({ timeoutMs: WAIT.timeout });
    await signInWithCookie(browser.context, email.app.url, email.app.admin.token!);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await email?.close();
    await provider?.close();
  });

  it("adds the mailbox, connects it through the provider's sign-in and shows it connected", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${email.app.url}/admin/channels`);
    await page.getByRole("button", { name: "New mailbox" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(/^Name/).fill("Support");
    await dialog.getByLabel(/^Address/).fill(MAILBOX);
    await dialog.getByText("Microsoft 365", { exact: true }).click();
    await dialog.getByText("Leave empty for the provider's server").first().waitFor(WAIT);
    await dialog
      .getByLabel("IMAP URL")
      .fill(`imap://${encodeURIComponent(MAILBOX)}@127.0.0.1:${email.dovecot.port}`);
    await dialog
      .getByLabel("SMTP URL")
      .fill(`smtp://${encodeURIComponent(MAILBOX)}@127.0.0.1:${email.smtp.port}`);
    await browser.screenshot(page, "mailbox-oauth-form.png");
    await dialog.getByRole("button", { name: "Add mailbox" }).click();
    await dialog.waitFor({ state: "detached", ...WAIT });

    await page.getByText("not connected", { exact: true }).waitFor(WAIT);
    await browser.screenshot(page, "mailbox-oauth-not-connected.png");
    await page.getByRole("link", { name: "Connect with Microsoft 365" }).click();
    await page.getByRole("heading", { name: "Test identity provider" }).waitFor(WAIT);
    await page.getByLabel("Login").fill(MAILBOX);
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByText("Support is connected").waitFor(WAIT);
    await page.getByText("connected", { exact: true }).waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe("/admin/channels");
    await browser.screenshot(page, "mailbox-oauth-connected.png");
    await page.close();
  });

  it("says when the provider refused the grant and offers Reconnect", async () => {
    const { db, secret, config } = email.app.services;
    const [row] = await db.select().from(mailboxes).where(eq(mailboxes.address, MAILBOX));
    const tokens = JSON.parse(decryptCredential(secret, row!.oauthTokensEncrypted!));
    await provider.revoke(tokens.refreshToken);
    await expect(
      mailAccessToken({ db, secret, apps: config.mailOauth, now: () => Date.now() }, row!.id),
    ).rejects.toThrow(/reconnect/);

    const page = await browser.context.newPage();
    await page.goto(`${email.app.url}/admin/channels`);
    await page.getByText("The provider refused the sign-in").waitFor(WAIT);
    await page.getByRole("link", { name: "Reconnect" }).waitFor(WAIT);
    await browser.screenshot(page, "mailbox-oauth-refused.png");
    await page.close();
  });
});
