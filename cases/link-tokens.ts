/**
 * The tokens of mailed links (an invitation, a password reset, an email proof). A link's token is
 * an HMAC of its row's random id under the server secret: the mail job, whose payload holds only
 * the id, derives the same link on every try, and the database keeps only the token's sha256, so
 * neither the queue nor a dump of the tables holds a usable link.
 */
import { createHash, createHmac } from "node:crypto";

export type LinkScope = "password" | "email-proof";

export function linkToken(secret: string, scope: LinkScope, id: string): string {
  return createHmac("sha256", secret).update(`${scope}:${id}`).digest("base64url");
}

export const hashLinkToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A token as links carry it: 43 base64url characters. Anything else is not ours. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
