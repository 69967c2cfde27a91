/**
 * One-time links that let a person choose their password: an invitation (7 days) or a reset asked
 * for by mail (1 hour). A newer link of the same purpose replaces the older one; using one spends
 * it and every other pending link of that person.
 */
import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { AppError } from "../../cases/errors.ts";
import { hashLinkToken, LINK_TOKEN_PATTERN, linkToken } from "../../cases/link-tokens.ts";
import type { Executor } from "../../db/connect.ts";
import { agents, type PasswordTokenPurpose, passwordTokens } from "../../db/schema/agents.ts";
import type { AgentRow } from "./accounts.ts";

export const INVITE_TTL_MS = 7 * 24 * 3600_000;
export const RESET_TTL_MS = 3600_000;

const TTL_MS: Record<PasswordTokenPurpose, number> = { invite: INVITE_TTL_MS, reset: RESET_TTL_MS };

/**
 * The password hash of an account whose person has not chosen a password yet. Argon2 cannot read
 * it, so no password ever matches it (verifyPassword answers false) and sign-in is refused.
 */
export const PASSWORD_NOT_SET = "!not-set";

export const hasPassword = (agent: Pick<AgentRow, "passwordHash">) => agent.passwordHash !== PASSWORD_NOT_SET;

export type PasswordTokenRow = typeof passwordTokens.$inferSelect;

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: Date;
}

/** Creates a link for `agentId`, replacing any pending one of the same purpose. */
export async function issuePasswordToken(
  executor: Executor,
  secret: string,
  input: { agentId: string; purpose: PasswordTokenPurpose; createdBy: string | null; now: Date },
): Promise<IssuedToken> {
  await executor
    .delete(passwordTokens)
    .where(
      and(
        eq(passwordTokens.agentId, input.agentId),
        eq(passwordTokens.purpose, input.purpose),
        isNull(passwordTokens.usedAt),
      ),
    );
  const id = randomUUID();
  const token = linkToken(secret, "password", id);
  const expiresAt = new Date(input.now.getTime() + TTL_MS[input.purpose]);
  await executor.insert(passwordTokens).values({
    id,
    agentId: input.agentId,
    purpose: input.purpose,
    tokenHash: hashLinkToken(token),
    createdBy: input.createdBy,
    createdAt: input.now,
    expiresAt,
  });
  return { id, token, expiresAt };
}

const ASK_AGAIN = {
  invite: "ask an administrator to send a new invitation",
  reset: "ask for a new one with “Forgot password?” on the sign-in page",
} as const;

/** The link's row and its person, while the link can still be used; a 4xx saying what to do otherwise. */
export async function livePasswordToken(
  executor: Executor,
  token: string,
  now: Date,
): Promise<{ row: PasswordTokenRow; agent: AgentRow }> {
  const [found] = LINK_TOKEN_PATTERN.test(token)
    ? await executor
        .select({ row: passwordTokens, agent: agents })
        .from(passwordTokens)
        .innerJoin(agents, eq(agents.id, passwordTokens.agentId))
        .where(eq(passwordTokens.tokenHash, hashLinkToken(token)))
    : [];
  if (!found)
    throw new AppError(
      "NOT_FOUND",
      "This link is not valid: it may have been replaced by a newer one. Ask for a new link.",
    );
  const ask = ASK_AGAIN[found.row.purpose];
  if (found.row.usedAt) throw new AppError("CONFLICT", `This link was already used; ${ask}.`);
  if (found.row.expiresAt <= now) throw new AppError("CONFLICT", `This link has expired; ${ask}.`);
  if (found.agent.deactivatedAt)
    throw new AppError("FORBIDDEN", "This account is deactivated; ask an administrator.");
  return found;
}

/** Spends the link and every other pending link of its person. */
export async function spendPasswordTokens(executor: Executor, row: PasswordTokenRow, now: Date) {
  await executor.update(passwordTokens).set({ usedAt: now }).where(eq(passwordTokens.id, row.id));
  await executor
    .delete(passwordTokens)
    .where(and(eq(passwordTokens.agentId, row.agentId), isNull(passwordTokens.usedAt)));
}

/** What the mail job needs: the link's person and its token, or null when it was used, replaced or expired. */
export async function passwordTokenToMail(
  executor: Executor,
  secret: string,
  id: string,
  now: Date,
): Promise<{ row: PasswordTokenRow; agent: AgentRow; token: string } | null> {
  const [found] = await executor
    .select({ row: passwordTokens, agent: agents })
    .from(passwordTokens)
    .innerJoin(agents, eq(agents.id, passwordTokens.agentId))
    .where(eq(passwordTokens.id, id));
  if (!found || found.row.usedAt || found.row.expiresAt <= now || found.agent.deactivatedAt) return null;
  return { ...found, token: linkToken(secret, "password", id) };
}

export const passwordLink = (publicUrl: string, token: string) =>
  `${publicUrl}/set-password?token=${encodeURIComponent(token)}`;
