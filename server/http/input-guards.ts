/**
 * Checks every request's query and JSON body before validation: PostgreSQL text cannot hold a NUL
 * character, so one would fail deep in the driver as a 500; here it is a clear 400. A JSON body
 * nested deeper than any of ours is refused before it is parsed: thousands of levels would exhaust
 * the stack of whatever walks it next.
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

/** No body the API takes is nested anywhere near this deep. */
export const MAX_JSON_DEPTH = 32;

/** How deep `text`'s arrays and objects nest, counting only to `limit + 1`. */
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92)
        i++; // a backslash escapes the next character
      else if (char === 34) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 91 || char === 123) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (char === 93 || char === 125) depth--;
  }
  return deepest;
}

export function installInputGuards(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (jsonDepth(String(body), MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
      return done(
        new AppError("VALIDATION", `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`),
        undefined,
      );
    parseJson(request, String(body), done);
  });
  app.addHook("preValidation", async (request) => {
    const where = findNul(request.query, "querystring") ?? findNul(request.body, "body");
    if (where)
      throw new AppError("VALIDATION", `${where} contains a NUL character, which cannot be stored.`, {
        field: where,
      });
  });
}
