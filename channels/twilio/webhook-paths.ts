/**
 * Where Twilio reaches us. The routes and the TwiML that points Twilio at them share these, and
 * every URL handed to Twilio is absolute (PUBLIC_URL + path): Twilio signs the exact URL it calls,
 * and TwiML sent through the REST API has no page to resolve a relative URL against.
 */
export const TWILIO_WEBHOOKS = {
  sms: "/webhooks/twilio/sms",
  smsStatus: "/webhooks/twilio/sms/status",
  voice: "/webhooks/twilio/voice",
  menu: "/webhooks/twilio/voice/menu",
  wait: "/webhooks/twilio/voice/wait",
  dialStatus: "/webhooks/twilio/voice/dial-status",
  status: "/webhooks/twilio/voice/status",
  recording: "/webhooks/twilio/voice/recording",
  voicemail: "/webhooks/twilio/voice/voicemail",
  callback: "/webhooks/twilio/voice/callback",
  transcription: "/webhooks/twilio/voice/transcription",
  outbound: "/webhooks/twilio/voice/outbound",
  connect: "/webhooks/twilio/voice/connect",
} as const;

export type TwilioWebhook = keyof typeof TWILIO_WEBHOOKS;

export function webhookUrl(publicUrl: string, hook: TwilioWebhook, query?: Record<string, string>): string {
  const search = query ? `?${new URLSearchParams(query).toString()}` : "";
  return `${publicUrl}${TWILIO_WEBHOOKS[hook]}${search}`;
}

/** Twilio posts every webhook as a form of strings. */
export type TwilioParams = Record<string, string | undefined>;
