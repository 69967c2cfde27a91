/**
 * Mailbox connection URLs (`imap://user:password@host:143`, `imaps://…`, `smtp://…:587`,
 * `smtps://…:465`) turned into connection settings. User and password may be percent-encoded, as
 * addresses used as user names usually are (`support%40acme.example`).
 */
import { AppError } from "../../cases/errors.ts";

export interface MailServer {
  host: string;
  port: number;
  /** TLS from the first byte (imaps/smtps); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** An OAuth 2.0 access token (XOAUTH2) used instead of the password, for mailboxes that sign in with OAuth. */
  accessToken?: string;
}

const DEFAULT_PORTS = { imap: 143, imaps: 993, smtp: 587, smtps: 465 } as const;

export function parseMailUrl(url: string, kind: "imap" | "smtp"): MailServer {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("VALIDATION", `The ${kind.toUpperCase()} URL is not a URL.`);
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  if (scheme !== kind && scheme !== `${kind}s`)
    throw new AppError(
      "VALIDATION",
      `The ${kind.toUpperCase()} URL must start with ${kind}:// or ${kind}s://.`,
    );
  if (!parsed.hostname) throw new AppError("VALIDATION", `The ${kind.toUpperCase()} URL has no host.`);
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[scheme as keyof typeof DEFAULT_PORTS];
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port,
    secure: scheme.endsWith("s"),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

/** What may be shown of a server: everything but the password. */
export function describeServer(server: MailServer): {
  host: string;
  port: number;
  secure: boolean;
  user: string;
} {
  return { host: server.host, port: server.port, secure: server.secure, user: server.user };
}
