/**
 * Configuration, read once from the environment at start-up. Nothing else reads `process.env`.
 * A bad value stops start-up with a message naming the variable and what it must be.
 */
import type { z } from "zod";
import { type MailOauthApps, mailOauthApps } from "../channels/email/mail-oauth-apps.ts";
import { normaliseIssuer, type RoleMap } from "./auth/sso/oidc-rules.ts";
import { ENV_SCHEMA } from "./env-schema.ts";

/** Single sign-on with an OpenID Connect provider (server/auth/sso/). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claim naming the agent's role or groups; null: roles are not taken from the provider. */
  roleClaim: string | null;
  roleMap: RoleMap;
  /** Creates an agent at the first sign-in of someone without an account (just-in-time). */
  createUsers: boolean;
  buttonLabel: string;
}

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
  /** Security log entries older than this are pruned by the maintenance sweep. */
  securityLogRetentionMs: number;
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
  /** Set by OIDC_* variables; unset, an admin may configure single sign-on in the console. */
  oidc?: OidcConfig;
  /** OAuth apps for mailboxes that sign in with Microsoft 365 or Google (MAIL_OAUTH_*). */
  mailOauth: MailOauthApps;
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
  const oidcParts = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidcParts > 0 && oidcParts < 3)
    problems.push(
      "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three for single sign-on, or none",
    );
  for (const [name, id, secret] of [
    ["MICROSOFT", e.MAIL_OAUTH_MICROSOFT_CLIENT_ID, e.MAIL_OAUTH_MICROSOFT_CLIENT_SECRET],
    ["GOOGLE", e.MAIL_OAUTH_GOOGLE_CLIENT_ID, e.MAIL_OAUTH_GOOGLE_CLIENT_SECRET],
  ] as const)
    if (Boolean(id) !== Boolean(secret))
      problems.push(
        `MAIL_OAUTH_${name}_CLIENT_ID and MAIL_OAUTH_${name}_CLIENT_SECRET: set both for mailboxes that sign in with OAuth, or neither`,
      );
  if (problems.length) throw new ConfigError(problems);
}

function mailOauthConfig(e: Env): MailOauthApps {
  return mailOauthApps({
    microsoft: e.MAIL_OAUTH_MICROSOFT_CLIENT_ID
      ? {
          clientId: e.MAIL_OAUTH_MICROSOFT_CLIENT_ID,
          clientSecret: e.MAIL_OAUTH_MICROSOFT_CLIENT_SECRET ?? "",
          tenant: e.MAIL_OAUTH_MICROSOFT_TENANT,
          authorizeUrl: e.MAIL_OAUTH_MICROSOFT_AUTHORIZE_URL,
          tokenUrl: e.MAIL_OAUTH_MICROSOFT_TOKEN_URL,
        }
      : undefined,
    google: e.MAIL_OAUTH_GOOGLE_CLIENT_ID
      ? {
          clientId: e.MAIL_OAUTH_GOOGLE_CLIENT_ID,
          clientSecret: e.MAIL_OAUTH_GOOGLE_CLIENT_SECRET ?? "",
          authorizeUrl: e.MAIL_OAUTH_GOOGLE_AUTHORIZE_URL,
          tokenUrl: e.MAIL_OAUTH_GOOGLE_TOKEN_URL,
        }
      : undefined,
  });
}

function oidcConfig(e: Env): Pick<Config, "oidc"> {
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return {};
  return {
    oidc: {
      issuer: normaliseIssuer(e.OIDC_ISSUER),
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      roleClaim: e.OIDC_ROLE_CLAIM?.trim() || null,
      roleMap: e.OIDC_ROLE_MAP ?? {},
      createUsers: e.OIDC_CREATE_USERS,
      buttonLabel: e.OIDC_BUTTON_LABEL,
    },
  };
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
    securityLogRetentionMs: e.SECURITY_LOG_RETENTION_DAYS * DAY_MS,
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
    ...oidcConfig(e),
    mailOauth: mailOauthConfig(e),
  };
}
