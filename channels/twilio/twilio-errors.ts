/**
 * Turns what the Twilio client throws into our provider error codes, so the outbox knows whether a
 * retry can help: a refused request (bad number, unsubscribed recipient) is INVALID and never retried,
 * refused credentials are AUTH, and Twilio being busy, down or unreachable is TEMPORARY.
 */
import { AppError } from "../../cases/errors.ts";

/** The fields of twilio's RestException we read; matched by shape so any client version fits. */
interface TwilioRestError {
  status: number;
  code?: number;
  message?: string;
}

function isRestError(error: unknown): error is TwilioRestError {
  return (
    typeof error === "object" && error !== null && typeof (error as { status?: unknown }).status === "number"
  );
}

/** Twilio's error code of a thrown REST error, if it has one. */
export function twilioErrorCode(error: unknown): number | undefined {
  if (error instanceof AppError && typeof error.details?.twilioCode === "number")
    return error.details.twilioCode;
  return isRestError(error) ? error.code : undefined;
}

/** Twilio's "authenticate" error: wrong account SID or auth token. */
const AUTHENTICATION_FAILED = 20003;

export function toAppError(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  if (isRestError(error)) {
    const code = error.code;
    const text = (error.message ?? "").trim() || `HTTP ${error.status}`;
    const suffix = code ? ` (Twilio error ${code})` : ` (HTTP ${error.status})`;
    const details = { twilioStatus: error.status, ...(code ? { twilioCode: code } : {}) };
    if (error.status === 401 || error.status === 403 || code === AUTHENTICATION_FAILED) {
      return new AppError(
        "AUTH",
        `Twilio refused our credentials while trying to ${action}${suffix}: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.`,
        details,
      );
    }
    if (error.status === 429 || error.status >= 500) {
      return new AppError("TEMPORARY", `Twilio could not ${action} just now: ${text}${suffix}`, details);
    }
    return new AppError("INVALID", `${text}${suffix}`, details);
  }
  // No HTTP answer at all: connection refused or reset, DNS, timeout. Worth another try.
  const reason = error instanceof Error ? error.message || error.name : String(error);
  return new AppError("TEMPORARY", `Could not reach Twilio to ${action}: ${reason}`);
}
