/**
 * Checks Twilio's X-Twilio-Signature on a webhook. The signature covers the exact public URL Twilio
 * called (scheme, host, port, path, query) plus the form fields, so it is checked against
 * PUBLIC_URL + the request's path, never against the Host header a proxy may have rewritten.
 */
import type { FastifyRequest } from "fastify";
// The validator alone: the package root loads every Twilio REST API.
import { validateRequest } from "twilio/lib/webhooks/webhooks.js";
import { AppError } from "../../cases/errors.ts";

export function publicUrlOf(publicUrl: string, request: FastifyRequest): string {
  return `${publicUrl}${request.url}`;
}

export function assertTwilioSignature(authToken: string, publicUrl: string, request: FastifyRequest): void {
  const signature = request.headers["x-twilio-signature"];
  const params = (request.body ?? {}) as Record<string, string>;
  if (
    typeof signature !== "string" ||
    !validateRequest(authToken, signature, publicUrlOf(publicUrl, request), params)
  ) {
    throw new AppError("FORBIDDEN", "The Twilio signature is missing or does not match this request.");
  }
}
