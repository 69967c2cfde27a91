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
  close(): Promise<void>;
}

const SCOPE = "openid email profile";

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
async function loadExistingGrant(ctx: GrantContext) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
  if (grantId) return oidc.provider.Grant.find(grantId);
  const grant = new oidc.provider.Grant({
    accountId: oidc.session.accountId,
    clientId: oidc.client.clientId,
  });
  grant.addOIDCScope(SCOPE);
  await grant.save();
  return grant;
}

export async function startOidcProvider(options: { redirectUris: string[] }): Promise<TestOidcProvider> {
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
      },
    ],
    jwks: { keys: [{ ...key, kid: "test-key", use: "sig", alg: "RS256" }] },
    cookies: { keys: ["test-provider-cookie-key"] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "groups", "switchboard_role"],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, found: { uid: string }) => `/interaction/${found.uid}` },
    loadExistingGrant,
    async findAccount(_ctx: unknown, login: string) {
      const person = people.get(login);
      if (!person) return undefined;
      return { accountId: login, claims: async () => ({ sub: login, ...people.get(login) }) };
    },
  });
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
