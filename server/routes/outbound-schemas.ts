import type { CountryCode } from "libphonenumber-js";
import { getCountries } from "libphonenumber-js";
import { z } from "zod";
import { CAMPAIGN_MODES } from "../../db/schema/outbound.ts";
import { AGENT_DISPOSITIONS } from "../../outbound/retry-rules.ts";
import { timeZoneName } from "../http/schemas.ts";

/** Uploaded files are larger than ordinary requests: 100,000 rows are a few megabytes. */
export const FILE_BODY_LIMIT = 64 * 1024 * 1024;
export const tags = ["outbound"];
export const supervisor = { access: "supervisor" } as const;
export const agent = { access: "agent" } as const;

const COUNTRIES = new Set<string>(getCountries());
export const country = z
  .string()
  .refine((value) => COUNTRIES.has(value), "must be an ISO country code such as US or GB")
  .transform((value) => value as CountryCode);
export const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be HH:MM");
const timeZone = timeZoneName("America/Chicago", { regionOnly: true });
export const csv = z.string().min(1, "must not be empty");
export const mappingSchema = z.object({
  phone: z.string().min(1),
  name: z.string().min(1).nullish(),
  firstName: z.string().min(1).nullish(),
  lastName: z.string().min(1).nullish(),
  timeZone: z.string().min(1).nullish(),
});
const retryRule = z.object({
  retryAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60),
  maxAttempts: z.number().int().min(1).max(50),
});
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +14155550100");

export const campaignFields = {
  name: z.string().trim().min(1).max(100),
  listId: z.uuid(),
  queueId: z.uuid().nullable(),
  skills: z.array(z.object({ skillId: z.uuid(), level: z.number().int().min(1).max(10) })).max(20),
  mode: z.enum(CAMPAIGN_MODES),
  script: z.string().max(20_000),
  dispositions: z.array(z.enum(AGENT_DISPOSITIONS)).min(1),
  callingHours: z.object({ start: clock, end: clock }).nullable(),
  schedule: z
    .object({
      timeZone,
      windows: z
        .array(z.object({ days: z.array(z.number().int().min(0).max(6)).min(1), start: clock, end: clock }))
        .min(1)
        .max(21),
    })
    .nullable(),
  abandonLimitPercent: z.number().min(0).max(3),
  maxRatio: z.number().min(1).max(5),
  ringSeconds: z.number().int().min(15).max(60),
  retryRules: z
    .object({
      no_answer: retryRule,
      busy: retryRule,
      answering_machine: retryRule,
      failed: retryRule,
      abandoned: retryRule,
    })
    .partial(),
  maxAttemptsPerRecord: z.number().int().min(1).max(50),
  callerId: e164,
  voicemailDropUrl: z.url().nullable(),
  abandonMessage: z.string().trim().min(1).max(500),
};
export const DEFAULTS = {
  queueId: null,
  skills: [],
  script: "",
  dispositions: [...AGENT_DISPOSITIONS],
  callingHours: null,
  schedule: null,
  abandonLimitPercent: 3,
  maxRatio: 3,
  ringSeconds: 25,
  retryRules: {},
  maxAttemptsPerRecord: 8,
  voicemailDropUrl: null,
  abandonMessage: "Sorry, all our agents are busy. We will call you back later. Goodbye.",
};
export const campaignCreate = z
  .object(campaignFields)
  .partial()
  .required({ name: true, listId: true, mode: true, callerId: true });

export const row = z.looseObject({ id: z.uuid() });
export const items = z.object({ items: z.array(row) });
export const callbackSchema = z.object({
  localTime: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "must be a local time like 2026-07-16T10:30"),
  timeZone: timeZone.optional(),
  agent: z.union([z.enum(["me", "anyone"]), z.uuid()]).optional(),
  note: z.string().max(2000).optional(),
});
export const recordViewSchema = z.looseObject({ record: row, localTime: z.string(), script: z.string() });
export const paging = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};
