/**
 * The carrier-standard SMS keywords: a message that is exactly one of them (any case, surrounding
 * whitespace ignored) opts the sender out, back in, or asks for help. These are the words Twilio's
 * own opt-out handling reacts to, so our records agree with what the carrier enforces.
 */

export const OPT_OUT_KEYWORDS = [
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "REVOKE",
  "OPTOUT",
] as const;
export const OPT_IN_KEYWORDS = ["START", "YES", "UNSTOP"] as const;
export const HELP_KEYWORDS = ["HELP"] as const;

export const CONSENT_ACTIONS = { optOut: "opt-out", optIn: "opt-in", help: "help" } as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[keyof typeof CONSENT_ACTIONS];

export interface ConsentKeyword {
  action: ConsentAction;
  /** The keyword as we record it, upper case: "STOP". */
  keyword: string;
}

const ACTION_OF = new Map<string, ConsentAction>([
  ...OPT_OUT_KEYWORDS.map((word) => [word, CONSENT_ACTIONS.optOut] as const),
  ...OPT_IN_KEYWORDS.map((word) => [word, CONSENT_ACTIONS.optIn] as const),
  ...HELP_KEYWORDS.map((word) => [word, CONSENT_ACTIONS.help] as const),
]);

export function parseConsentKeyword(body: string | null | undefined): ConsentKeyword | null {
  const keyword = (body ?? "").trim().toUpperCase();
  const action = ACTION_OF.get(keyword);
  return action ? { action, keyword } : null;
}

/** How an opt-out is recorded on the identity (`optOutMethod`). */
export const optOutMethod = (keyword: string) => `SMS ${keyword}`;

/** The automatic answer to HELP: who we are, how to reach an agent, how to stop. */
export function helpText(senderName: string | null | undefined): string {
  const name = senderName?.trim() || "Customer support";
  return `${name}: reply to this message and an agent will answer you here. Reply STOP to unsubscribe, START to subscribe again. Msg & data rates may apply.`;
}
