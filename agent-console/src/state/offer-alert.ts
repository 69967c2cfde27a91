/**
 * Draws the agent's attention to a new offer: a short two-tone beep (WebAudio, no sound file to
 * ship) and, when the agent allowed it and is looking at another tab, a desktop notification.
 */
import type { Offer } from "../api/types.ts";
import { CHANNEL_LABEL, contactName } from "../lib/format.ts";

let audio: AudioContext | null = null;

function beep(): void {
  try {
    audio ??= new AudioContext();
    // Browsers start an AudioContext suspended until the page has seen a user gesture.
    if (audio.state === "suspended") void audio.resume();
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.18, 1175],
    ] as const) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.17);
    }
  } catch {
    // No audio device or WebAudio: the card and the title still show the offer.
  }
}

export function notificationsSupported(): boolean {
  return typeof Notification !== "undefined";
}

export function announceOffer(offer: Offer): void {
  beep();
  if (!notificationsSupported() || Notification.permission !== "granted" || !document.hidden) return;
  try {
    const notification = new Notification(
      `New ${CHANNEL_LABEL[offer.channel]} from ${contactName(offer.contact)}`,
      {
        body: offer.subject || `Case #${offer.caseNumber}`,
        tag: offer.offerId,
      },
    );
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}
