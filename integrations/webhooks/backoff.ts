/**
 * When a failed webhook delivery is tried again: a fixed ladder of waits (about a day in all),
 * each stretched by up to a fifth at random so receivers coming back from an outage are not hit by
 * every sender at the same second.
 */

/** The waits after each failed attempt, in seconds: 10 s, 1 m, 5 m, 30 m, 1 h, 2 h, 4 h, 8 h, 8 h (≈ 23.6 h). */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [10, 60, 300, 1800, 3600, 7200, 14_400, 28_800, 28_800];

/** An endpoint with no success for this long is disabled. */
export const DISABLE_AFTER_MS = 24 * 3600_000;

/**
 * The wait before the next attempt after `attempts` attempts have failed, or null when the ladder
 * is used up (the delivery then fails).
 */
export function retryDelayMs(
  schedule: readonly number[],
  attempts: number,
  random: () => number = Math.random,
): number | null {
  const seconds = schedule[attempts - 1];
  if (seconds === undefined || attempts < 1) return null;
  return Math.round(seconds * 1000 * (1 + 0.2 * random()));
}
