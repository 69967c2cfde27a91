/**
 * A signed-in agent's own second factor: setting it up, turning it on and off, new recovery codes;
 * and the roles an admin requires it for. Proving a factor here (turning it off, new codes) counts
 * against the sign-in limiter like signing in does, so a borrowed session cannot guess codes or
 * the password either.
 */
import { AppError, notFound } from "../../cases/errors.ts";
import type { Db } from "../../db/connect.ts";
import type { AgentRole } from "../../db/schema/agents.ts";
import { type AgentRow, findAgent } from "./accounts.ts";
import { claimLoginAttempt, clearLoginFailures, type LoginLimits } from "./login-limiter.ts";
import { verifyPassword } from "./passwords.ts";
import {
  enableTwoFactor,
  isTwoFactorEnabled,
  regenerateRecoveryCodes,
  removeTwoFactor,
  setTwoFactorRequiredFor,
  spendSecondFactor,
  startTwoFactorSetup,
  type TwoFactorStatus,
  twoFactorRequiredFor,
  twoFactorStatus,
} from "./two-factor.ts";

export interface TwoFactorService {
  status(agent: AgentRow): Promise<TwoFactorStatus & { required: boolean }>;
  setup(agent: AgentRow): Promise<{ secret: string; uri: string }>;
  enable(agent: AgentRow, code: string): Promise<string[]>;
  disable(agent: AgentRow, input: { password: string; code: string; ip: string }): Promise<void>;
  regenerateRecoveryCodes(agent: AgentRow, input: { code: string; ip: string }): Promise<string[]>;
  /** An admin's reset, for an agent who lost both the app and the recovery codes. */
  reset(agentId: string): Promise<void>;
  requiredFor(): Promise<AgentRole[]>;
  setRequiredFor(roles: AgentRole[]): Promise<AgentRole[]>;
}

const refused = (what: string) => new AppError("FORBIDDEN", `${what} is wrong. Nothing was changed.`);

export function createTwoFactorService(deps: {
  db: Db;
  clock: () => Date;
  limits: LoginLimits;
  secret: string;
}): TwoFactorService {
  const { db, clock } = deps;

  /** Checks a factor (and the password, when given) under the limiter; FORBIDDEN when wrong. */
  async function prove(agent: AgentRow, input: { password?: string; code: string; ip: string }) {
    if (!(await isTwoFactorEnabled(db, agent.id)))
      throw new AppError("CONFLICT", "Two-factor sign-in is not on for your account.");
    const now = clock();
    await claimLoginAttempt(db, deps.limits, { email: agent.email, ip: input.ip, now });
    if (input.password !== undefined && !(await verifyPassword(agent.passwordHash, input.password)))
      throw refused("The password");
    if (!(await spendSecondFactor(db, deps.secret, { agentId: agent.id, code: input.code, now })))
      throw refused("The code");
    await clearLoginFailures(db, deps.limits, { email: agent.email, now });
  }

  return {
    async status(agent) {
      const status = await twoFactorStatus(db, agent.id);
      return { ...status, required: (await twoFactorRequiredFor(db)).includes(agent.role) };
    },
    setup: (agent) => startTwoFactorSetup(db, deps.secret, agent),
    enable: (agent, code) => enableTwoFactor(db, deps.secret, { agentId: agent.id, code, now: clock() }),
    async disable(agent, input) {
      if ((await twoFactorRequiredFor(db)).includes(agent.role))
        throw new AppError(
          "CONFLICT",
          `Two-factor sign-in is required for the ${agent.role} role, so it cannot be turned off. An admin can change that.`,
        );
      await prove(agent, input);
      await removeTwoFactor(db, agent.id);
    },
    async regenerateRecoveryCodes(agent, input) {
      await prove(agent, input);
      return regenerateRecoveryCodes(db, deps.secret, agent.id, clock());
    },
    async reset(agentId) {
      if (!(await findAgent(db, agentId))) throw notFound("Agent", agentId);
      await removeTwoFactor(db, agentId);
    },
    requiredFor: () => twoFactorRequiredFor(db),
    setRequiredFor: (roles) => setTwoFactorRequiredFor(db, roles),
  };
}
