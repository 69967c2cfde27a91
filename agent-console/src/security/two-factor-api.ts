/** Two-factor sign-in's calls: my own second factor, and enrolment during a sign-in a role requires. */
import { api } from "../api/client.ts";
import type { LoginResponse } from "../api/types.ts";

export interface TwoFactorSetup {
  secret: string;
  uri: string;
}

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
  required: boolean;
}

export const twoFactorApi = {
  status: () => api.get<TwoFactorStatus>("/api/me/2fa"),
  setup: () => api.post<TwoFactorSetup>("/api/me/2fa/setup"),
  enable: (code: string) => api.post<{ recoveryCodes: string[] }>("/api/me/2fa/enable", { code }),
  disable: (password: string, code: string) => api.post<null>("/api/me/2fa/disable", { password, code }),
  newRecoveryCodes: (code: string) =>
    api.post<{ recoveryCodes: string[] }>("/api/me/2fa/recovery-codes", { code }),
};

/** Enrolment with the sign-in's challenge as the only credential. */
export const enrolWithChallenge = {
  setup: (challengeToken: string) =>
    api.post<TwoFactorSetup>("/api/auth/login/2fa/setup", { challengeToken }),
  enable: (challengeToken: string, code: string) =>
    api.post<{ recoveryCodes: string[]; session: LoginResponse }>("/api/auth/login/2fa/enable", {
      challengeToken,
      code,
    }),
};

/** A base32 secret in groups of four, as it is easiest to type: `JBSW Y3DP EHPK 3PXP`. */
export function groupedSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}
