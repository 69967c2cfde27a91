import type { CountryCode } from "libphonenumber-js";
import { getCountries } from "libphonenumber-js";
import { z } from "zod";
import {
  CALLBACK_STATUSES,
  CAMPAIGN_MODES,
  CAMPAIGN_STATUSES,
  DIAL_ATTEMPT_KINDS,
  DIAL_STATUSES,
  IMPORT_ISSUE_KINDS,
  LIST_IMPORT_STATUSES,
  LIST_RECORD_STATUSES,
  TIME_ZONE_SOURCES,
} from "../../db/schema/outbound.ts";
import { AGENT_DISPOSITIONS } from "../../outbound/retry-rules.ts";
import { isoDate, timeZoneName } from "../http/schemas.ts";

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

export const callbackSchema = z.object({
  localTime: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "must be a local time like 2026-07-16T10:30"),
  timeZone: timeZone.optional(),
  agent: z.union([z.enum(["me", "anyone"]), z.uuid()]).optional(),
  note: z.string().max(2000).optional(),
});
export const paging = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

// What the outbound routes answer. Plain shapes (no input limits): they describe rows as stored, and
// fastify's serializer sends exactly these fields. The console reads its types from them.

export const callListSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  createdById: z.uuid().nullable(),
  createdAt: isoDate,
});

export const csvPreviewSchema = z.object({
  headers: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  suggestedMapping: z.record(z.string(), z.string()),
});

export const listRecordSchema = z.object({
  id: z.uuid(),
  listId: z.uuid(),
  contactId: z.uuid(),
  phone: z.string(),
  extension: z.string().nullable(),
  name: z.string().nullable(),
  timeZones: z.array(z.string()),
  timeZoneSource: z.enum(TIME_ZONE_SOURCES),
  attributes: z.record(z.string(), z.string()),
  line: z.number().int().nullable(),
  status: z.enum(LIST_RECORD_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: isoDate.nullable(),
  lastAttemptAt: isoDate.nullable(),
  lastDisposition: z.string().nullable(),
  statusReason: z.string().nullable(),
  agentId: z.uuid().nullable(),
  recycled: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

/** An import as it is stored, without its file. */
export const listImportSchema = z.object({
  id: z.uuid(),
  listId: z.uuid(),
  status: z.enum(LIST_IMPORT_STATUSES),
  mapping: z.object({
    phone: z.string(),
    name: z.string().nullish(),
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    timeZone: z.string().nullish(),
  }),
  defaultCountry: z.string(),
  totalRows: z.number().int(),
  rowsDone: z.number().int(),
  doneThroughLine: z.number().int(),
  imported: z.number().int(),
  duplicates: z.number().int(),
  invalid: z.number().int(),
  contactsMatched: z.number().int(),
  failure: z.string().nullable(),
  createdById: z.uuid().nullable(),
  createdAt: isoDate,
  finishedAt: isoDate.nullable(),
});

export const importIssueSchema = z.object({
  line: z.number().int(),
  kind: z.enum(IMPORT_ISSUE_KINDS),
  reason: z.string(),
  value: z.string(),
});

/** An import and a page of its issues by line. */
export const importProgressSchema = listImportSchema.extend({ issues: z.array(importIssueSchema) });

export const doNotCallSchema = z.object({
  id: z.uuid(),
  phone: z.string(),
  campaignId: z.uuid().nullable(),
  source: z.string(),
  reason: z.string(),
  createdById: z.uuid().nullable(),
  createdAt: isoDate,
});

export const doNotCallImportSchema = z.object({
  added: z.number().int(),
  alreadyListed: z.number().int(),
  invalid: z.array(z.object({ line: z.number(), value: z.string(), reason: z.string() })),
});

const storedRetryRule = z.object({ retryAfterMinutes: z.number(), maxAttempts: z.number() });

/** A campaign as stored; a retry rule it does not set is answered with the default one. */
export const campaignSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  listId: z.uuid(),
  queueId: z.uuid().nullable(),
  skills: z.array(z.object({ skillId: z.uuid(), level: z.number().int() })),
  mode: z.enum(CAMPAIGN_MODES),
  status: z.enum(CAMPAIGN_STATUSES),
  script: z.string(),
  /** Stored as given, and given only from AGENT_DISPOSITIONS (the create and update bodies check them). */
  dispositions: z.array(z.string()),
  callingHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  schedule: z
    .object({
      timeZone: z.string(),
      windows: z.array(z.object({ days: z.array(z.number().int()), start: z.string(), end: z.string() })),
    })
    .nullable(),
  abandonLimitPercent: z.number(),
  maxRatio: z.number(),
  ringSeconds: z.number().int(),
  retryRules: z.object({
    no_answer: storedRetryRule,
    busy: storedRetryRule,
    answering_machine: storedRetryRule,
    failed: storedRetryRule,
    abandoned: storedRetryRule,
  }),
  maxAttemptsPerRecord: z.number().int(),
  callerId: z.string(),
  voicemailDropUrl: z.string().nullable(),
  abandonMessage: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

/** What a new campaign gets for every field it does not set. */
export const campaignDefaultsSchema = campaignSchema.omit({
  id: true,
  name: true,
  listId: true,
  mode: true,
  callerId: true,
  status: true,
  createdAt: true,
  updatedAt: true,
});

export const agentResultSchema = z.object({
  agentId: z.uuid(),
  name: z.string(),
  calls: z.number(),
  connected: z.number(),
  sales: z.number(),
  interested: z.number(),
  callbacks: z.number(),
  conversion: z.number(),
});

export const dashboardSchema = z.object({
  campaignId: z.uuid(),
  status: z.enum(CAMPAIGN_STATUSES),
  mode: z.enum(CAMPAIGN_MODES),
  dialed: z.number(),
  skipped: z.number(),
  connected: z.number(),
  contactRate: z.number(),
  sales: z.number(),
  interested: z.number(),
  conversion: z.number(),
  leadsValueCents: z.number(),
  abandoned: z.number(),
  abandonmentRate: z.number(),
  abandonLimitPercent: z.number(),
  attemptsPerRecord: z.number(),
  records: z.object({
    total: z.number(),
    pending: z.number(),
    inProgress: z.number(),
    callback: z.number(),
    done: z.number(),
  }),
  perAgent: z.array(agentResultSchema),
  projectedCompletionAt: isoDate.nullable(),
});

/** One dial or skip of a record, newest first. */
export const historyEntrySchema = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  kind: z.enum(DIAL_ATTEMPT_KINDS),
  status: z.enum(DIAL_STATUSES),
  explanation: z.string(),
  agentId: z.uuid().nullable(),
  disposition: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: isoDate,
  answeredAt: isoDate.nullable(),
  endedAt: isoDate.nullable(),
});

/** A record with the contact's local time, its campaign's script and dispositions, and its history. */
export const recordViewSchema = z.object({
  record: listRecordSchema,
  localTime: z.string(),
  script: z.string(),
  /** Stored as given, and given only from AGENT_DISPOSITIONS (the create and update bodies check them). */
  dispositions: z.array(z.string()),
  history: z.array(historyEntrySchema),
});

/** The campaign call an agent is on, or finished and has not wrapped up. */
export const currentCallSchema = recordViewSchema.extend({
  attemptId: z.uuid(),
  campaign: z.object({ id: z.uuid(), name: z.string(), mode: z.enum(CAMPAIGN_MODES) }),
  live: z.boolean(),
  answeredAt: isoDate.nullable(),
});

export const placedCallSchema = z.object({ attemptId: z.uuid(), callSid: z.string() });

export const dispositionResultSchema = z.object({
  record: listRecordSchema,
  attemptId: z.uuid(),
  explanation: z.string(),
  leadId: z.uuid().nullable(),
  callbackId: z.uuid().nullable(),
});

export const outboundCallbackSchema = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  recordId: z.uuid(),
  agentId: z.uuid().nullable(),
  dueAt: isoDate,
  localTime: z.string(),
  timeZone: z.string(),
  note: z.string(),
  status: z.enum(CALLBACK_STATUSES),
  createdById: z.uuid().nullable(),
  createdAt: isoDate,
});

/** A list answer: `{ items }`. */
export const itemsOf = <Item extends z.ZodType>(item: Item) => z.object({ items: z.array(item) });
