/**
 * Invitations and password resets: an admin invites a person (an account without a password and a
 * 7-day link), anyone may ask for a reset link for an address (1 hour), and following either link
 * sets the password, spends the link, ends the person's other sessions and signs them in.
 *
 * Links are mailed by the system-mail job when a mailbox can send; otherwise an invitation's link is
 * shown once to the admin, and a reset is logged as not sent. The answer to a reset request never
 * says whether the address has an account.
 */
import { eq } from "drizzle-orm";
import { AppError, notFound } from "../../cases/errors.ts";
import { systemMailJob } from "../../channels/email/system-mail.ts";
import { type AgentRole, agents } from "../../db/schema/agents.ts";
import type { Services } from "../services.ts";
import { type AgentRow, findAgent } from "./accounts.ts";
import type { LoginResult } from "./auth-service.ts";
import { assertPasswordPolicy } from "./password-policy.ts";
import {
  hasPassword,
  issuePasswordToken,
  livePasswordToken,
  PASSWORD_NOT_SET,
  passwordLink,
  spendPasswordTokens,
} from "./password-tokens.ts";
import { hashPassword } from "./passwords.ts";
import { recordSecurityEvent } from "./security-log.ts";
import { revokeAgentSessions } from "./sessions.ts";

export type PasswordLinkServices = Pick<
  Services,
  "auth" | "clock" | "config" | "db" | "jobs" | "logger" | "secret" | "systemMail"
>;

export interface Invitation {
  expiresAt: Date;
  mailed: boolean;
  /** Only when it could not be mailed: shown to the admin once, stored nowhere. */
  link?: string;
}

interface Actor {
  actorId: string;
  ip: string;
}

/** Issues an invitation link for an account without a password, and mails it when a mailbox can. */
async function sendInvitation(services: PasswordLinkServices, agent: AgentRow, by: Actor) {
  const canMail = (await services.systemMail.mailbox()) !== null;
  const issued = await issuePasswordToken(services.db, services.secret, {
    agentId: agent.id,
    purpose: "invite",
    createdBy: by.actorId,
    now: services.clock(),
  });
  if (canMail) {
    const job = systemMailJob("invitation", issued.id);
    await services.jobs.enqueue(job.name, job.data, job.options);
  }
  await recordSecurityEvent(services.db, {
    kind: "invitation_created",
    actorId: by.actorId,
    agentId: agent.id,
    ip: by.ip,
    details: { role: agent.role, mailed: canMail },
  });
  const invitation: Invitation = { expiresAt: issued.expiresAt, mailed: canMail };
  if (!canMail) invitation.link = passwordLink(services.config.publicUrl, issued.token);
  return invitation;
}

/** Creates an account that cannot sign in until its person follows the invitation. */
export async function inviteAgent(
  services: PasswordLinkServices,
  input: { email: string; name: string; role: AgentRole } & Actor,
): Promise<{ agent: AgentRow; invitation: Invitation }> {
  const email = input.email.trim().toLowerCase();
  const [agent] = await services.db
    .insert(agents)
    .values({ email, name: input.name.trim(), role: input.role, passwordHash: PASSWORD_NOT_SET })
    .onConflictDoNothing({ target: agents.email })
    .returning();
  if (!agent)
    throw new AppError("CONFLICT", `An agent with email ${email} already exists.`, { field: "email" });
  return { agent, invitation: await sendInvitation(services, agent, input) };
}

/** A new invitation link for someone who has not set a password yet; the previous link stops working. */
export async function resendInvitation(
  services: PasswordLinkServices,
  input: { agentId: string } & Actor,
): Promise<{ agent: AgentRow; invitation: Invitation }> {
  const agent = await findAgent(services.db, input.agentId);
  if (!agent) throw notFound("Agent", input.agentId);
  if (hasPassword(agent))
    throw new AppError(
      "CONFLICT",
      `${agent.name} has already set a password; they can use “Forgot password?” on the sign-in page.`,
    );
  if (agent.deactivatedAt)
    throw new AppError("CONFLICT", `${agent.name}'s account is deactivated; reactivate it first.`);
  return { agent, invitation: await sendInvitation(services, agent, input) };
}

/** Who a link is for, so the page can greet them; a 4xx saying to ask again when it cannot be used. */
export async function describePasswordToken(services: PasswordLinkServices, token: string) {
  const { row, agent } = await livePasswordToken(services.db, token, services.clock());
  return { name: agent.name, email: agent.email, purpose: row.purpose, expiresAt: row.expiresAt };
}

/**
 * Sets the password a link allows, spends the link, ends every session the person had and signs
 * them in (or answers the second-factor challenge their account needs). A password the policy
 * refuses changes nothing and leaves the link usable.
 */
export async function setPasswordWithLink(
  services: PasswordLinkServices,
  input: { token: string; password: string; ip: string },
): Promise<{ agentId: string; signIn: LoginResult }> {
  const { db } = services;
  const found = await livePasswordToken(db, input.token, services.clock());
  await assertPasswordPolicy(input.password, [found.agent.email, found.agent.name]);
  const passwordHash = await hashPassword(input.password);
  const now = services.clock();
  const { agent, sessionsEnded } = await db.transaction(async (tx) => {
    // Checked again under the row lock: two tabs submitting one link set the password once.
    const live = await livePasswordToken(tx, input.token, now);
    await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, live.agent.id)).for("update");
    await spendPasswordTokens(tx, live.row, now);
    const ended = await revokeAgentSessions(tx, live.agent.id, now);
    const [updated] = await tx
      .update(agents)
      .set({ passwordHash, updatedAt: now })
      .where(eq(agents.id, live.agent.id))
      .returning();
    return { agent: updated!, sessionsEnded: ended };
  });
  await recordSecurityEvent(db, {
    kind: found.row.purpose === "invite" ? "invitation_accepted" : "password_reset",
    agentId: agent.id,
    ip: input.ip,
    details: { sessionsEnded },
  });
  return { agentId: agent.id, signIn: await services.auth.signInProven(agent) };
}

/**
 * Mails a reset link to an active account with this address. Known and unknown addresses do the
 * same reads and write one security event each, and the caller answers both alike.
 */
export async function requestPasswordReset(
  services: PasswordLinkServices,
  input: { email: string; ip: string },
): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const [agent] = await services.db.select().from(agents).where(eq(agents.email, email));
  const canMail = (await services.systemMail.mailbox()) !== null;
  const active = agent && !agent.deactivatedAt ? agent : undefined;
  let sent = false;
  if (active && canMail) {
    const issued = await issuePasswordToken(services.db, services.secret, {
      agentId: active.id,
      purpose: "reset",
      createdBy: null,
      now: services.clock(),
    });
    const job = systemMailJob("password-reset", issued.id);
    await services.jobs.enqueue(job.name, job.data, job.options);
    sent = true;
  } else if (active) {
    services.logger.warn({ agentId: active.id }, "password reset asked for, but no mailbox can send it");
  }
  await recordSecurityEvent(services.db, {
    kind: "password_reset_requested",
    agentId: active?.id ?? null,
    email,
    ip: input.ip,
    details: { mailed: sent },
  });
}
