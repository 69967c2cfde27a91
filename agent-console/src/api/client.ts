/**
 * fetch with the session cookie (the browser sends it on our own origin; no script holds a token);
 * every non-2xx answer becomes an `ApiError` carrying the server's message.
 */
import { useSession } from "../state/session-store.ts";
import type { ApiErrorBody } from "./types.ts";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = "ApiError";
    this.status = status;
    this.code = body.error;
    this.details = body.details;
  }
}

/** The message to show a person for any error a request or socket call produced. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Try again.";
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === "object" && value !== null && typeof (value as ApiErrorBody).message === "string";
}

export async function request<T>(
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      error: "network",
      message: "Cannot reach the server. Check your connection and try again.",
    });
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    // An expired or revoked session: back to the sign-in screen (but a failed sign-in is just an error).
    if (response.status === 401 && useSession.getState().status !== "signedOut")
      useSession.getState().clear();
    throw new ApiError(
      response.status,
      isErrorBody(parsed)
        ? parsed
        : { error: "http_error", message: `The server answered ${response.status} ${response.statusText}.` },
    );
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, body),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
};
