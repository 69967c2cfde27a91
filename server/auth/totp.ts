/**
 * The pure parts of two-factor sign-in: TOTP secrets and codes (RFC 6238: SHA-1, 6 digits, 30 s
 * steps, what every authenticator app reads) and recovery codes. Storage is two-factor.ts's.
 */
import { createHmac, randomBytes } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";

export const TOTP_ISSUER = "Switchboard";
const PERIOD_SECONDS = 30;
/** One step either side: a phone's clock a little off still signs in. */
const DRIFT_SECONDS = PERIOD_SECONDS;
export const RECOVERY_CODE_COUNT = 10;

export function newTotpSecret(): string {
  return generateSecret();
}

export function otpauthUri(email: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

/** A six-digit code as typed: spaces allowed ("123 456"). */
export function asTotpCode(code: string): string | null {
  const digits = code.replace(/\s+/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * The time step a code is good for at `now`, or null. Steps at or before `afterStep` are refused:
 * a code is accepted once.
 */
export async function totpStepOf(
  secret: string,
  code: string,
  now: Date,
  afterStep: number | null,
): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    period: PERIOD_SECONDS,
    epochTolerance: DRIFT_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** Ten codes of ten hex digits, shown as `a1b2c-3d4e5` (40 bits each; guesses meet the sign-in limiter). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const hex = randomBytes(5).toString("hex");
    return `${hex.slice(0, 5)}-${hex.slice(5)}`;
  });
}

/**
 * What is stored of a recovery code: an HMAC keyed with the server secret, so a database dump alone
 * cannot be turned into codes by trying all 2^40 of them.
 */
export function recoveryCodeHash(serverSecret: string, code: string): string {
  const normalised = code.toLowerCase().replace(/[\s-]+/g, "");
  return createHmac("sha256", `switchboard-recovery-codes:${serverSecret}`).update(normalised).digest("hex");
}
