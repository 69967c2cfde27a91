/**
 * Slows password guessing: after too many failed sign-ins for one account, or from one address,
 * within a window, further attempts are refused for the rest of the window. Failures are counted in
 * the database so every server process sees the same count, and an attempt is counted before its
 * password is checked: attempts sent all at once queue on the account's and the address's locks,
 * so no more than the limit are ever checked.
 */
import { and, eq, gt, lt, or, sql } from "drizzle-orm";
import { AppError } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { loginFailures } from "../../db/schema/agents.ts";

export interface LoginLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowMs: number;
}

/**
 * Claims one sign-in attempt in one transaction, under locks on the account and on the address
 * (always taken in that order, so two attempts cannot wait on each other): counts the window's
 * failures and, below both limits, records this attempt as a failure until the password proves it
 * otherwise (`clearLoginFailures`). A refused attempt records nothing.
 */
export async function claimLoginAttempt(
  db: Db,
  limits: LoginLimits,
  input: { email: string; ip: string; now: Date },
): Promise<void> {
  const since = new Date(input.now.getTime() - limits.windowMs);
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`login-account:${input.email}`}::text)), pg_advisory_xact_lock(hashtext(${`login-address:${input.ip}`}::text))`,
    );
    const [counts] = await tx
      .select({
        account: sql<number>`count(*) filter (where ${loginFailures.email} = ${input.email})::int`,
        ip: sql<number>`count(*) filter (where ${loginFailures.ip} = ${input.ip})::int`,
        oldest: sql<string | null>`min(${loginFailures.at})`,
      })
      .from(loginFailures)
      .where(
        and(
          gt(loginFailures.at, since),
          or(eq(loginFailures.email, input.email), eq(loginFailures.ip, input.ip)),
        ),
      );
    const account = Number(counts?.account ?? 0);
    const ip = Number(counts?.ip ?? 0);
    if (account >= limits.maxFailuresPerAccount || ip >= limits.maxFailuresPerIp) {
      const oldest = counts?.oldest ? new Date(counts.oldest).getTime() : input.now.getTime();
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((oldest + limits.windowMs - input.now.getTime()) / 1000),
      );
      throw new AppError(
        "RATE_LIMITED",
        `Too many failed sign-ins ${account >= limits.maxFailuresPerAccount ? "for this account" : "from this address"}. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s) or ask an admin to reset the password.`,
        { retryAfterSeconds },
      );
    }
    await tx.insert(loginFailures).values({ email: input.email, ip: input.ip, at: input.now });
  });
}

/** A successful sign-in clears the account's failures; old rows are pruned. */
export async function clearLoginFailures(
  db: Db,
  limits: LoginLimits,
  input: { email: string; now: Date },
): Promise<void> {
  await db
    .delete(loginFailures)
    .where(
      or(
        eq(loginFailures.email, input.email),
        lt(loginFailures.at, new Date(input.now.getTime() - limits.windowMs)),
      ),
    );
}
