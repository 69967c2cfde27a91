/**
 * Offer deadlines as timers in the process that made the offer: an offer lives for seconds, and
 * nearly every one is answered before its deadline, so a durable job for each would cost far more
 * than it saves. What a lost timer (a crashed process) would have done, the periodic sweep does
 * (`expireOverdueOffers`), a sweep interval late at worst.
 */
export class OfferTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly expire: (offerId: string) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  arm(offerId: string, delayMs: number): void {
    this.cancel(offerId);
    const timer = setTimeout(() => {
      this.timers.delete(offerId);
      this.expire(offerId).catch(this.onError);
    }, delayMs);
    timer.unref();
    this.timers.set(offerId, timer);
  }

  /** The offer was answered (or withdrawn): its deadline no longer matters. */
  cancel(offerId: string): void {
    const timer = this.timers.get(offerId);
    if (timer) clearTimeout(timer);
    this.timers.delete(offerId);
  }

  get size(): number {
    return this.timers.size;
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
