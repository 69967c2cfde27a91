/**
 * A Microsoft 365 mailbox that signs in with OAuth 2.0, end to end against real parts: a local
 * authorisation server (oidc-provider) playing Microsoft's endpoints, Dovecot taking XOAUTH2 through
 * its `oauth2` passdb (token introspection against that server), and an SMTP server that checks the
 * bearer token the same way. An admin connects the mailbox (authorisation code with PKCE), mail is
 * fetched and answered with access tokens that are refreshed before they expire, and a grant revoked
 * at the provider shows on the mailbox and is mailed to the admins.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptCredential } from "../../channels/credentials.ts";
import { interactions } from "../../db/schema/cases.ts";
import { mailboxes } from "../../db/schema/channels.ts";
import { type EmailTestApp, startEmailApp } from "../helpers/email-app.ts";
import { plainEmail } from "../helpers/email-fixtures.ts";
import { assignCase } from "../helpers/factories.ts";
import { CookieJar, walkSignIn } from "../helpers/oidc-browser.ts";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider.ts";
import { freePort } from "../helpers/server-process.ts";

const MAILBOX = "support@acme.example";
const SCOPES = ["https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"];

describe("a mailbox that signs in with OAuth 2.0", () => {
  let provider: TestOidcProvider;
  let email: EmailTestApp;
  let mailboxId = "";
  let caseId = "";
  let agent: Awaited<ReturnType<EmailTestApp["app"]["createAgent"]>>;

  beforeAll(async () => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({
      redirectUris: [`${appUrl}/api/mailboxes/oauth/callback`],
      extraScopes: SCOPES,
      introspector: { clientId: "mail-server", clientSecret: "mail-server-secret-0123456789" },
      // Shorter than the five minutes before expiry at which tokens are refreshed: every use refreshes.
      accessTokenTtl: 120,
    });
    provider.people.set(MAILBOX, { email: MAILBOX });
    const introspection = new URL(`${provider.issuer}/token/introspection`);
    introspection.username = "mail-server";
    introspection.password = "mail-server-secret-0123456789";
    email = await startEmailApp({
      oauth2: { introspectionUrl: introspection.href },
      checkAccessToken: async (user, token) => {
        const answer = await provider.introspect(token);
        return answer.active && answer.sub === user;
      },
      // The environment's mailbox (a password) sends system mail and reads a folder of its own.
      beforeApp: (dovecot) => dovecot.createFolder("System"),
      env: {
        PORT: String(port),
        PUBLIC_URL: appUrl,
        EMAIL_FROM: "Acme System <system@acme.example>",
        EMAIL_FOLDER: "System",
        MAIL_OAUTH_MICROSOFT_CLIENT_ID: provider.clientId,
        MAIL_OAUTH_MICROSOFT_CLIENT_SECRET: provider.clientSecret,
        MAIL_OAUTH_MICROSOFT_AUTHORIZE_URL: `${provider.issuer}/auth`,
        MAIL_OAUTH_MICROSOFT_TOKEN_URL: `${provider.issuer}/token`,
      },
    });
    agent = await email.app.createAgent({ name: "Ana" });
  });
  afterAll(async () => {
    await email?.close();
    await provider?.close();
  });

  const mailboxRow = async () =>
    (await email.app.services.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)))[0]!;

  it("lists the providers set up, and refuses one that is not or a mailbox without a way to sign in", async () => {
    const providers = await email.app.admin.get("/api/mailboxes/oauth/providers");
    expect(providers.body.items).toEqual([{ provider: "microsoft", label: "Microsoft 365" }]);
    const before = (await email.app.admin.get("/api/mailboxes")).body.items.length;
    const google = await email.app.admin.post("/api/mailboxes", {
      name: "Gmail",
      address: "help@acme.example",
      oauthProvider: "google",
    });
    expect(google.status).toBe(409);
    expect(google.body.message).toContain("MAIL_OAUTH_GOOGLE_CLIENT_ID");
    const neither = await email.app.admin.post("/api/mailboxes", {
      name: "None",
      address: "none@acme.example",
    });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toContain("imapUrl and smtpUrl are required");
    expect((await email.app.admin.get("/api/mailboxes")).body.items).toHaveLength(before);
  });

  it("connects the mailbox through the provider's sign-in with PKCE, keeping the tokens sealed", async () => {
    const created = await email.app.admin.post("/api/mailboxes", {
      name: "Support",
      address: MAILBOX,
      oauthProvider: "microsoft",
      imapUrl: `imap://${encodeURIComponent(MAILBOX)}@127.0.0.1:${email.dovecot.port}`,
      smtpUrl: `smtp://${encodeURIComponent(MAILBOX)}@127.0.0.1:${email.smtp.port}`,
    });
    expect(created.status).toBe(201);
    expect(created.body.oauth).toEqual({
      provider: "microsoft",
      connected: false,
      connectedAt: null,
      error: null,
    });
    mailboxId = created.body.id;

    const jar = new CookieJar();
    jar.store(
      new Response(null, { headers: { "set-cookie": `sb_session=${email.app.admin.token}; Path=/` } }),
    );
    const walked = await walkSignIn(jar, new URL(`/api/mailboxes/${mailboxId}/oauth/start`, email.app.url), {
      appOrigin: email.app.url,
      login: MAILBOX,
    });
    expect(walked.final.pathname).toBe("/admin/channels");
    expect(walked.final.searchParams.get("mailboxConnected")).toBe(mailboxId);
    // PKCE was used: the authorisation request carried an S256 challenge.
    const authorize = walked.hops.find(
      (hop) => hop.url.pathname === "/auth" && hop.url.searchParams.has("client_id"),
    );
    expect(authorize?.url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize?.url.searchParams.get("scope")).toContain("offline_access");

    const view = (await email.app.admin.get(`/api/mailboxes/${mailboxId}`)).body;
    expect(view.oauth).toMatchObject({ provider: "microsoft", connected: true, error: null });
    expect(JSON.stringify(view)).not.toMatch(/refresh|access_?token/i);
    const row = await mailboxRow();
    const tokens = JSON.parse(decryptCredential(email.app.services.secret, row.oauthTokensEncrypted!));
    expect(tokens.refreshToken).toBeTruthy();
    expect(row.oauthTokensEncrypted).not.toContain(tokens.refreshToken);
  });

  it("fetches mail over IMAP with XOAUTH2 and answers it over SMTP with XOAUTH2, refreshing the token", async () => {
    await email.dovecot.append(
      plainEmail({
        from: "Dana Customer <dana@example.org>",
        to: MAILBOX,
        subject: "Where is my order?",
        body: "It has been a week.",
        messageId: "<oauth-first@example.org>",
      }),
    );
    const inbound = await email.waitForInteraction("<oauth-first@example.org>", 30_000);
    caseId = inbound.caseId;
    expect(email.dovecot.log()).toMatch(/Login: user=<support@acme\.example>, method=XOAUTH2/);

    await assignCase(email.app.services, caseId, agent.id);
    const reply = await agent.api.post(`/api/cases/${caseId}/replies`, { body: "It ships today." });
    expect(reply.status).toBe(201);
    const sent = await email.smtp.waitFor(
      (mail) => mail.header("message-id")?.includes(reply.body.id) ?? false,
    );
    expect(sent.authMethod).toBe("XOAUTH2");
    expect(sent.user).toBe(MAILBOX);
    expect(sent.recipients).toEqual(["dana@example.org"]);
    // The code's token expires within the refresh margin: it was refreshed before being used.
    expect(provider.grants).toContain("refresh_token");
  });

  it("shows a grant revoked at the provider on the mailbox, tells the admins, and sends nothing", async () => {
    const row = await mailboxRow();
    const tokens = JSON.parse(decryptCredential(email.app.services.secret, row.oauthTokensEncrypted!));
    await provider.revoke(tokens.refreshToken);

    const reply = await agent.api.post(`/api/cases/${caseId}/replies`, { body: "One more thing." });
    expect(reply.status).toBe(201);
    const notice = await email.smtp.waitFor(
      (mail) => /can no longer sign in/.test(mail.parsed.subject ?? ""),
      30_000,
    );
    expect(notice.recipients).toContain("admin@example.com");
    expect(notice.parsed.text).toContain("invalid_grant");
    expect(notice.parsed.text).toContain("/admin/channels");

    const view = (await email.app.admin.get(`/api/mailboxes/${mailboxId}`)).body;
    expect(view.oauth).toMatchObject({ connected: false, error: expect.stringContaining("invalid_grant") });
    // The reply failed visibly instead of leaving through another mailbox or being lost.
    const stored = async () =>
      (
        await email.app.services.db
          .select({ status: interactions.status, reason: interactions.statusReason })
          .from(interactions)
          .where(eq(interactions.id, reply.body.id))
      )[0];
    await expect.poll(async () => (await stored())?.status, { timeout: 30_000 }).toBe("failed");
    expect((await stored())?.reason).toMatch(/reconnect/);
    expect(
      email.smtp.messages.filter((mail) => mail.header("message-id")?.includes(reply.body.id)),
    ).toHaveLength(0);
  });

  it("refuses a callback whose state does not match, storing nothing", async () => {
    const before = (await mailboxRow()).oauthTokensEncrypted;
    const jar = new CookieJar();
    jar.store(
      new Response(null, { headers: { "set-cookie": `sb_session=${email.app.admin.token}; Path=/` } }),
    );
    const response = await fetch(
      new URL("/api/mailboxes/oauth/callback?code=forged&state=forged", email.app.url),
      {
        redirect: "manual",
        headers: { cookie: jar.header(new URL(email.app.url)) },
      },
    );
    expect(response.status).toBe(303);
    expect(
      new URL(response.headers.get("location")!, email.app.url).searchParams.get("mailboxOauthError"),
    ).toMatch(/connect again/);
    expect((await mailboxRow()).oauthTokensEncrypted).toBe(before);
  });
});
