/**
 * Configuration, read once from the environment at start-up. Nothing else reads `process.env`.
 * A bad value stops start-up with a message naming the variable and what it must be.
 */
import { isIP } from "node:net";
import { z } from "zod";
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
  RATE_LIMIT_SIGN_IN_PER_MINUTE: positiveInt
    .default(30)
    .describe("Sign-in requests one address may send per minute, right or wrong"),
  RATE_LIMIT_PUBLIC_POSTS_PER_MINUTE: positiveInt
    .default(10)
    .describe(
      "Status-page replies and ratings, and password-reset requests, one address may send per minute",
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
  TRUST_PROXY: trustProxy
    .default(false)
    .describe("Proxy hops (or proxy addresses/CIDRs) whose X-Forwarded-* headers are believed"),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolSize: number;
  /** PGlite's shared_buffers, e.g. "32MB". */
  embeddedSharedBuffers: string;
  redisUrl?: string;
  jobPrefix: string;
  /** Jobs of each kind run at once per process (server/jobs/job-catalogue.ts). */
  jobConcurrency: { realtime: number; delivery: number; periodic: number; bulk: number };
  logLevel: z.infer<typeof ENV_SCHEMA>["LOG_LEVEL"];
  secretKey?: string;
  admin: { email: string; password?: string; name: string };
  sessionTtlMs: number;
  login: { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowMs: number };
  /** Requests per minute on the public surfaces (server/http/rate-limits.ts). */
  rateLimits: {
    signInPerAddress: number;
    publicPostsPerAddress: number;
    chatHellosPerAddress: number;
    chatMessagesPerVisitor: number;
    chatMessagesPerAddress: number;
  };
  offerTimeoutMs: number;
  voiceOfferTimeoutMs: number;
  maxMissedOffers: number;
  missedOfferCooldownMs: number;
  agentDisconnectGraceMs: number;
  reopenWindowMs: number;
  autoCloseAfterMs: number;
  maxBodyBytes: number;
  defaultCountry: string;
  sweepIntervalMs: number;
  /** fastify's `trustProxy`: false, a hop count, or a comma-separated list of addresses/CIDRs. */
  trustProxy: false | number | string;
  email?: { imapUrl: string; smtpUrl: string; from: string; folder: string };
  emailPollMs: number;
  attachmentMaxBytes: number;
  twilio?: {
    accountSid: string;
    authToken: string;
    apiBaseUrl?: string;
    voice?: { apiKeySid: string; apiKeySecret: string; twimlAppSid: string };
  };
  voiceWaitMs: number;
  holdMusicUrl: string;
  statusUpdates: boolean;
  quietHours: { start: number; end: number };
  defaultTimeZone: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const DAY_MS = 24 * 3600_000;

type Env = z.infer<typeof ENV_SCHEMA>;

/** The environment through the schema; every bad variable is named in one error. */
function parseEnv(env: Record<string, string | undefined>): Env {
  // An empty variable means "unset", as in most twelve-factor apps.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = ENV_SCHEMA.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  return parsed.data;
}

/** Variables that switch a channel on together: all of a group, or none. */
function assertWholeGroups(e: Env): void {
  const problems: string[] = [];
  const emailParts = [e.IMAP_URL, e.SMTP_URL, e.EMAIL_FROM].filter(Boolean).length;
  if (emailParts > 0 && emailParts < 3)
    problems.push("IMAP_URL, SMTP_URL and EMAIL_FROM: set all three to switch email on, or none");
  if (Boolean(e.TWILIO_ACCOUNT_SID) !== Boolean(e.TWILIO_AUTH_TOKEN)) {
    problems.push(
      "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: set both to switch SMS and voice on, or neither",
    );
  }
  const voiceParts = [e.TWILIO_API_KEY_SID, e.TWILIO_API_KEY_SECRET, e.TWILIO_TWIML_APP_SID].filter(
    Boolean,
  ).length;
  if (voiceParts > 0 && voiceParts < 3) {
    problems.push(
      "TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID: set all three for calls in the browser, or none",
    );
  }
  if (problems.length) throw new ConfigError(problems);
}

function emailConfig(e: Env): Pick<Config, "email"> {
  return e.IMAP_URL && e.SMTP_URL && e.EMAIL_FROM
    ? { email: { imapUrl: e.IMAP_URL, smtpUrl: e.SMTP_URL, from: e.EMAIL_FROM, folder: e.EMAIL_FOLDER } }
    : {};
}

function twilioConfig(e: Env): Pick<Config, "twilio"> {
  if (!e.TWILIO_ACCOUNT_SID || !e.TWILIO_AUTH_TOKEN) return {};
  return {
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      ...(e.TWILIO_API_BASE_URL ? { apiBaseUrl: e.TWILIO_API_BASE_URL.replace(/\/$/, "") } : {}),
      ...(e.TWILIO_API_KEY_SID && e.TWILIO_API_KEY_SECRET && e.TWILIO_TWIML_APP_SID
        ? {
            voice: {
              apiKeySid: e.TWILIO_API_KEY_SID,
              apiKeySecret: e.TWILIO_API_KEY_SECRET,
              twimlAppSid: e.TWILIO_TWIML_APP_SID,
            },
          }
        : {}),
    },
  };
}

/** QUIET_HOURS ("21:00-08:00") as minutes of the day. */
function quietHours(e: Env): Config["quietHours"] {
  const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
  const [quietStart, quietEnd] = e.QUIET_HOURS.split("-") as [string, string];
  return { start: minutes(quietStart), end: minutes(quietEnd) };
}

/** Where this process listens and keeps its data, and the clients it opens. */
function serverConfig(e: Env) {
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    embeddedSharedBuffers: e.EMBEDDED_SHARED_BUFFERS,
    redisUrl: e.REDIS_URL,
    jobPrefix: e.JOB_PREFIX,
    jobConcurrency: {
      realtime: e.JOB_CONCURRENCY_REALTIME,
      delivery: e.JOB_CONCURRENCY_DELIVERY,
      periodic: e.JOB_CONCURRENCY_PERIODIC,
      bulk: e.JOB_CONCURRENCY_BULK,
    },
    logLevel: e.LOG_LEVEL,
  } satisfies Partial<Config>;
}

/** Sign-in: the secret, the first admin, sessions, the brute-force limits and the public surfaces' rates. */
function accessConfig(e: Env) {
  return {
    secretKey: e.SECRET_KEY,
    admin: { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD, name: e.ADMIN_NAME },
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    login: {
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      windowMs: e.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
    },
    rateLimits: {
      signInPerAddress: e.RATE_LIMIT_SIGN_IN_PER_MINUTE,
      publicPostsPerAddress: e.RATE_LIMIT_PUBLIC_POSTS_PER_MINUTE,
      chatHellosPerAddress: e.RATE_LIMIT_CHAT_HELLOS_PER_MINUTE,
      chatMessagesPerVisitor: e.RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE,
      chatMessagesPerAddress: e.RATE_LIMIT_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS,
    },
  } satisfies Partial<Config>;
}

/** Routing's offers and the case lifecycle's windows. */
function workflowConfig(e: Env) {
  return {
    offerTimeoutMs: e.OFFER_TIMEOUT_SECONDS * 1000,
    voiceOfferTimeoutMs: e.VOICE_OFFER_TIMEOUT_SECONDS * 1000,
    maxMissedOffers: e.MAX_MISSED_OFFERS,
    missedOfferCooldownMs: e.MISSED_OFFER_COOLDOWN_SECONDS * 1000,
    agentDisconnectGraceMs: e.AGENT_DISCONNECT_GRACE_SECONDS * 1000,
    reopenWindowMs: e.REOPEN_WINDOW_DAYS * DAY_MS,
    autoCloseAfterMs: e.AUTO_CLOSE_DAYS * DAY_MS,
  } satisfies Partial<Config>;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = parseEnv(env);
  assertWholeGroups(e);
  return {
    ...serverConfig(e),
    ...accessConfig(e),
    ...workflowConfig(e),
    maxBodyBytes: e.MAX_BODY_BYTES,
    defaultCountry: e.DEFAULT_COUNTRY,
    sweepIntervalMs: e.SWEEP_INTERVAL_SECONDS * 1000,
    trustProxy: e.TRUST_PROXY,
    ...emailConfig(e),
    emailPollMs: e.EMAIL_POLL_SECONDS * 1000,
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    ...twilioConfig(e),
    voiceWaitMs: e.VOICE_WAIT_SECONDS * 1000,
    holdMusicUrl: e.HOLD_MUSIC_URL,
    statusUpdates: e.STATUS_UPDATES,
    quietHours: quietHours(e),
    defaultTimeZone: e.DEFAULT_TIME_ZONE,
  };
}
