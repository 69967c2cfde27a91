/**
 * Mailboxes that sign in with OAuth 2.0 (Microsoft 365, Google): the authorisation code flow with
 * PKCE that connects one, and the access token IMAP and SMTP authenticate with (XOAUTH2), refreshed
 * before it expires. Tokens are sealed with the server secret; a grant the provider no longer honours
 * is recorded on the mailbox with the provider's reason, so admins can reconnect it.
 */
import { and, eq } from "drizzle-orm";
import * as oidc from "openid-client";
import { AppError } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { type MailOauthProvider, mailboxes } from "../../db/schema/channels.ts";
import { decryptCredential, encryptCredential } from "../credentials.ts";
import type { MailOauthApp, MailOauthApps } from "./mail-oauth-apps.ts";
import {
  type EnvEmailSettings,
  type MailboxConnection,
  type MailboxRow,
  mailboxConnection,
} from "./mailboxes.ts";

/** Long enough to sign in, consent and pass the provider's own second factor. */
export const MAIL_OAUTH_FLOW_TTL_MS = 10 * 60_000;
/** An access token this close to expiring is refreshed before it is used. */
export const REFRESH_BEFORE_MS = 5 * 60_000;
const TIMEOUT_SECONDS = 15;

/** What the flow remembers from the redirect to the callback (sealed in a cookie). */
export interface MailOauthFlow {
  mailboxId: string;
  provider: MailOauthProvider;
  state: string;
  verifier: string;
  expiresAt: number;
}

export interface MailOauthTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const isLoopback = (url: string) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);

function clientOf(app: MailOauthApp): oidc.Configuration {
  const config = new oidc.Configuration(
    {
      issuer: new URL(app.authorizeUrl).origin,
      authorization_endpoint: app.authorizeUrl,
      token_endpoint: app.tokenUrl,
    },
    app.clientId,
    { client_secret: app.clientSecret },
    oidc.ClientSecretPost(app.clientSecret),
  );
  config.timeout = TIMEOUT_SECONDS;
  // Plain HTTP only to a server on this machine: the tests' local authorisation server.
  if (isLoopback(app.tokenUrl)) oidc.allowInsecureRequests(config);
  return config;
}

export function mailOauthApp(apps: MailOauthApps, provider: MailOauthProvider): MailOauthApp {
  const app = apps[provider];
  if (!app)
    throw new AppError(
      "CONFLICT",
      `Signing mailboxes in with ${provider === "microsoft" ? "Microsoft 365" : "Google"} is not set up: set MAIL_OAUTH_${provider.toUpperCase()}_CLIENT_ID and MAIL_OAUTH_${provider.toUpperCase()}_CLIENT_SECRET.`,
    );
  return app;
}

/** The provider's sign-in page for connecting a mailbox, and the sealed flow for the cookie. */
export async function beginMailOauth(
  app: MailOauthApp,
  options: { mailboxId: string; redirectUri: string; serverSecret: string; now: number },
): Promise<{ url: string; sealed: string }> {
  const flow: MailOauthFlow = {
    mailboxId: options.mailboxId,
    provider: app.provider,
    state: oidc.randomState(),
    verifier: oidc.randomPKCECodeVerifier(),
    expiresAt: options.now + MAIL_OAUTH_FLOW_TTL_MS,
  };
  const url = oidc.buildAuthorizationUrl(clientOf(app), {
    redirect_uri: options.redirectUri,
    scope: app.scope,
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
    state: flow.state,
    ...app.extraParams,
  });
  return { url: url.href, sealed: encryptCredential(options.serverSecret, JSON.stringify(flow)) };
}

/** The flow a cookie carries, or null when missing, tampered with or expired. */
export function openMailOauthFlow(
  sealed: string | undefined,
  serverSecret: string,
  now: number,
): MailOauthFlow | null {
  if (!sealed || sealed.length > 2000) return null;
  try {
    const flow = JSON.parse(decryptCredential(serverSecret, sealed)) as MailOauthFlow;
    return flow.expiresAt > now ? flow : null;
  } catch {
    return null;
  }
}

function tokensOf(response: oidc.TokenEndpointResponse, now: number, previous?: MailOauthTokens) {
  // Microsoft rotates refresh tokens, Google keeps the first: keep the old one when none comes back.
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  if (!refreshToken)
    throw new AppError(
      "INVALID",
      "The provider gave no refresh token: the app must be allowed offline access (consent again).",
    );
  return {
    accessToken: response.access_token,
    refreshToken,
    expiresAt: now + (response.expires_in ?? 3600) * 1000,
  };
}

/** Exchanges the callback's code (checking state and PKCE) for the mailbox's tokens. */
export async function finishMailOauth(
  app: MailOauthApp,
  flow: MailOauthFlow,
  callbackUrl: URL,
  now: number,
): Promise<MailOauthTokens> {
  const response = await oidc.authorizationCodeGrant(clientOf(app), callbackUrl, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
  });
  return tokensOf(response, now);
}

export const sealTokens = (secret: string, tokens: MailOauthTokens) =>
  encryptCredential(secret, JSON.stringify(tokens));

const openTokens = (secret: string, sealed: string) =>
  JSON.parse(decryptCredential(secret, sealed)) as MailOauthTokens;

/** Whether the provider refused the grant itself (revoked, expired, password changed), not the network. */
function grantRefused(error: unknown): string | null {
  if (
    error instanceof oidc.ResponseBodyError &&
    ["invalid_grant", "unauthorized_client"].includes(error.error)
  )
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ""}`;
  return null;
}

export interface MailTokenDeps {
  db: Db;
  secret: string;
  apps: MailOauthApps;
  now: () => number;
  /** Told once when a grant stops working (admins are mailed). */
  onGrantRefused?: (mailboxId: string, reason: string) => Promise<void>;
}

/** One refresh per mailbox at a time in this process: the ingester and the sender share it. */
const refreshing = new Map<string, Promise<string>>();

/**
 * A current access token for the mailbox, refreshed when it expires within five minutes. Another
 * process may refresh at the same moment: the write only replaces the tokens it read, and a refusal
 * is believed only if no other process stored newer tokens meanwhile.
 */
export function mailAccessToken(deps: MailTokenDeps, mailboxId: string): Promise<string> {
  const running = refreshing.get(mailboxId);
  if (running) return running;
  const work = currentToken(deps, mailboxId).finally(() => refreshing.delete(mailboxId));
  refreshing.set(mailboxId, work);
  return work;
}

async function currentToken(deps: MailTokenDeps, mailboxId: string): Promise<string> {
  const [row] = await deps.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId));
  if (!row?.oauthProvider) throw new AppError("CONFLICT", "This mailbox does not sign in with OAuth.");
  if (!row.oauthTokensEncrypted || row.oauthError)
    throw new AppError(
      "AUTH",
      row.oauthError
        ? `Mailbox '${row.name}' cannot sign in (${row.oauthError}); an admin must reconnect it.`
        : `Mailbox '${row.name}' is not connected yet: an admin must sign in with ${row.oauthProvider === "google" ? "Google" : "Microsoft 365"}.`,
    );
  const sealed = row.oauthTokensEncrypted;
  const tokens = openTokens(deps.secret, sealed);
  const now = deps.now();
  if (tokens.expiresAt - now > REFRESH_BEFORE_MS) return tokens.accessToken;
  const app = mailOauthApp(deps.apps, row.oauthProvider);
  let fresh: MailOauthTokens;
  try {
    fresh = tokensOf(await oidc.refreshTokenGrant(clientOf(app), tokens.refreshToken), now, tokens);
  } catch (error) {
    const refused = grantRefused(error);
    if (!refused)
      throw new AppError("TEMPORARY", `Refreshing the mailbox's sign-in failed: ${String(error)}`);
    const [marked] = await deps.db
      .update(mailboxes)
      .set({
        oauthError: refused,
        lastError: `Sign-in refused by the provider (${refused})`,
        updatedAt: new Date(now),
      })
      .where(and(eq(mailboxes.id, mailboxId), eq(mailboxes.oauthTokensEncrypted, sealed)))
      .returning({ id: mailboxes.id });
    // Another process refreshed with the same refresh token first: its tokens are good.
    if (!marked) return currentToken(deps, mailboxId);
    await deps.onGrantRefused?.(mailboxId, refused);
    throw new AppError(
      "AUTH",
      `Mailbox '${row.name}' cannot sign in (${refused}); an admin must reconnect it.`,
    );
  }
  await deps.db
    .update(mailboxes)
    .set({ oauthTokensEncrypted: sealTokens(deps.secret, fresh), updatedAt: new Date(now) })
    .where(and(eq(mailboxes.id, mailboxId), eq(mailboxes.oauthTokensEncrypted, sealed)));
  return fresh.accessToken;
}

/** Stores a connection's tokens: the mailbox signs in with them from now on, any old refusal cleared. */
export async function storeMailOauthGrant(
  db: Db,
  secret: string,
  flow: MailOauthFlow,
  tokens: MailOauthTokens,
  at: Date,
): Promise<void> {
  const [row] = await db
    .update(mailboxes)
    .set({
      oauthProvider: flow.provider,
      oauthTokensEncrypted: sealTokens(secret, tokens),
      oauthError: null,
      oauthConnectedAt: at,
      lastError: null,
      updatedAt: at,
    })
    .where(eq(mailboxes.id, flow.mailboxId))
    .returning({ id: mailboxes.id });
  if (!row) throw new AppError("NOT_FOUND", "The mailbox being connected was deleted meanwhile.");
}

/** The mailbox's servers with what they sign in with: the URL's password, or a current access token. */
export async function signedInConnection(
  row: MailboxRow,
  secrets: { secret: string; env?: EnvEmailSettings },
  tokens: MailTokenDeps | undefined,
): Promise<MailboxConnection> {
  const connection = mailboxConnection(row, secrets);
  if (!row.oauthProvider) return connection;
  if (!tokens)
    throw new AppError("AUTH", `Mailbox '${row.name}' signs in with OAuth, which is not set up here.`);
  const accessToken = await mailAccessToken(tokens, row.id);
  return { imap: { ...connection.imap, accessToken }, smtp: { ...connection.smtp, accessToken } };
}
