/** Sign-in and sign-out. */
import { eq } from "drizzle-orm";
import { AppError } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { agents } from "../../db/schema/agents.ts";
import type { AgentRow } from "./accounts.ts";
import { claimLoginAttempt, clearLoginFailures, type LoginLimits } from "./login-limiter.ts";
import { decoyPasswordHash, verifyPassword } from "./passwords.ts";
import { createSession, type ResolvedSession, resolveSession, revokeSession } from "./sessions.ts";

export interface AuthService {
  login(input: {
    email: string;
    password: string;
    ip: string;
  }): Promise<{ token: string; expiresAt: Date; agent: AgentRow }>;
  authenticate(token: string): Promise<ResolvedSession | null>;
  logout(sessionId: string): Promise<void>;
}

export function createAuthService(deps: {
  db: Db;
  clock: () => Date;
  sessionTtlMs: number;
  limits: LoginLimits;
}): AuthService {
  const { db, clock } = deps;
  return {
    async login(input) {
      const email = input.email.trim().toLowerCase();
      const now = clock();
      // Counted as a failure from here until the password is right.
      await claimLoginAttempt(db, deps.limits, { email, ip: input.ip, now });
      const [agent] = await db.select().from(agents).where(eq(agents.email, email));
      const valid = await verifyPassword(agent?.passwordHash ?? (await decoyPasswordHash()), input.password);
      if (!agent || !valid || agent.deactivatedAt) {
        throw new AppError("UNAUTHENTICATED", "Email or password is wrong.");
      }
      await clearLoginFailures(db, deps.limits, { email, now });
      const session = await createSession(db, agent.id, deps.sessionTtlMs, now);
      return { ...session, agent };
    },
    authenticate: (token) => resolveSession(db, token, clock()),
    logout: (sessionId) => revokeSession(db, sessionId, clock()),
  };
}
