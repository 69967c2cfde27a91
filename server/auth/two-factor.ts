/**
 * Two-factor sign-in's storage: an agent's sealed TOTP secret (sealed like mailbox credentials,
 * with the server secret), its recovery codes, and the roles an admin requires it for.
 */
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { AppError } from "../../cases/errors.ts";
import { decryptCredential, encryptCredential } from "../../channels/credentials.ts";
import type { Db, Executor } from "../../db/connect.ts";
import { AGENT_ROLES, type AgentRole, recoveryCodes, settings, twoFactors } from "../../db/schema/agents.ts";
import {
  asTotpCode,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
  recoveryCodeHash,
  totpStepOf,
} from "./totp.ts";

const REQUIRED_FOR_KEY = "two_factor_required_for";

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
}

export async function twoFactorStatus(db: Db, agentId: string): Promise<TwoFactorStatus> {
  const [row] = await db.select().from(twoFactors).where(eq(twoFactors.agentId, agentId));
  const [left] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.agentId, agentId), isNull(recoveryCodes.usedAt)));
  const enabledAt = row?.secretSealed ? row.enabledAt : null;
  return { enabled: enabledAt !== null, enabledAt, recoveryCodesLeft: Number(left?.n ?? 0) };
}

export async function isTwoFactorEnabled(db: Db, agentId: string): Promise<boolean> {
  const [row] = await db
    .select({ secretSealed: twoFactors.secretSealed })
    .from(twoFactors)
    .where(eq(twoFactors.agentId, agentId));
  return Boolean(row?.secretSealed);
}

/** A new secret waiting for its first code; it replaces any earlier one that never got one. */
export async function startTwoFactorSetup(
  db: Db,
  serverSecret: string,
  agent: { id: string; email: string },
): Promise<{ secret: string; uri: string }> {
  if (await isTwoFactorEnabled(db, agent.id))
    throw new AppError(
      "CONFLICT",
      "Two-factor sign-in is already on. Turn it off first to move it to a new device.",
    );
  const secret = newTotpSecret();
  const pendingSecretSealed = encryptCredential(serverSecret, secret);
  await db
    .insert(twoFactors)
    .values({ agentId: agent.id, pendingSecretSealed })
    .onConflictDoUpdate({ target: twoFactors.agentId, set: { pendingSecretSealed } });
  return { secret, uri: otpauthUri(agent.email, secret) };
}

/** Turns the pending secret on once a code from it proves the app has it; returns new recovery codes. */
export async function enableTwoFactor(
  db: Db,
  serverSecret: string,
  input: { agentId: string; code: string; now: Date },
): Promise<string[]> {
  const [row] = await db.select().from(twoFactors).where(eq(twoFactors.agentId, input.agentId));
  if (row?.secretSealed) throw new AppError("CONFLICT", "Two-factor sign-in is already on.");
  if (!row?.pendingSecretSealed)
    throw new AppError("CONFLICT", "Start with setup: there is no secret waiting to be confirmed.");
  const secret = decryptCredential(serverSecret, row.pendingSecretSealed);
  const code = asTotpCode(input.code);
  const step = code ? await totpStepOf(secret, code, input.now, null) : null;
  if (step === null)
    throw new AppError(
      "VALIDATION",
      "That code does not match. Enter the current 6-digit code from your app.",
      {
        field: "code",
      },
    );
  return db.transaction(async (tx) => {
    const [enabled] = await tx
      .update(twoFactors)
      .set({
        secretSealed: row.pendingSecretSealed,
        pendingSecretSealed: null,
        enabledAt: input.now,
        lastStep: step,
      })
      .where(and(eq(twoFactors.agentId, input.agentId), isNull(twoFactors.secretSealed)))
      .returning({ agentId: twoFactors.agentId });
    if (!enabled) throw new AppError("CONFLICT", "Two-factor sign-in is already on.");
    return replaceRecoveryCodes(tx, serverSecret, input.agentId, input.now);
  });
}

async function replaceRecoveryCodes(db: Executor, serverSecret: string, agentId: string, now: Date) {
  const codes = newRecoveryCodes();
  await db.delete(recoveryCodes).where(eq(recoveryCodes.agentId, agentId));
  await db
    .insert(recoveryCodes)
    .values(
      codes.map((code) => ({ agentId, codeHash: recoveryCodeHash(serverSecret, code), createdAt: now })),
    );
  return codes;
}

export async function regenerateRecoveryCodes(db: Db, serverSecret: string, agentId: string, now: Date) {
  return db.transaction((tx) => replaceRecoveryCodes(tx, serverSecret, agentId, now));
}

export async function removeTwoFactor(db: Db, agentId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.agentId, agentId));
    await tx.delete(twoFactors).where(eq(twoFactors.agentId, agentId));
  });
}

/**
 * Spends a second factor: a TOTP code for a step after the last one used (moved forward in the same
 * statement, so two requests with one code cannot both pass), or an unused recovery code. False when
 * neither matches; throws CONFLICT when the agent has no second factor.
 */
export async function spendSecondFactor(
  db: Db,
  serverSecret: string,
  input: { agentId: string; code: string; now: Date },
): Promise<boolean> {
  const [row] = await db.select().from(twoFactors).where(eq(twoFactors.agentId, input.agentId));
  if (!row?.secretSealed)
    throw new AppError("CONFLICT", "Two-factor sign-in is not set up for this account: set it up first.");
  const totp = asTotpCode(input.code);
  if (totp) {
    const secret = decryptCredential(serverSecret, row.secretSealed);
    const step = await totpStepOf(secret, totp, input.now, row.lastStep);
    if (step === null) return false;
    const moved = await db
      .update(twoFactors)
      .set({ lastStep: step })
      .where(
        and(
          eq(twoFactors.agentId, input.agentId),
          or(isNull(twoFactors.lastStep), lt(twoFactors.lastStep, step)),
        ),
      )
      .returning({ agentId: twoFactors.agentId });
    return moved.length === 1;
  }
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: input.now })
    .where(
      and(
        eq(recoveryCodes.agentId, input.agentId),
        eq(recoveryCodes.codeHash, recoveryCodeHash(serverSecret, input.code)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return used.length === 1;
}

/** The roles that must sign in with a second factor. */
export async function twoFactorRequiredFor(db: Db): Promise<AgentRole[]> {
  const [row] = await db.select().from(settings).where(eq(settings.key, REQUIRED_FOR_KEY));
  if (!row) return [];
  const roles: unknown = JSON.parse(row.value);
  return Array.isArray(roles) ? AGENT_ROLES.filter((role) => roles.includes(role)) : [];
}

export async function setTwoFactorRequiredFor(db: Db, roles: AgentRole[]): Promise<AgentRole[]> {
  const value = JSON.stringify(AGENT_ROLES.filter((role) => roles.includes(role)));
  await db
    .insert(settings)
    .values({ key: REQUIRED_FOR_KEY, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
  return twoFactorRequiredFor(db);
}
