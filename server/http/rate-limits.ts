/**
 * Limits on the surfaces anyone can reach: sign-in, the status page's replies and ratings, and the
 * web chat's `hello` and `message`. HTTP routes opt in with `perMinute(n)` in their config
 * (@fastify/rate-limit); socket events, which fastify never sees, take from an `EventLimiter`
 * (rate-limiter-flexible). Both count in Redis when REDIS_URL is set, so every process shares one
 * count, and in memory otherwise. A refusal is a 429 with `Retry-After` (an ack error on a socket).
 */
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../../cases/errors.ts";
import type { Config } from "../config.ts";

const MINUTE_MS = 60_000;

/** Route config for a limit of `max` requests a minute from one address. */
export function perMinute(max: number) {
  return { rateLimit: { max, timeWindow: MINUTE_MS } } as const;
}

function refusal(retryAfterSeconds: number, what: string): AppError {
  return new AppError(
    "RATE_LIMITED",
    `Too many ${what} in a short time; try again in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
  );
}

/** Registers @fastify/rate-limit for the routes that ask (`config: perMinute(n)`); none is limited otherwise. */
export async function installRouteLimits(
  app: FastifyInstance,
  options: { redis: Redis | null; prefix: string },
): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    ...(options.redis ? { redis: options.redis, nameSpace: `${options.prefix}-rate-limit:` } : {}),
    // Our own error shape; the error handler sets Retry-After from `retryAfterSeconds`.
    errorResponseBuilder: (_request, context) =>
      refusal(Math.max(1, Math.ceil(context.ttl / 1000)), "requests"),
    addHeaders: { "x-ratelimit-limit": true, "x-ratelimit-remaining": true, "x-ratelimit-reset": true },
  });
}

/** Counts events per key (a visitor, an address) in a one-minute window. */
export interface EventLimiter {
  /** Takes one from `key`'s allowance: null when allowed, else the seconds until it may try again. */
  take(key: string): Promise<number | null>;
}

export function createEventLimiter(options: {
  redis: Redis | null;
  prefix: string;
  name: string;
  perMinute: number;
  /** The window, when not a minute: `perMinute` is then the allowance per window. */
  windowSeconds?: number;
}): EventLimiter {
  const settings = { points: options.perMinute, duration: options.windowSeconds ?? MINUTE_MS / 1000 };
  const limiter = options.redis
    ? new RateLimiterRedis({
        ...settings,
        storeClient: options.redis,
        keyPrefix: `${options.prefix}-rate-limit:${options.name}`,
      })
    : new RateLimiterMemory({ ...settings, keyPrefix: options.name });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return null;
      } catch (result) {
        // A store failure is thrown as an Error; only a RateLimiterRes means "over the limit".
        if (result instanceof RateLimiterRes) return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
        throw result;
      }
    },
  };
}

/** Throws a RATE_LIMITED error when `key` is over its allowance. */
export async function assertWithinLimit(limiter: EventLimiter, key: string, what: string): Promise<void> {
  const retryAfter = await limiter.take(key);
  if (retryAfter !== null) throw refusal(retryAfter, what);
}

/** The counters of the surfaces outside fastify's routes: the chat socket and the status page's posts. */
export interface PublicLimits {
  chatHellos: EventLimiter;
  chatMessagesByVisitor: EventLimiter;
  chatMessagesByAddress: EventLimiter;
  statusPosts: EventLimiter;
  /** Password-reset requests per email address asked about, whether or not it has an account. */
  passwordResetsByEmail: EventLimiter;
}

/** Reset requests one email address may be the subject of in an hour, from anywhere. */
export const PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 5;

export function createPublicLimits(
  limits: Config["rateLimits"],
  options: { redis: Redis | null; prefix: string },
): PublicLimits {
  const limiter = (name: string, perMinute: number) => createEventLimiter({ ...options, name, perMinute });
  return {
    chatHellos: limiter("chat-hello", limits.chatHellosPerAddress),
    chatMessagesByVisitor: limiter("chat-message-visitor", limits.chatMessagesPerVisitor),
    chatMessagesByAddress: limiter("chat-message-address", limits.chatMessagesPerAddress),
    statusPosts: limiter("status-post", limits.publicPostsPerAddress),
    passwordResetsByEmail: createEventLimiter({
      ...options,
      name: "password-reset-email",
      perMinute: PASSWORD_RESETS_PER_EMAIL_PER_HOUR,
      windowSeconds: 3600,
    }),
  };
}
