/** The softphone's clocks: when the token is refreshed, retry backoff, wrap-up countdown and call timer. */
import { describe, expect, it } from "vitest";
import {
  elapsedSeconds,
  formatClock,
  retryDelay,
  sdkRefreshLead,
  TOKEN_REFRESH_LEAD_MS,
  TOKEN_REFRESH_MIN_MS,
  tokenRefreshDelay,
  wrapUpFor,
  wrapUpRemaining,
} from "../../agent-console/src/softphone/timing.ts";

const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
const HOUR = 3_600_000;

describe("token refresh", () => {
  it("refreshes an hour-long token five minutes before it expires", () => {
    expect(tokenRefreshDelay(NOW + HOUR, NOW)).toBe(HOUR - TOKEN_REFRESH_LEAD_MS);
    expect(sdkRefreshLead(NOW + HOUR, NOW)).toBe(TOKEN_REFRESH_LEAD_MS);
  });

  it("refreshes a short token half-way, and never sooner than the minimum", () => {
    expect(tokenRefreshDelay(NOW + 4 * 60_000, NOW)).toBe(2 * 60_000);
    expect(tokenRefreshDelay(NOW + 5_000, NOW)).toBe(TOKEN_REFRESH_MIN_MS);
    expect(tokenRefreshDelay(NOW - 60_000, NOW)).toBe(TOKEN_REFRESH_MIN_MS);
    expect(sdkRefreshLead(NOW + 4 * 60_000, NOW)).toBe(2 * 60_000);
    expect(sdkRefreshLead(NOW + 1_000, NOW)).toBe(TOKEN_REFRESH_MIN_MS);
  });

  it("always refreshes before expiry for tokens longer than the minimum", () => {
    for (const ttl of [30_000, 90_000, 10 * 60_000, HOUR, 24 * HOUR])
      expect(tokenRefreshDelay(NOW + ttl, NOW), `ttl ${ttl}`).toBeLessThan(ttl);
  });

  it("backs off 5 s, 10 s, 20 s … up to a minute after failures", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(retryDelay)).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000,
    ]);
  });
});

describe("wrap-up", () => {
  it("takes the queue's time, or 30 s by default when the queue sets none", () => {
    expect(wrapUpFor(45)).toEqual({ seconds: 45, source: "queue" });
    expect(wrapUpFor(0)).toEqual({ seconds: 30, source: "default" });
    expect(wrapUpFor(null)).toEqual({ seconds: 30, source: "default" });
    expect(wrapUpFor(undefined)).toEqual({ seconds: 30, source: "default" });
  });

  it("counts down in whole seconds to zero", () => {
    const endsAt = NOW + 30_000;
    expect(wrapUpRemaining(endsAt, NOW)).toBe(30);
    expect(wrapUpRemaining(endsAt, NOW + 1)).toBe(30);
    expect(wrapUpRemaining(endsAt, NOW + 1_000)).toBe(29);
    expect(wrapUpRemaining(endsAt, NOW + 29_001)).toBe(1);
    expect(wrapUpRemaining(endsAt, endsAt)).toBe(0);
    expect(wrapUpRemaining(endsAt, endsAt + 5_000)).toBe(0);
  });
});

describe("call timer", () => {
  it("shows elapsed time as m:ss or h:mm:ss", () => {
    expect(elapsedSeconds(NOW, NOW + 999)).toBe(0);
    expect(elapsedSeconds(NOW, NOW - 5_000)).toBe(0);
    expect(formatClock(elapsedSeconds(NOW, NOW + 7_500))).toBe("0:07");
    expect(formatClock(750)).toBe("12:30");
    expect(formatClock(3_723)).toBe("1:02:03");
  });
});
