/**
 * The web chat visitor's token: the visitor id with an HMAC, kept in the browser's localStorage so a
 * reload resumes the conversation. Unforgeable without the server secret, so nobody can read
 * another visitor's history by guessing an id.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const PREFIX = "v1";

function signature(secret: string, visitorId: string): string {
  return createHmac("sha256", secret).update(`chat-visitor:${visitorId}`).digest("base64url");
}

export function newVisitorId(): string {
  return randomBytes(16).toString("base64url");
}

export function signVisitorToken(secret: string, visitorId: string): string {
  return `${PREFIX}.${visitorId}.${signature(secret, visitorId)}`;
}

/** The visitor id inside a token, or null when the token is malformed or was not signed by us. */
export function verifyVisitorToken(secret: string, token: string): string | null {
  const [prefix, visitorId, mac] = token.split(".");
  if (prefix !== PREFIX || !visitorId || !mac) return null;
  const expected = Buffer.from(signature(secret, visitorId));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given) ? visitorId : null;
}
