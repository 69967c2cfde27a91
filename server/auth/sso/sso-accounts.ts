/**
 * Who a provider's claims sign in as: the agent already linked to the (issuer, subject) pair; else
 * the agent with the same email when the provider says it verified it (the identity is then
 * linked); else, with just-in-time creation on, a new agent. Everyone else is refused with a
 * reason the sign-in page puts in words.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db, Executor } from "../../../db/connect.ts";
import { type AgentRole, agents, ssoIdentities } from "../../../db/schema/agents.ts";
import type { OidcConfig } from "../../config.ts";
import type { AgentRow } from "../accounts.ts";
import { hashPassword } from "../passwords.ts";
import type { Claims } from "./oidc-flow.ts";
import { roleFromClaim } from "./oidc-rules.ts";

export const SSO_REFUSALS = [
  "no_account",
  "deactivated",
  "email_unverified",
  "linked_elsewhere",
  "failed",
  "unavailable",
  "provider_refused",
  "not_configured",
] as const;
export type SsoRefusalReason = (typeof SSO_REFUSALS)[number];

/** A sign-in the claims do not earn; `email` is the provider's, for the page and the log. */
export class SsoRefused extends Error {
  constructor(
    readonly reason: SsoRefusalReason,
    readonly email: string | null,
    options?: ErrorOptions,
  ) {
    super(`single sign-on refused: ${reason}`, options);
  }
}

export interface SsoAccount {
  agent: AgentRow;
  created: boolean;
  linked: boolean;
  roleChange: { from: AgentRole; to: AgentRole } | null;
}

const emailOf = (claims: Claims) =>
  typeof claims.email === "string" && claims.email.length <= 320 ? claims.email.trim().toLowerCase() : null;

function displayName(claims: Claims, email: string): string {
  const name = typeof claims.name === "string" ? claims.name.trim() : "";
  return (name || email.split("@")[0] || email).slice(0, 200);
}

async function linkedAgent(db: Executor, issuer: string, subject: string): Promise<AgentRow | undefined> {
  const [row] = await db
    .select({ agent: agents })
    .from(ssoIdentities)
    .innerJoin(agents, eq(agents.id, ssoIdentities.agentId))
    .where(and(eq(ssoIdentities.issuer, issuer), eq(ssoIdentities.subject, subject)));
  return row?.agent;
}

/** Links the identity to the agent with the verified email, unless that agent has another subject here. */
async function linkByEmail(db: Executor, issuer: string, claims: Claims, agent: AgentRow, now: Date) {
  const [other] = await db
    .select({ subject: ssoIdentities.subject })
    .from(ssoIdentities)
    .where(and(eq(ssoIdentities.agentId, agent.id), eq(ssoIdentities.issuer, issuer)));
  // Someone else at the provider now holds this email address: never hand them the account.
  if (other && other.subject !== claims.sub) throw new SsoRefused("linked_elsewhere", agent.email);
  await db
    .insert(ssoIdentities)
    .values({ agentId: agent.id, issuer, subject: claims.sub, createdAt: now })
    .onConflictDoNothing();
}

/** A new agent for just-in-time creation: a password nobody knows, so only single sign-on opens it. */
async function createSsoAgent(db: Executor, settings: OidcConfig, claims: Claims, email: string, now: Date) {
  const role: AgentRole =
    (settings.roleClaim ? roleFromClaim(claims[settings.roleClaim], settings.roleMap) : null) ?? "agent";
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  const [agent] = await db
    .insert(agents)
    .values({ email, name: displayName(claims, email), role, passwordHash, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: agents.email })
    .returning();
  // Created by a sign-in running at the same moment: that one links it; this one starts again.
  if (!agent) throw new SsoRefused("failed", email);
  await db
    .insert(ssoIdentities)
    .values({ agentId: agent.id, issuer: settings.issuer, subject: claims.sub, createdAt: now });
  return agent;
}

/** The agent the claims belong to (linked, matched by verified email, or created). */
async function resolveAgent(db: Executor, settings: OidcConfig, claims: Claims, now: Date) {
  const linked = await linkedAgent(db, settings.issuer, claims.sub);
  if (linked) return { agent: linked, created: false, linked: false };
  const email = emailOf(claims);
  const verified = claims.email_verified === true;
  const [byEmail] = email ? await db.select().from(agents).where(eq(agents.email, email)) : [];
  if (byEmail && !verified) throw new SsoRefused("email_unverified", email);
  if (byEmail) {
    await linkByEmail(db, settings.issuer, claims, byEmail, now);
    return { agent: byEmail, created: false, linked: true };
  }
  if (!settings.createUsers || !email) throw new SsoRefused("no_account", email);
  if (!verified) throw new SsoRefused("email_unverified", email);
  return { agent: await createSsoAgent(db, settings, claims, email, now), created: true, linked: false };
}

/**
 * Resolves the claims to an active agent, applies the role the claim gives (when the claim is
 * there) and notes the sign-in on the identity, in one transaction.
 */
export async function accountForClaims(
  db: Db,
  settings: OidcConfig,
  claims: Claims,
  now: Date,
): Promise<SsoAccount> {
  return db.transaction(async (tx) => {
    const found = await resolveAgent(tx, settings, claims, now);
    if (found.agent.deactivatedAt) throw new SsoRefused("deactivated", found.agent.email);
    const role = settings.roleClaim ? roleFromClaim(claims[settings.roleClaim], settings.roleMap) : null;
    let agent = found.agent;
    let roleChange: SsoAccount["roleChange"] = null;
    if (role && role !== agent.role && !found.created) {
      roleChange = { from: agent.role, to: role };
      const [updated] = await tx
        .update(agents)
        .set({ role, updatedAt: now })
        .where(eq(agents.id, agent.id))
        .returning();
      agent = updated ?? agent;
    }
    await tx
      .update(ssoIdentities)
      .set({ lastSignInAt: now })
      .where(and(eq(ssoIdentities.issuer, settings.issuer), eq(ssoIdentities.subject, claims.sub)));
    return { ...found, agent, roleChange };
  });
}
