/**
 * Login challenges: what a right password earns when a second factor is due. A random token given
 * once (only its sha256 stored, like a session's), good for five minutes, bound to its agent, and
 * spent by the sign-in it completes. It is not a session: nothing but the second-factor routes read it.
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt, isNotNull, isNull, lte, or } from "drizzle-orm";
import { AppError } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { loginChallenges } from "../../db/schema/agents.ts";
import { hashToken } from "./sessions.ts";

export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface LoginChallenge {
  token: string;
  expiresAt: Date;
  enrolRequired: boolean;
}

export async function createLoginChallenge(
  db: Db,
  input: { agentId: string; enrolRequired: boolean; now: Date },
): Promise<LoginChallenge> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(input.now.getTime() + CHALLENGE_TTL_MS);
  // The agent's spent and expired challenges are of no further use: the table keeps only live ones.
  await db
    .delete(loginChallenges)
    .where(
      and(
        eq(loginChallenges.agentId, input.agentId),
        or(isNotNull(loginChallenges.usedAt), lte(loginChallenges.expiresAt, input.now)),
      ),
    );
  await db.insert(loginChallenges).values({
    agentId: input.agentId,
    tokenHash: hashToken(token),
    enrolRequired: input.enrolRequired,
    createdAt: input.now,
    expiresAt,
  });
  return { token, expiresAt, enrolRequired: input.enrolRequired };
}

const spentOrExpired = () =>
  new AppError(
    "UNAUTHENTICATED",
    "This sign-in has expired or was already used: sign in again with your password.",
  );

/** The live challenge behind a token: its agent and whether it is for enrolment. */
export async function liveLoginChallenge(
  db: Db,
  token: string,
  now: Date,
): Promise<{ id: string; agentId: string; enrolRequired: boolean }> {
  const [challenge] = await db
    .select({
      id: loginChallenges.id,
      agentId: loginChallenges.agentId,
      enrolRequired: loginChallenges.enrolRequired,
    })
    .from(loginChallenges)
    .where(
      and(
        eq(loginChallenges.tokenHash, hashToken(token)),
        isNull(loginChallenges.usedAt),
        gt(loginChallenges.expiresAt, now),
      ),
    );
  if (!challenge) throw spentOrExpired();
  return challenge;
}

/** Spends a challenge; of two requests racing with one token, only one gets here. */
export async function spendLoginChallenge(db: Db, challengeId: string, now: Date): Promise<void> {
  const spent = await db
    .update(loginChallenges)
    .set({ usedAt: now })
    .where(and(eq(loginChallenges.id, challengeId), isNull(loginChallenges.usedAt)))
    .returning({ id: loginChallenges.id });
  if (spent.length !== 1) throw spentOrExpired();
}
