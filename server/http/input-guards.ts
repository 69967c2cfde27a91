/**
 * Checks every request's query and JSON body before validation: PostgreSQL text cannot hold a NUL
 * character, so one would fail deep in the driver as a 500; here it is a clear 400.
 */
import type { FastifyInstance } from "fastify";
import { AppError } from "../../cases/errors.ts";

function findNul(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, `${path}[${index}]`);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = findNul(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

export function installInputGuards(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const where = findNul(request.query, "querystring") ?? findNul(request.body, "body");
    if (where)
      throw new AppError("VALIDATION", `${where} contains a NUL character, which cannot be stored.`, {
        field: where,
      });
  });
}
