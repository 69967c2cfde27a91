/**
 * Single sign-on as the routes use it: whether it is on (for the sign-in page), the admin's
 * settings, starting a flow and completing it into a session exactly like a password sign-in's.
 * Everything a completed or refused sign-in changes goes to the security log.
 */
import { AppError } from "../../../cases/errors.ts";
import type { Db } from "../../../db/connect.ts";
import type { Config } from "../../config.ts";
import type { SignedIn } from "../auth-service.ts";
import { recordSecurityEvent } from "../security-log.ts";
import { createSession } from "../sessions.ts";
import { beginFlow, finishFlow, openFlow } from "./oidc-flow.ts";
import { accountForClaims, type SsoAccount, SsoRefused } from "./sso-accounts.ts";
import {
  activeOidcConfig,
  type SsoSettingsInput,
  type SsoSettingsView,
  saveSsoSettings,
  ssoSettingsView,
} from "./sso-settings.ts";

export const CALLBACK_PATH = "/api/auth/oidc/callback";

export interface SsoService {
  publicInfo(): Promise<{ enabled: boolean; label: string | null }>;
  settings(): Promise<SsoSettingsView>;
  saveSettings(input: SsoSettingsInput, who: { actorId: string; ip: string }): Promise<SsoSettingsView>;
  /** The provider's URL to redirect to and the sealed flow for the cookie; SsoRefused when off or down. */
  begin(): Promise<{ url: string; sealed: string }>;
  /**
   * Completes the flow the cookie carries: VALIDATION (and nothing written) when the cookie or the
   * state does not match, SsoRefused when the provider or our accounts refuse, else a session.
   */
  complete(input: {
    sealed: string | undefined;
    query: { state?: string; error?: string };
    callbackUrl: URL;
    ip: string;
  }): Promise<SignedIn>;
}

const staleFlow = () =>
  new AppError(
    "VALIDATION",
    "This sign-in did not start here or has expired: go back to the sign-in page and start again.",
  );

type SsoDeps = {
  db: Db;
  clock: () => Date;
  secret: string;
  config: Pick<Config, "oidc" | "publicUrl" | "sessionTtlMs">;
};

/** The security log's account of a completed sign-in: creation, a role from the claim, the sign-in. */
async function logSignIn(db: Db, account: SsoAccount, ip: string) {
  const base = { agentId: account.agent.id, email: account.agent.email, ip };
  if (account.created)
    await recordSecurityEvent(db, {
      ...base,
      kind: "agent_created",
      details: { method: "oidc", role: account.agent.role },
    });
  if (account.roleChange)
    await recordSecurityEvent(db, {
      ...base,
      kind: "role_changed",
      details: { ...account.roleChange, method: "oidc" },
    });
  await recordSecurityEvent(db, {
    ...base,
    kind: "sign_in",
    details: { method: "oidc", ...(account.linked ? { linked: true } : {}) },
  });
}

async function exchange(deps: SsoDeps, input: Parameters<SsoService["complete"]>[0]) {
  const now = deps.clock();
  const settings = await activeOidcConfig(deps.db, deps.secret, deps.config.oidc);
  if (!settings) throw staleFlow();
  const flow = openFlow(input.sealed, { serverSecret: deps.secret, settings, now: now.getTime() });
  if (!flow || input.query.state !== flow.state) throw staleFlow();
  if (input.query.error) throw new SsoRefused("provider_refused", null);
  try {
    const claims = await finishFlow(settings, flow, { callbackUrl: input.callbackUrl, now: now.getTime() });
    return { settings, claims, now };
  } catch (error) {
    throw new SsoRefused(isNetworkError(error) ? "unavailable" : "failed", null, { cause: error });
  }
}

const isNetworkError = (error: unknown) =>
  error instanceof TypeError || (error instanceof Error && error.name === "TimeoutError");

export function createSsoService(deps: SsoDeps): SsoService {
  const { db, secret, config } = deps;
  const callbackUrl = `${config.publicUrl}${CALLBACK_PATH}`;
  const active = () => activeOidcConfig(db, secret, config.oidc);

  return {
    async publicInfo() {
      const settings = await active();
      return { enabled: settings !== null, label: settings?.buttonLabel ?? null };
    },
    settings: () => ssoSettingsView(db, config.oidc, callbackUrl),
    async saveSettings(input, who) {
      const changed = await saveSsoSettings(db, secret, config.oidc, input);
      if (changed.length)
        await recordSecurityEvent(db, {
          kind: "sso_settings_changed",
          actorId: who.actorId,
          ip: who.ip,
          details: { changed, enabled: input.enabled },
        });
      return ssoSettingsView(db, config.oidc, callbackUrl);
    },
    async begin() {
      const settings = await active();
      if (!settings) throw new SsoRefused("not_configured", null);
      try {
        return await beginFlow(settings, {
          redirectUri: callbackUrl,
          serverSecret: secret,
          now: deps.clock().getTime(),
        });
      } catch (error) {
        throw new SsoRefused("unavailable", null, { cause: error });
      }
    },
    async complete(input) {
      try {
        const { settings, claims, now } = await exchange(deps, input);
        const account = await accountForClaims(db, settings, claims, now);
        await logSignIn(db, account, input.ip);
        return {
          ...(await createSession(db, account.agent.id, config.sessionTtlMs, now)),
          agent: account.agent,
        };
      } catch (error) {
        if (error instanceof SsoRefused)
          await recordSecurityEvent(db, {
            kind: "sign_in_failed",
            email: error.email,
            ip: input.ip,
            details: { method: "oidc", reason: error.reason },
          });
        throw error;
      }
    },
  };
}
