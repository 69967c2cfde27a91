/** The delayed job that releases a scheduled reply at its time, and the limits on that time. */
import { AppError } from "./errors.ts";

declare module "./ports.ts" {
  interface JobCatalogue {
    /** A reply scheduled for later is due: move it into the outbox (the handler re-checks it is due). */
    "send-scheduled-reply": { interactionId: string };
  }
}

/** How far ahead a reply may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 60 * 60_000;

export function assertSendAt(sendAt: Date, now: Date): void {
  if (Number.isNaN(sendAt.getTime()))
    throw new AppError("VALIDATION", "sendAt is not a time; give an ISO time with its offset.");
  if (sendAt.getTime() <= now.getTime())
    throw new AppError(
      "VALIDATION",
      `sendAt ${sendAt.toISOString()} is not in the future (now is ${now.toISOString()}); send the reply now instead.`,
      { sendAt: sendAt.toISOString() },
    );
  if (sendAt.getTime() > now.getTime() + MAX_SCHEDULE_AHEAD_MS)
    throw new AppError(
      "VALIDATION",
      `sendAt ${sendAt.toISOString()} is more than 30 days ahead; a reply can be scheduled at most 30 days out.`,
      { sendAt: sendAt.toISOString() },
    );
}

/** Deterministic id: scheduling the same reply's job twice (the sweep, a retry) is one job. */
export function scheduledReplyJob(interactionId: string, delayMs: number) {
  return {
    name: "send-scheduled-reply",
    data: { interactionId },
    options: { jobId: `scheduled-reply-${interactionId}`, delayMs: Math.max(0, delayMs) },
  } as const;
}
