/**
 * The link in every update: `/status/<token>`, where the token is the case id with an HMAC, so it
 * cannot be guessed or altered, and needs no storage.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const PREFIX = "s1";
const mac = (secret: string, caseId: string) =>
  createHmac("sha256", secret).update(`case-status:${caseId}`).digest("base64url");

export function signStatusToken(secret: string, caseId: string): string {
  return `${PREFIX}.${caseId}.${mac(secret, caseId)}`;
}

/** The case id in a token, or null when it was not signed by us. */
export function verifyStatusToken(secret: string, token: string): string | null {
  const [prefix, caseId, given] = token.split(".");
  if (prefix !== PREFIX || !caseId || !given || !/^[0-9a-f-]{36}$/.test(caseId)) return null;
  const expected = Buffer.from(mac(secret, caseId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? caseId : null;
}

export const statusUrl = (publicUrl: string, secret: string, caseId: string) =>
  `${publicUrl}/status/${signStatusToken(secret, caseId)}`;
