/**
 * Webhook endpoints: an admin's HTTPS URL, the events it receives and its signing secret. The
 * secret (`whsec_` + base64 of 32 random bytes, the Standard Webhooks form) is sealed with the
 * server secret, shown once at creation and at rotation, and never again.
 */
import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { AppError, notFound } from "../../cases/errors.ts";
import { decryptCredential, encryptCredential } from "../../channels/credentials.ts";
import type { Executor } from "../../db/connect.ts";
import { webhookEndpoints } from "../../db/schema/integrations.ts";
import { resolveWebhookTarget } from "./address-guard.ts";
import type { WebhookDeps, WebhookSettings } from "./ports.ts";

type EndpointRow = typeof webhookEndpoints.$inferSelect;

export interface EndpointInput {
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
}

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** An endpoint as admins see it: everything but the secret. */
export function endpointView(row: EndpointRow) {
  const { secretEncrypted: _secret, ...rest } = row;
  return rest;
}
export type WebhookEndpoint = ReturnType<typeof endpointView>;

export function signingSecretOf(settings: Pick<WebhookSettings, "serverSecret">, row: EndpointRow): string {
  return decryptCredential(settings.serverSecret, row.secretEncrypted);
}

/** Checks the URL now (scheme and where its host resolves); delivery checks it again each time. */
async function checkedUrl(settings: WebhookSettings, url: string): Promise<string> {
  const target = await resolveWebhookTarget(url, settings);
  return target.url.toString();
}

export async function listEndpoints(db: Executor): Promise<WebhookEndpoint[]> {
  const rows = await db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
  return rows.map(endpointView);
}

export async function getEndpointRow(db: Executor, id: string): Promise<EndpointRow> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw notFound("Webhook endpoint", id);
  return row;
}

export async function createEndpoint(
  deps: Pick<WebhookDeps, "db" | "clock" | "settings">,
  input: EndpointInput,
  createdBy: string | null,
): Promise<WebhookEndpoint & { secret: string }> {
  const url = await checkedUrl(deps.settings, input.url);
  const secret = newSigningSecret();
  const at = deps.clock();
  const [row] = await deps.db
    .insert(webhookEndpoints)
    .values({
      name: input.name,
      url,
      events: [...new Set(input.events)],
      enabled: input.enabled,
      secretEncrypted: encryptCredential(deps.settings.serverSecret, secret),
      createdBy,
      createdAt: at,
      updatedAt: at,
      disabledAt: input.enabled ? null : at,
    })
    .returning();
  return { ...endpointView(row!), secret };
}

export async function updateEndpoint(
  deps: Pick<WebhookDeps, "db" | "clock" | "settings">,
  id: string,
  input: EndpointInput,
): Promise<WebhookEndpoint> {
  const before = await getEndpointRow(deps.db, id);
  const url = input.url === before.url ? before.url : await checkedUrl(deps.settings, input.url);
  const at = deps.clock();
  const reEnabled = input.enabled && !before.enabled;
  const [row] = await deps.db
    .update(webhookEndpoints)
    .set({
      name: input.name,
      url,
      events: [...new Set(input.events)],
      enabled: input.enabled,
      updatedAt: at,
      // Enabling again starts a fresh 24 hours; disabling by hand says so.
      ...(reEnabled ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
      ...(!input.enabled && before.enabled
        ? { disabledAt: at, disabledReason: "Disabled by an admin." }
        : {}),
    })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return endpointView(row!);
}

export async function deleteEndpoint(db: Executor, id: string): Promise<void> {
  const gone = await db
    .delete(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id))
    .returning({ id: webhookEndpoints.id });
  if (!gone.length) throw notFound("Webhook endpoint", id);
}

export async function rotateSecret(
  deps: Pick<WebhookDeps, "db" | "clock" | "settings">,
  id: string,
): Promise<WebhookEndpoint & { secret: string }> {
  const secret = newSigningSecret();
  const [row] = await deps.db
    .update(webhookEndpoints)
    .set({ secretEncrypted: encryptCredential(deps.settings.serverSecret, secret), updatedAt: deps.clock() })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  if (!row) throw notFound("Webhook endpoint", id);
  return { ...endpointView(row), secret };
}

/** Refuses event names no endpoint can receive, naming them. */
export function assertKnownEvents(events: readonly string[], known: readonly string[]): void {
  const unknown = events.filter((event) => !known.includes(event));
  if (unknown.length)
    throw new AppError(
      "VALIDATION",
      `Unknown webhook events: ${unknown.join(", ")}. Known: ${known.join(", ")}.`,
      {
        field: "events",
      },
    );
}
