/**
 * Errors that carry a code. Routes map codes to HTTP statuses; the job runner reads the provider
 * codes (TEMPORARY, AUTH, INVALID) to decide whether a retry can help.
 */
export const ERROR_CODES = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_ACTION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** A provider failed in a way that may pass: retry with backoff. */
  TEMPORARY: 503,
  /** A provider refused our credentials: retrying will not help until someone fixes the config. */
  AUTH: 502,
  /** A provider refused the request itself (bad number, rejected content): never retried. */
  INVALID: 422,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

/** The `error` field of an API answer for a code: lower snake case, validation named like schema failures. */
export function errorName(code: ErrorCode): string {
  return code === "VALIDATION" ? "validation_failed" : code.toLowerCase();
}

export const notFound = (what: string, id: string) =>
  new AppError("NOT_FOUND", `${what} '${id}' does not exist.`);

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
