/** Turning Twilio Voice SDK and browser errors into something an agent can act on. */
import type { Notice } from "./machine.ts";

export const UNREACHABLE_MESSAGE = "Softphone offline: cannot reach Twilio";

const MICROPHONE_BLOCKED =
  "Microphone blocked: allow this site to use the microphone (the icon in the address bar), then try again.";
const NO_MICROPHONE = "No microphone found: connect one or choose another input device, then try again.";
const TOKEN_REFUSED =
  "Twilio refused the softphone's access token: ask an administrator to check the Twilio API key and TwiML app settings.";

/** Signalling could not be reached or was lost (WebSocket closed, timed out, no transport). */
const UNREACHABLE_CODES = new Set([31000, 31003, 31005, 31009, 53000, 53001]);
/** The access token was rejected: invalid, expired, wrong signature or account. */
const TOKEN_CODES = new Set([20101, 20104, 31201, 31202, 31203, 31204, 31205, 31207]);
const MICROPHONE_DENIED_CODES = new Set([31208, 31401]);
const MICROPHONE_MISSING_CODES = new Set([31402]);
/** The call's audio path (ICE) failed even though signalling worked. */
const MEDIA_CODES = new Set([53400, 53405]);

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
}

function fields(error: unknown): { code: number | null; name: string; message: string } {
  const e = (typeof error === "object" && error !== null ? error : {}) as ErrorLike;
  return {
    code: typeof e.code === "number" ? e.code : null,
    name: typeof e.name === "string" ? e.name : "",
    message: typeof e.message === "string" ? e.message : typeof error === "string" ? error : "",
  };
}

export function describeSoftphoneError(error: unknown): Notice {
  const { code, name, message } = fields(error);
  if ((code !== null && MICROPHONE_DENIED_CODES.has(code)) || name === "NotAllowedError")
    return { kind: "microphone", message: MICROPHONE_BLOCKED };
  if ((code !== null && MICROPHONE_MISSING_CODES.has(code)) || name === "NotFoundError")
    return { kind: "microphone", message: NO_MICROPHONE };
  if (code !== null && UNREACHABLE_CODES.has(code))
    return { kind: "unreachable", message: UNREACHABLE_MESSAGE };
  if (code !== null && TOKEN_CODES.has(code)) return { kind: "token", message: TOKEN_REFUSED };
  if (code !== null && MEDIA_CODES.has(code))
    return {
      kind: "call",
      message: "The call's audio could not connect: a firewall or the network blocks it. Try again.",
    };
  const detail = message || "unknown error";
  return { kind: "other", message: `Softphone error: ${detail}${code !== null ? ` (${code})` : ""}` };
}

/** Errors that leave the line unable to take calls, rather than failing just one call. */
export function isLineError(notice: Notice): boolean {
  return notice.kind === "unreachable" || notice.kind === "token";
}
