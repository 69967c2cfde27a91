/** Clocks of the softphone as pure arithmetic: token refresh, retries, wrap-up and call timers. */
import { DEFAULT_WRAP_UP, type WrapUp } from "./machine.ts";

/** Ask for a new token this long before the current one expires. */
export const TOKEN_REFRESH_LEAD_MS = 5 * 60_000;
/** Never refresh sooner than this after receiving a token, however short-lived it is. */
export const TOKEN_REFRESH_MIN_MS = 10_000;
/** Without registering or an error by then, Twilio is taken to be out of reach. */
export const REGISTER_TIMEOUT_MS = 15_000;

/**
 * When to fetch the next token: `TOKEN_REFRESH_LEAD_MS` before expiry, or half-way through a token
 * shorter than twice that lead, but not before `TOKEN_REFRESH_MIN_MS`.
 */
export function tokenRefreshDelay(expiresAt: number, now: number): number {
  const left = expiresAt - now;
  const lead = Math.min(TOKEN_REFRESH_LEAD_MS, left / 2);
  return Math.max(TOKEN_REFRESH_MIN_MS, Math.floor(left - lead));
}

/** How long before expiry the SDK raises `tokenWillExpire` (its `tokenRefreshMs` option). */
export function sdkRefreshLead(expiresAt: number, now: number): number {
  return Math.max(TOKEN_REFRESH_MIN_MS, Math.min(TOKEN_REFRESH_LEAD_MS, Math.floor((expiresAt - now) / 2)));
}

/** After the n-th failed token request in a row (n ≥ 1): 5 s, 10 s, 20 s … at most a minute. */
export function retryDelay(failures: number): number {
  return Math.min(60_000, 5_000 * 2 ** Math.max(0, failures - 1));
}

/** The wrap-up time of a case's queue; a queue without one (0) or no queue gets the default. */
export function wrapUpFor(queueWrapUpSeconds: number | null | undefined): WrapUp {
  return typeof queueWrapUpSeconds === "number" && queueWrapUpSeconds > 0
    ? { seconds: queueWrapUpSeconds, source: "queue" }
    : DEFAULT_WRAP_UP;
}

/** Whole seconds left in wrap-up, counting down to 0. */
export function wrapUpRemaining(endsAt: number, now: number): number {
  return Math.max(0, Math.ceil((endsAt - now) / 1000));
}

/** Whole seconds since `since`, never negative. */
export function elapsedSeconds(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / 1000));
}

/** 0:07, 12:30, 1:02:03. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}
