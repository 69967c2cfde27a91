/**
 * The one error handler: domain errors, validation errors and fastify's own become
 * `{ error, message, details? }` with the right status; 5xx details stay in the log.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError, errorName } from "../../cases/errors.ts";

const snake = (code: string) => code.toLowerCase();

/** Fastify's own error codes, renamed to ours. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_body",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_body",
};

export function installErrorHandler(
  app: FastifyInstance,
  options: { fallback?: (request: FastifyRequest, reply: FastifyReply) => boolean } = {},
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.code === "RATE_LIMITED" && typeof error.details?.retryAfterSeconds === "number") {
        reply.header("retry-after", String(error.details.retryAfterSeconds));
      }
      return reply.code(error.status).send({
        error: errorName(error.code),
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        path: `${error.validationContext ?? "body"}${issue.instancePath.replaceAll("/", ".")}`,
        message: issue.message ?? "is invalid",
      }));
      return reply.code(400).send({
        error: "validation_failed",
        message: issues.map((i) => `${i.path}: ${i.message}`).join("; "),
        details: { issues },
      });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, "response did not match its schema");
      return reply
        .code(500)
        .send({ error: "internal", message: "The server could not produce a valid answer." });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const code =
        (error.code && FASTIFY_CODES[error.code]) ??
        (error.code ? snake(error.code.replace(/^FST_ERR_/, "")) : "bad_request");
      return reply.code(status).send({ error: code, message: error.message });
    }
    request.log.error({ err: error }, "request failed");
    return reply
      .code(status)
      .send({ error: "internal", message: "Something went wrong on the server; it has been logged." });
  });

  app.setNotFoundHandler((request, reply) => {
    if (options.fallback?.(request, reply)) return;
    reply.code(404).send({
      error: "not_found",
      message: `There is no route ${request.method} ${request.url.split("?")[0]}.`,
    });
  });
}
