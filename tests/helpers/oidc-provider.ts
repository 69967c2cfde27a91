/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 and a random port, for single
 * sign-on tests: one confidential client for the app's callback, test people whose claims (email,
 * email_verified, name, groups, switchboard_role) a test can change between sign-ins, and a
 * minimal sign-in page of its own: a form with the person's login that signs them in at once.
 * Consent is granted without asking, as for a first-party client.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type GrantContext } from "oidc-provider";

export interface ProviderPerson {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
  switchboard_role?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** People by login (also their subject); add or change them at any time. */
  people: Map<string, ProviderPerson>;
  /** The grant type of every token the provider issued, in order (`authorization_code`, `refresh_token`). */
  grants: string[];
  /** What the provider says of a token (RFC 7662), asked as the introspecting client. */
  introspect(token: string): Promise<{ active: boolean; sub?: string }>;
  /** Revokes a refresh token and with it the whole grant, as an admin or the user would at the provider. */
  revoke(refreshToken: string): Promise<void>;
  close(): Promise<void>;
}

const SCOPE = "openid email profile";

/** What a test may add: more clients, scopes and features (introspection, refresh tokens, TTLs). */
export interface ProviderOptions {
  redirectUris: string[];
  /** Scopes granted besides the OpenID ones (e.g. a mailbox's `offline_access` and mail scope). */
  extraScopes?: string[];
  /** A second confidential client that only introspects tokens (a mail server checking XOAUTH2). */
  introspector?: { clientId: string; clientSecret: string };
  /** Access token lifetime in seconds (default one hour). */
  accessTokenTtl?: number;
}

function signInPage(uid: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post" action="/interaction/${encodeURIComponent(uid)}">
<label>Login <input name="login" autofocus required></label>
<button type="submit">Continue</button></form></main></body></html>`;
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of request) body += chunk;
  return new URLSearchParams(body);
}

/** The sign-in page: shows the form, and signs the person in when it is posted. */
async function interaction(provider: Provider, request: IncomingMessage, response: ServerResponse) {
  const details = await provider.interactionDetails(request, response);
  // `prompt=consent` (asked for by clients that want a refresh token): granted without a page.
  const accountId = (details as { session?: { accountId?: string } }).session?.accountId;
  if (details.prompt.name === "consent" && accountId) {
    const grant = new provider.Grant({
      accountId,
      clientId: String(details.params.client_id),
    });
    grant.addOIDCScope(String(details.params.scope ?? ""));
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    return;
  }
  if (request.method === "POST") {
    const login = (await formOf(request)).get("login") ?? "";
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: login } },
      {
        mergeWithLastSubmission: false,
      },
    );
    return;
  }
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  response.end(signInPage(details.uid));
}

/** Consent without a page: every sign-in of the test client is granted the scopes it asks for. */
async function loadExistingGrant(ctx: GrantContext, extraScopes: string[]) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
  if (grantId) return oidc.provider.Grant.find(grantId);
  const grant = new oidc.provider.Grant({
    accountId: oidc.session.accountId,
    clientId: oidc.client.clientId,
  });
  grant.addOIDCScope([SCOPE, ...extraScopes].join(" "));
  await grant.save();
  return grant;
}

export async function startOidcProvider(options: ProviderOptions): Promise<TestOidcProvider> {
  const people = new Map<string, ProviderPerson>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "switchboard";
  const clientSecret = "test-client-secret-0123456789abcdef";
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        token_endpoint_auth_method: "client_secret_post",
        grant_types: ["authorization_code", "refresh_token"],
      },
      ...(options.introspector
        ? [
            {
              client_id: options.introspector.clientId,
              client_secret: options.introspector.clientSecret,
              redirect_uris: [],
              response_types: [],
              grant_types: [],
              token_endpoint_auth_method: "client_secret_basic",
            },
          ]
        : []),
    ],
    scopes: ["openid", "offline_access", "email", "profile", ...(options.extraScopes ?? [])],
    ttl: {
      AccessToken: options.accessTokenTtl ?? 3600,
      RefreshToken: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      Session: 24 * 3600,
      Interaction: 3600,
      IdToken: 3600,
    },
    jwks: { keys: [{ ...key, kid: "test-key", use: "sig", alg: "RS256" }] },
    cookies: { keys: ["test-provider-cookie-key"] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "groups", "switchboard_role"],
    },
    features: {
      devInteractions: { enabled: false },
      // Only the mail server's own client may ask about tokens.
      introspection: {
        enabled: options.introspector !== undefined,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }) =>
          client.clientId === options.introspector?.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) =>
          token.clientId === client.clientId,
      },
    },
    interactions: { url: (_ctx: unknown, found: { uid: string }) => `/interaction/${found.uid}` },
    loadExistingGrant: (ctx: GrantContext) => loadExistingGrant(ctx, options.extraScopes ?? []),
    async findAccount(_ctx: unknown, login: string) {
      const person = people.get(login);
      if (!person) return undefined;
      return { accountId: login, claims: async () => ({ sub: login, ...people.get(login) }) };
    },
  });
  const grants: string[] = [];
  // oidc-provider is an EventEmitter (its typings leave `on` out).
  (provider as unknown as NodeJS.EventEmitter).on(
    "grant.success",
    (ctx: { oidc: { params?: { grant_type?: unknown } } }) => {
      grants.push(String(ctx.oidc.params?.grant_type));
    },
  );
  const handle = provider.callback();
  server.on("request", (request, response) => {
    if (!request.url?.startsWith("/interaction/")) return handle(request, response);
    interaction(provider, request, response).catch((error: unknown) => {
      response.writeHead(400, { "content-type": "text/plain" });
      response.end(String(error));
    });
  });
  return {
    issuer,
    clientId,
    clientSecret,
    people,
    grants,
    async introspect(token) {
      const { clientId: id, clientSecret: secret } = options.introspector ?? { clientId, clientSecret };
      const response = await fetch(`${issuer}/token/introspection`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ token }).toString(),
      });
      return (await response.json()) as { active: boolean; sub?: string };
    },
    async revoke(refreshToken) {
      const response = await fetch(`${issuer}/token/revocation`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          token: refreshToken,
          token_type_hint: "refresh_token",
          client_id: clientId,
          client_secret: clientSecret,
        }).toString(),
      });
      if (!response.ok) throw new Error(`revocation answered ${response.status}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
