/**
 * The OpenID Connect authorization code flow with openid-client: the provider's metadata (read
 * once and kept a while), the redirect to the provider with PKCE (S256), state and nonce, and the
 * code exchanged for the ID token's claims. What the flow must remember between the two requests
 * travels in a sealed, HttpOnly cookie, so any server process can finish a flow another started.
 */
import { createHash } from "node:crypto";
import * as oidc from "openid-client";
import { decryptCredential, encryptCredential } from "../../../channels/credentials.ts";
import type { OidcConfig } from "../../config.ts";

/** The scopes asked for: the subject, the email address with its verification, the name. */
const SCOPES = "openid email profile";
/** Long enough to type a password and a provider's own second factor. */
export const FLOW_TTL_MS = 10 * 60_000;
/** Metadata is read again after this, so a provider's rotated endpoints are picked up. */
const METADATA_TTL_MS = 10 * 60_000;
const TIMEOUT_SECONDS = 10;

/** What the flow remembers from the redirect to the callback. */
export interface FlowState {
  state: string;
  nonce: string;
  verifier: string;
  issuer: string;
  clientId: string;
  expiresAt: number;
}

export type Claims = Record<string, unknown> & { sub: string };

const discovered = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

const cacheKey = (settings: OidcConfig) =>
  createHash("sha256")
    .update(`${settings.issuer}\n${settings.clientId}\n${settings.clientSecret}`)
    .digest("hex");

/** The provider's metadata and our client, discovered once per settings and kept for a while. */
export function providerConfig(settings: OidcConfig, now: number): Promise<oidc.Configuration> {
  const key = cacheKey(settings);
  const cached = discovered.get(key);
  if (cached && now - cached.at < METADATA_TTL_MS) return cached.config;
  // http:// issuers pass the settings' check only on loopback (oidc-rules.ts): a local provider.
  const insecure = new URL(settings.issuer).protocol === "http:";
  const config = oidc.discovery(
    new URL(settings.issuer),
    settings.clientId,
    settings.clientSecret,
    undefined,
    {
      timeout: TIMEOUT_SECONDS,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    },
  );
  // Settings an admin replaced are not kept past their time.
  for (const [other, entry] of discovered) if (now - entry.at >= METADATA_TTL_MS) discovered.delete(other);
  discovered.set(key, { at: now, config });
  // A provider that was down is asked again next time, not remembered as down.
  config.catch(() => discovered.delete(key));
  return config;
}

/** The provider's sign-in page to send the browser to, and the sealed state for the cookie. */
export async function beginFlow(
  settings: OidcConfig,
  options: { redirectUri: string; serverSecret: string; now: number },
): Promise<{ url: string; sealed: string }> {
  const config = await providerConfig(settings, options.now);
  const flow: FlowState = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    issuer: settings.issuer,
    clientId: settings.clientId,
    expiresAt: options.now + FLOW_TTL_MS,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: SCOPES,
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { url: url.href, sealed: encryptCredential(options.serverSecret, JSON.stringify(flow)) };
}

/** The flow a cookie carries, or null when it is missing, tampered with, expired or for other settings. */
export function openFlow(
  sealed: string | undefined,
  options: { serverSecret: string; settings: OidcConfig; now: number },
): FlowState | null {
  if (!sealed || sealed.length > 2000) return null;
  try {
    const flow = JSON.parse(decryptCredential(options.serverSecret, sealed)) as FlowState;
    const current = flow.issuer === options.settings.issuer && flow.clientId === options.settings.clientId;
    return current && flow.expiresAt > options.now ? flow : null;
  } catch {
    return null;
  }
}

/**
 * Exchanges the code (checking state, PKCE and the ID token's nonce, issuer, audience and
 * signature) and returns the person's claims: the ID token's, completed by the userinfo endpoint
 * when the provider has one, as many put email and groups only there.
 */
export async function finishFlow(
  settings: OidcConfig,
  flow: FlowState,
  options: { callbackUrl: URL; now: number },
): Promise<Claims> {
  const config = await providerConfig(settings, options.now);
  const tokens = await oidc.authorizationCodeGrant(config, options.callbackUrl, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error("The provider answered without an ID token.");
  if (!config.serverMetadata().userinfo_endpoint) return idClaims as Claims;
  // fetchUserInfo checks that the answer is about the ID token's subject.
  const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
  return { ...userInfo, ...idClaims } as Claims;
}
