/**
 * Where single sign-on is configured: the OIDC_* environment variables, which win and are shown
 * read-only, or else the admin's settings, kept in the `settings` table under one key with the
 * client secret sealed with the server secret (as TOTP secrets are). Nothing here ever hands the
 * secret back to a caller but the sign-in itself.
 */
import { eq } from "drizzle-orm";
import { AppError } from "../../../cases/errors.ts";
import { decryptCredential, encryptCredential } from "../../../channels/credentials.ts";
import type { Db } from "../../../db/connect.ts";
import { settings } from "../../../db/schema/agents.ts";
import type { OidcConfig } from "../../config.ts";
import { normaliseIssuer, type RoleMap } from "./oidc-rules.ts";

const KEY = "sso.oidc";
export const DEFAULT_BUTTON_LABEL = "Sign in with single sign-on";

interface StoredSettings {
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientSecretSealed: string;
  roleClaim: string | null;
  roleMap: RoleMap;
  createUsers: boolean;
  buttonLabel: string;
}

/** What an admin sends: the secret may be left out to keep the one stored. */
export interface SsoSettingsInput {
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  roleClaim: string | null;
  roleMap: RoleMap;
  createUsers: boolean;
  buttonLabel: string;
}

/** What an admin sees: never the secret, only whether one is set. */
export interface SsoSettingsView extends Omit<SsoSettingsInput, "clientSecret"> {
  source: "environment" | "settings" | "none";
  clientSecretSet: boolean;
  /** The redirect URI to register at the provider. */
  callbackUrl: string;
}

async function readStored(db: Db): Promise<StoredSettings | null> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  return row ? (JSON.parse(row.value) as StoredSettings) : null;
}

/** The configuration sign-in uses now, or null when single sign-on is off. */
export async function activeOidcConfig(
  db: Db,
  serverSecret: string,
  env: OidcConfig | undefined,
): Promise<OidcConfig | null> {
  if (env) return env;
  const stored = await readStored(db);
  if (!stored?.enabled) return null;
  const { clientSecretSealed, enabled: _, ...rest } = stored;
  return { ...rest, clientSecret: decryptCredential(serverSecret, clientSecretSealed) };
}

export async function ssoSettingsView(
  db: Db,
  env: OidcConfig | undefined,
  callbackUrl: string,
): Promise<SsoSettingsView> {
  if (env) {
    const { clientSecret: _, ...shown } = env;
    return { source: "environment", enabled: true, ...shown, clientSecretSet: true, callbackUrl };
  }
  const stored = await readStored(db);
  if (!stored)
    return {
      source: "none",
      enabled: false,
      issuer: "",
      clientId: "",
      roleClaim: null,
      roleMap: {},
      createUsers: false,
      buttonLabel: DEFAULT_BUTTON_LABEL,
      clientSecretSet: false,
      callbackUrl,
    };
  const { clientSecretSealed: _, ...shown } = stored;
  return { source: "settings", ...shown, clientSecretSet: true, callbackUrl };
}

/** Names of the settings that differ; the secret counts as changed whenever a new one is sent. */
function changedFields(before: StoredSettings | null, after: StoredSettings, secretSent: boolean): string[] {
  const fields = [
    "enabled",
    "issuer",
    "clientId",
    "roleClaim",
    "roleMap",
    "createUsers",
    "buttonLabel",
  ] as const;
  const changed: string[] = fields.filter(
    (field) => JSON.stringify(before?.[field]) !== JSON.stringify(after[field]),
  );
  if (secretSent) changed.push("clientSecret");
  return changed;
}

/**
 * Saves the admin's settings; refused while the environment configures single sign-on (it would
 * be ignored) and when there is no client secret to keep. Returns the names of what changed.
 */
export async function saveSsoSettings(
  db: Db,
  serverSecret: string,
  env: OidcConfig | undefined,
  input: SsoSettingsInput,
): Promise<string[]> {
  if (env)
    throw new AppError(
      "CONFLICT",
      "Single sign-on is configured by the OIDC_* environment variables; change them there and restart.",
    );
  const before = await readStored(db);
  const secret = input.clientSecret?.trim();
  if (!secret && !before)
    throw new AppError("VALIDATION", "Enter the client secret the provider issued.", {
      field: "clientSecret",
    });
  const after: StoredSettings = {
    enabled: input.enabled,
    issuer: normaliseIssuer(input.issuer),
    clientId: input.clientId.trim(),
    clientSecretSealed: secret ? encryptCredential(serverSecret, secret) : before!.clientSecretSealed,
    roleClaim: input.roleClaim?.trim() || null,
    roleMap: input.roleMap,
    createUsers: input.createUsers,
    buttonLabel: input.buttonLabel.trim() || DEFAULT_BUTTON_LABEL,
  };
  const value = JSON.stringify(after);
  await db
    .insert(settings)
    .values({ key: KEY, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
  return changedFields(before, after, Boolean(secret));
}
