/**
 * The environment variables Switchboard reads, each with its type, default and meaning: the one
 * schema `loadConfig` (config.ts) parses `process.env` through, and the README's table lists.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { issuerProblem, parseRoleMap } from "./auth/sso/oidc-rules.ts";
import { timeZoneName } from "./http/schemas.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const positiveInt = z.coerce.number().int().positive();

/** An IPv4 or IPv6 address, optionally with a /prefix no longer than the address. */
function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split("/");
  const version = isIP(address ?? "");
  if (!version || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Which proxies' X-Forwarded-* headers are believed, in fastify's forms: none, a number of hops
 * (the nearest N), or a list of proxy addresses and CIDRs. "true" means one hop: the load balancer in
 * front, never every address a client writes into the header.
 */
const trustProxy = z.string().transform((value, ctx): false | number | string => {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === "false" || trimmed === "no") return false;
  if (["true", "yes"].includes(trimmed)) return 1;
  if (/^\d+$/.test(trimmed) && Number(trimmed) >= 1) return Number(trimmed);
  const entries = trimmed.split(",").map((entry) => entry.trim());
  if (entries.length && entries.every(isAddressOrCidr)) return entries.join(",");
  ctx.addIssue({
    code: "custom",
    message:
      "must be false, a number of proxy hops (1 = the one load balancer in front), or a comma-separated list of proxy addresses/CIDRs",
  });
  return z.NEVER;
});

export const ENV_SCHEMA = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe("HTTP port"),
  HOST: z.string().min(1).default("0.0.0.0").describe("Interface to listen on"),
  PUBLIC_URL: z
    .url()
    .optional()
    .describe("The URL customers and providers reach this server at (default http://localhost:PORT)"),
  DATA_DIR: z.string().min(1).default("./data").describe("Folder for the embedded database and stored files"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .describe("PostgreSQL URL; without it the embedded PGlite database in DATA_DIR is used"),
  DATABASE_POOL_SIZE: positiveInt.default(10).describe("Connections per process to PostgreSQL"),
  EMBEDDED_SHARED_BUFFERS: z
    .string()
    .regex(/^\d+(kB|MB|GB)$/, "must be a size such as 32MB or 1GB")
    .default("32MB")
    .describe("Shared buffers of the embedded database (PostgreSQL's shared_buffers)"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional()
    .describe("Redis URL; with it jobs run on BullMQ and websockets fan out across processes"),
  JOB_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, '-' and '_' only")
    .default("switchboard")
    .describe("Prefix of BullMQ keys and socket.io channels in Redis"),
  JOB_CONCURRENCY_REALTIME: positiveInt
    .default(8)
    .describe("Realtime jobs (offer expiry, wrap-up, disconnects) run at once per process"),
  JOB_CONCURRENCY_DELIVERY: positiveInt
    .default(8)
    .describe("Delivery jobs (outbound messages, customer updates) run at once per process"),
  JOB_CONCURRENCY_PERIODIC: positiveInt
    .default(4)
    .describe("Periodic jobs (sweep, SLA monitor, live stats, dialer) run at once per process"),
  JOB_CONCURRENCY_BULK: positiveInt.default(1).describe("Bulk jobs (list imports) run at once per process"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SECRET_KEY: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .describe("Signs visitor and status-page tokens; generated and stored in the database when unset"),
  ADMIN_EMAIL: z.email().default("admin@example.com").describe("The first admin, created on first start"),
  ADMIN_PASSWORD: z
    .string()
    .min(8, "must be at least 8 characters")
    .optional()
    .describe("Generated and printed once when unset"),
  ADMIN_NAME: z.string().min(1).default("Administrator"),
  SESSION_TTL_HOURS: positiveInt.default(12),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(20),
  LOGIN_FAILURE_WINDOW_MINUTES: positiveInt.default(15),
  SECURITY_LOG_RETENTION_DAYS: positiveInt
    .default(365)
    .describe("Days the security log (sign-ins, failures, account changes) is kept"),
  RATE_LIMIT_SIGN_IN_PER_MINUTE: positiveInt
    .default(30)
    .describe(
      "Sign-in requests one address may send per minute, right or wrong (and, counted apart, one-time password link checks and uses)",
    ),
  RATE_LIMIT_PUBLIC_POSTS_PER_MINUTE: positiveInt
    .default(10)
    .describe(
      "Status-page replies and ratings one address may send per minute (and, counted apart, password-reset requests and email-proof pages)",
    ),
  RATE_LIMIT_CHAT_HELLOS_PER_MINUTE: positiveInt
    .default(30)
    .describe("Web chat visitors one address may start (or resume) per minute"),
  RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE: positiveInt
    .default(30)
    .describe("Messages one web chat visitor may send per minute"),
  RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS: positiveInt
    .default(300)
    .describe("Messages all web chat visitors at one address may send per minute"),
  OIDC_ISSUER: z
    .string()
    .superRefine((value, ctx) => {
      const problem = issuerProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional()
    .describe("OpenID Connect provider for single sign-on; with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  OIDC_ROLE_CLAIM: z
    .string()
    .max(200)
    .optional()
    .describe("The claim that sets an agent's role at each SSO sign-in, e.g. groups"),
  OIDC_ROLE_MAP: z
    .string()
    .max(4000)
    .transform((value, ctx) => {
      try {
        return parseRoleMap(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `must be value=role,...: ${(error as Error).message}` });
        return z.NEVER;
      }
    })
    .optional()
    .describe("Claim values to roles, e.g. sb-admins=admin,sb-supervisors=supervisor"),
  OIDC_CREATE_USERS: bool
    .default(false)
    .describe("Create an agent at the first SSO sign-in of someone without an account"),
  OIDC_BUTTON_LABEL: z.string().min(1).max(80).default("Sign in with single sign-on"),
  OFFER_TIMEOUT_SECONDS: positiveInt.default(30),
  VOICE_OFFER_TIMEOUT_SECONDS: positiveInt.default(20),
  MAX_MISSED_OFFERS: positiveInt.default(3),
  MISSED_OFFER_COOLDOWN_SECONDS: positiveInt
    .default(120)
    .describe("An agent who rejected or let lapse a case is not offered that case again for this long"),
  AGENT_DISCONNECT_GRACE_SECONDS: positiveInt
    .default(60)
    .describe(
      "An agent whose consoles are all disconnected this long goes offline; chats and calls are re-queued",
    ),
  REOPEN_WINDOW_DAYS: z.coerce.number().positive().default(7),
  AUTO_CLOSE_DAYS: z.coerce.number().positive().default(4),
  MAX_BODY_BYTES: positiveInt.default(1_048_576),
  DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, "must be a two-letter country code such as US or GB")
    .default("US")
    .describe("Country assumed for phone numbers written without +country code"),
  SWEEP_INTERVAL_SECONDS: positiveInt
    .default(5)
    .describe("How often overdue offers, lost jobs and auto-closes are swept"),
  IMAP_URL: z
    .string()
    .regex(/^imaps?:\/\/[^@/]+@[^/]+/, "must be imap://user:password@host:port (imaps:// for TLS)")
    .optional()
    .describe("The mailbox fetched into cases; with SMTP_URL and EMAIL_FROM it switches email on"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be smtp://user:password@host:port (smtps:// for TLS)")
    .optional(),
  EMAIL_FROM: z
    .string()
    .min(3)
    .optional()
    .describe('The address replies come from, e.g. "Acme Support <support@acme.example>"'),
  EMAIL_FOLDER: z.string().min(1).default("INBOX"),
  EMAIL_POLL_SECONDS: positiveInt.default(60).describe("How often a mailbox without IDLE is polled"),
  ATTACHMENT_MAX_BYTES: positiveInt.default(25 * 1024 * 1024),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, "must be an account SID: AC followed by 32 hex digits")
    .optional()
    .describe("With TWILIO_AUTH_TOKEN it switches SMS and voice on"),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_API_BASE_URL: z
    .url()
    .optional()
    .describe("Sends Twilio REST calls to another host (tests point it at a local server)"),
  TWILIO_API_KEY_SID: z
    .string()
    .regex(/^SK[0-9a-fA-F]{32}$/, "must be an API key SID: SK followed by 32 hex digits")
    .optional(),
  TWILIO_API_KEY_SECRET: z.string().min(16).optional(),
  TWILIO_TWIML_APP_SID: z
    .string()
    .regex(/^AP[0-9a-fA-F]{32}$/, "must be a TwiML app SID: AP followed by 32 hex digits")
    .optional()
    .describe("With the API key, lets agents take and place calls in the browser"),
  VOICE_WAIT_SECONDS: positiveInt.default(180).describe("How long a caller waits in queue before voicemail"),
  HOLD_MUSIC_URL: z.url().default("http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"),
  STATUS_UPDATES: bool
    .default(true)
    .describe("Send customers updates when their case is created, waits on them, is resolved or reopened"),
  QUIET_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM-HH:MM, e.g. 21:00-08:00")
    .default("21:00-08:00")
    .describe("No SMS update in these hours of the contact's local time; held until they end"),
  DEFAULT_TIME_ZONE: timeZoneName("Europe/Berlin")
    .default("UTC")
    .describe("Time zone of contacts whose zone is unknown"),
  MAIL_OAUTH_MICROSOFT_CLIENT_ID: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe("Microsoft Entra app for Microsoft 365 mailboxes that sign in with OAuth"),
  MAIL_OAUTH_MICROSOFT_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  MAIL_OAUTH_MICROSOFT_TENANT: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,100}$/, "must be a tenant id or domain, or common / organizations")
    .default("organizations"),
  MAIL_OAUTH_MICROSOFT_AUTHORIZE_URL: z.url().optional().describe("Overrides Microsoft's authorize endpoint"),
  MAIL_OAUTH_MICROSOFT_TOKEN_URL: z.url().optional().describe("Overrides Microsoft's token endpoint"),
  MAIL_OAUTH_GOOGLE_CLIENT_ID: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe("Google Cloud OAuth client for Gmail / Google Workspace mailboxes"),
  MAIL_OAUTH_GOOGLE_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  MAIL_OAUTH_GOOGLE_AUTHORIZE_URL: z.url().optional().describe("Overrides Google's authorize endpoint"),
  MAIL_OAUTH_GOOGLE_TOKEN_URL: z.url().optional().describe("Overrides Google's token endpoint"),
  TRUST_PROXY: trustProxy
    .default(false)
    .describe("Proxy hops (or proxy addresses/CIDRs) whose X-Forwarded-* headers are believed"),
});
