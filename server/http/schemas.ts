/** Schema pieces every route shares: the error body, ids, dates. */
import { z } from "zod";
import { isTimeZone, type TimeZoneRules } from "../../cases/time-zone.ts";

export const errorBody = z
  .object({
    error: z.string().describe("Machine-readable code, e.g. not_found"),
    message: z.string().describe("What went wrong and what to do about it"),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .describe("Every 4xx and 5xx answer has this shape");

/**
 * Whether a date is one PostgreSQL can be sent: it has no year 0, and from year 10000 JavaScript
 * writes six-digit years PostgreSQL does not read — either would fail in the driver as a 500.
 */
const storableYear = (value: string) => {
  const year = new Date(value).getUTCFullYear();
  return year >= 1 && year <= 9999;
};

/** Dates leave the API as ISO 8601 strings. */
export const isoDate = z.codec(
  z.iso.datetime({ offset: true }).refine(storableYear, "must be between the years 0001 and 9999 (UTC)"),
  z.date(),
  {
    decode: (value) => new Date(value),
    encode: (value) => value.toISOString(),
  },
);

export const idParam = z.object({ id: z.uuid({ message: "must be a UUID" }) });

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429;

/** Response schemas for a route: its success bodies plus the error body for each listed status. */
export function responses<T extends Record<number, z.ZodType>>(success: T, errors: ErrorStatus[] = []) {
  const all: Record<number, z.ZodType> = { ...success };
  for (const status of [400, 401, 403, ...errors]) all[status] = errorBody;
  return all as T & Record<ErrorStatus, typeof errorBody>;
}

/** An IANA time zone name, checked as everywhere else (cases/time-zone.ts); `example` is in the message. */
export function timeZoneName(example: string, rules?: TimeZoneRules) {
  return z.string().refine((zone) => isTimeZone(zone, rules), `must be an IANA time zone such as ${example}`);
}
