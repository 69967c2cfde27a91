/**
 * Sign-in and sign-out. A right password signs in at once, unless the agent has a second factor
 * or their role requires one: then it earns only a login challenge, which a code (or, for a role
 * that requires enrolment, enrolling) turns into a session. The password's attempt stays counted
 * by the limiter until the second factor passes, so wrong codes and wrong passwords share one
 * budget and signing in again with the password does not reset it.
 */
import { eq } from "drizzle-orm";
import { AppError } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import { agents } from "../../db/schema/agents.ts";
import { type AgentRow, findAgent } from "./accounts.ts";
import {
  createLoginChallenge,
  type LoginChallenge,
  liveLoginChallenge,
  spendLoginChallenge,
} from "./login-challenges.ts";
import { claimLoginAttempt, clearLoginFailures, type LoginLimits } from "./login-limiter.ts";
import { decoyPasswordHash, verifyPassword } from "./passwords.ts";
import { createSession, type ResolvedSession, resolveSession, revokeSession } from "./sessions.ts";
import {
  enableTwoFactor,
  isTwoFactorEnabled,
  spendSecondFactor,
  startTwoFactorSetup,
  twoFactorRequiredFor,
} from "./two-factor.ts";
import { createTwoFactorService, type TwoFactorService } from "./two-factor-service.ts";

export interface SignedIn {
  token: string;
  expiresAt: Date;
  agent: AgentRow;
}

export type LoginResult = ({ kind: "session" } & SignedIn) | { kind: "challenge"; challenge: LoginChallenge };

export interface AuthService {
  login(input: { email: string; password: string; ip: string }): Promise<LoginResult>;
  /**
   * Signs in a person who just proved who they are another way (a one-time password link): a
   * session, or the challenge their second factor (or their role's enrolment) asks for.
   */
  signInProven(agent: AgentRow): Promise<LoginResult>;
  /** Completes a challenged sign-in with a TOTP code or a recovery code. */
  completeSecondFactor(input: { challengeToken: string; code: string; ip: string }): Promise<SignedIn>;
  /** Enrolment a role requires, started with the challenge: a new secret for the agent's app. */
  setupWithChallenge(challengeToken: string): Promise<{ secret: string; uri: string }>;
  /** Enables the secret from `setupWithChallenge` and completes the sign-in. */
  enableWithChallenge(input: {
    challengeToken: string;
    code: string;
  }): Promise<{ session: SignedIn; recoveryCodes: string[] }>;
  authenticate(token: string): Promise<ResolvedSession | null>;
  logout(sessionId: string): Promise<void>;
  /** A signed-in agent's own second factor, and the roles that must have one. */
  twoFactor: TwoFactorService;
}

const notSignedIn = () => new AppError("UNAUTHENTICATED", "This sign-in has expired: sign in again.");

type AuthDeps = Parameters<typeof createAuthService>[0];

async function signInAgent(deps: AuthDeps, agent: AgentRow, now: Date): Promise<SignedIn> {
  await clearLoginFailures(deps.db, deps.limits, { email: agent.email, now });
  return { ...(await createSession(deps.db, agent.id, deps.sessionTtlMs, now)), agent };
}

/** The challenge's agent, still allowed to sign in. */
async function challengedAgent(db: Db, token: string, now: Date) {
  const challenge = await liveLoginChallenge(db, token, now);
  const agent = await findAgent(db, challenge.agentId);
  if (!agent || agent.deactivatedAt) throw notSignedIn();
  return { challenge, agent };
}

/** Only a challenge for an agent a role forces to enrol, and who has not yet, opens enrolment. */
async function enrollingAgent(db: Db, token: string, now: Date) {
  const found = await challengedAgent(db, token, now);
  if (!found.challenge.enrolRequired || (await isTwoFactorEnabled(db, found.agent.id)))
    throw new AppError(
      "CONFLICT",
      "Two-factor sign-in is already set up: enter a code from your app instead.",
    );
  return found;
}

export function createAuthService(deps: {
  db: Db;
  clock: () => Date;
  sessionTtlMs: number;
  limits: LoginLimits;
  /** Seals TOTP secrets and keys recovery-code hashes. */
  secret: string;
}): AuthService {
  const { db, clock } = deps;
  const signIn = (agent: AgentRow, now: Date) => signInAgent(deps, agent, now);
  const challenged = (token: string, now: Date) => challengedAgent(db, token, now);
  const enrolling = (token: string, now: Date) => enrollingAgent(db, token, now);
  const sessionOrChallenge = async (agent: AgentRow, now: Date): Promise<LoginResult> => {
    const enabled = await isTwoFactorEnabled(db, agent.id);
    const required = !enabled && (await twoFactorRequiredFor(db)).includes(agent.role);
    if (!enabled && !required) return { kind: "session", ...(await signIn(agent, now)) };
    const challenge = await createLoginChallenge(db, { agentId: agent.id, enrolRequired: required, now });
    return { kind: "challenge", challenge };
  };

  return {
    async login(input) {
      const email = input.email.trim().toLowerCase();
      const now = clock();
      // Counted as a failure from here until the sign-in completes.
      await claimLoginAttempt(db, deps.limits, { email, ip: input.ip, now });
      const [agent] = await db.select().from(agents).where(eq(agents.email, email));
      const valid = await verifyPassword(agent?.passwordHash ?? (await decoyPasswordHash()), input.password);
      if (!agent || !valid || agent.deactivatedAt) {
        throw new AppError("UNAUTHENTICATED", "Email or password is wrong.");
      }
      return sessionOrChallenge(agent, now);
    },

    signInProven: (agent) => sessionOrChallenge(agent, clock()),

    async completeSecondFactor(input) {
      const now = clock();
      const { challenge, agent } = await challenged(input.challengeToken, now);
      if (!(await isTwoFactorEnabled(db, agent.id)))
        throw new AppError(
          "CONFLICT",
          "Two-factor sign-in is not set up for this account yet: set it up first.",
        );
      await claimLoginAttempt(db, deps.limits, { email: agent.email, ip: input.ip, now });
      if (!(await spendSecondFactor(db, deps.secret, { agentId: agent.id, code: input.code, now })))
        throw new AppError(
          "UNAUTHENTICATED",
          "That code is wrong or was already used. Enter the current code from your app, or an unused recovery code.",
        );
      await spendLoginChallenge(db, challenge.id, now);
      return signIn(agent, now);
    },

    async setupWithChallenge(challengeToken) {
      const { agent } = await enrolling(challengeToken, clock());
      return startTwoFactorSetup(db, deps.secret, agent);
    },

    async enableWithChallenge(input) {
      const now = clock();
      const { challenge, agent } = await enrolling(input.challengeToken, now);
      const recoveryCodes = await enableTwoFactor(db, deps.secret, {
        agentId: agent.id,
        code: input.code,
        now,
      });
      await spendLoginChallenge(db, challenge.id, now);
      return { session: await signIn(agent, now), recoveryCodes };
    },

    authenticate: (token) => resolveSession(db, token, clock()),
    logout: (sessionId) => revokeSession(db, sessionId, clock()),
    twoFactor: createTwoFactorService(deps),
  };
}
