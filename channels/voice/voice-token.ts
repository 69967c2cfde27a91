/** Access tokens for the Twilio Voice SDK in the agent's browser: take calls and place them. */
import { agentIdentity } from "./voice-deps.ts";

export interface BrowserCallingSettings {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  twimlAppSid: string;
}

/** An hour, Twilio's default; the console asks for a new token before it runs out. */
export const VOICE_TOKEN_TTL_SECONDS = 3600;

/**
 * Loads Twilio's token builder (and its JWT library) with the first token asked for, not at
 * start-up; the package root would load every Twilio REST API.
 */
export async function voiceAccessToken(settings: BrowserCallingSettings, agentId: string, now = new Date()) {
  const { default: AccessToken } = await import("twilio/lib/jwt/AccessToken.js");
  const identity = agentIdentity(agentId);
  const token = new AccessToken(settings.accountSid, settings.apiKeySid, settings.apiKeySecret, {
    identity,
    ttl: VOICE_TOKEN_TTL_SECONDS,
  });
  token.addGrant(
    new AccessToken.VoiceGrant({
      outgoingApplicationSid: settings.twimlAppSid,
      incomingAllow: true,
    }),
  );
  return {
    token: token.toJwt(),
    identity,
    expiresAt: new Date(now.getTime() + VOICE_TOKEN_TTL_SECONDS * 1000),
  };
}
