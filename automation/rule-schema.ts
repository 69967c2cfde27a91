/**
 * What a rule or macro is made of — conditions (all must hold) and actions — as zod schemas, so a
 * rule is checked once when it is saved and read back as typed data. An admin's mistake is refused
 * with the condition or action it is in ("conditions[1].value: …").
 */
import { z } from "zod";
import { CASE_STATES, CHANNELS, PRIORITIES } from "../db/schema/cases.ts";
import { unsafeRegexReason } from "./safe-regex.ts";

export const AUTOMATION_EVENTS = ["case.created", "case.updated", "interaction.created"] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];

export const TIME_ANCHORS = [
  "created",
  "waiting_on_customer_since",
  "unassigned_since",
  "last_customer_message",
  "last_agent_reply",
] as const;
export type TimeAnchor = (typeof TIME_ANCHORS)[number];

export const CONDITION_OPS = [
  "eq",
  "neq",
  "in",
  "not_in",
  "includes",
  "not_includes",
  "contains",
  "matches",
  "gt",
  "lt",
  "exists",
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** Longest pattern a `matches` condition may use: long patterns are where slow regexes hide. */
export const MAX_PATTERN_LENGTH = 200;

const FIXED_FIELDS = [
  "channel",
  "queue",
  "priority",
  "state",
  "tags",
  "assignee",
  "message",
  "businessHours",
];
const FIELD =
  /^(channel|queue|priority|state|tags|assignee|message|businessHours|subject)$|^(customFields|contact)\.[a-zA-Z0-9_]{1,64}$/;

const scalar = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

export const conditionSchema = z
  .object({
    field: z
      .string()
      .regex(
        FIELD,
        `must be one of ${FIXED_FIELDS.join(", ")}, subject, customFields.<key> or contact.<attribute>`,
      ),
    op: z.enum(CONDITION_OPS),
    value: z.union([scalar, z.array(scalar).max(100)]).optional(),
  })
  .superRefine((condition, ctx) => {
    const { op, value, field } = condition;
    const fail = (message: string) => ctx.addIssue({ code: "custom", path: ["value"], message });
    if (op === "exists") return;
    if (value === undefined) return fail(`is required for op '${op}'`);
    if ((op === "in" || op === "not_in") && !Array.isArray(value)) return fail(`must be a list for '${op}'`);
    if ((op === "contains" || op === "matches") && typeof value !== "string")
      return fail(`must be text for '${op}'`);
    if ((op === "gt" || op === "lt") && typeof value !== "number")
      return fail(`must be a number for '${op}'`);
    if (op === "matches") {
      const pattern = value as string;
      if (pattern.length > MAX_PATTERN_LENGTH) return fail(`can be at most ${MAX_PATTERN_LENGTH} characters`);
      try {
        new RegExp(pattern, "iu");
      } catch (error) {
        return fail(`is not a valid regular expression (${(error as Error).message})`);
      }
      const unsafe = unsafeRegexReason(pattern);
      if (unsafe) return fail(unsafe);
    }
    if (field === "channel") checkEnum(value, CHANNELS, fail);
    if (field === "priority") checkEnum(value, PRIORITIES, fail);
    if (field === "state") checkEnum(value, CASE_STATES, fail);
    if (field === "businessHours" && typeof value !== "boolean")
      fail("must be true or false for businessHours");
  });

function checkEnum(value: unknown, allowed: readonly string[], fail: (message: string) => void): void {
  const values = Array.isArray(value) ? value : [value];
  const wrong = values.filter((v) => typeof v !== "string" || !allowed.includes(v));
  if (wrong.length) fail(`${wrong.map(String).join(", ")} is not one of ${allowed.join(", ")}`);
}

export type Condition = z.infer<typeof conditionSchema>;

const tag = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^,]+$/, "cannot contain a comma");
const text = z.string().trim().min(1, "cannot be empty").max(5000);

export const actionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("set_priority"), priority: z.enum(PRIORITIES) }),
  z.object({ type: z.literal("add_tags"), tags: z.array(tag).min(1).max(30) }),
  z.object({ type: z.literal("remove_tags"), tags: z.array(tag).min(1).max(30) }),
  z.object({ type: z.literal("set_queue"), queueId: z.uuid() }),
  z.object({
    type: z.literal("set_custom_field"),
    key: z.string().regex(/^[a-z0-9_]{1,64}$/, "must be lower case a-z, 0-9 and _"),
    value: scalar,
  }),
  z.object({ type: z.literal("assign"), agentId: z.uuid() }),
  z.object({ type: z.literal("unassign") }),
  z
    .object({ type: z.literal("reply"), text: text.optional(), cannedResponseId: z.uuid().optional() })
    .refine(
      (a) => Boolean(a.text) !== Boolean(a.cannedResponseId),
      "give exactly one of text or cannedResponseId",
    ),
  z.object({ type: z.literal("note"), text }),
  z
    .object({
      type: z.literal("notify"),
      agentIds: z.array(z.uuid()).max(50).optional(),
      supervisors: z.boolean().optional().describe("The case's queue's supervisors"),
      message: z.string().trim().min(1).max(500),
    })
    .refine(
      (a) => Boolean(a.agentIds?.length) || a.supervisors === true,
      "name agentIds or supervisors: true",
    ),
  z.object({ type: z.literal("set_state"), state: z.enum(["resolved", "waiting_on_customer"]) }),
  z.object({ type: z.literal("call_webhook"), endpointId: z.uuid() }),
]);

export type AutomationAction = z.infer<typeof actionSchema>;
export type ActionType = AutomationAction["type"];

export const conditionsSchema = z.array(conditionSchema).max(20);
export const actionsSchema = z.array(actionSchema).min(1, "give at least one action").max(20);

/** Parses stored jsonb (written through the schemas above); anything else is treated as no rule. */
export function storedConditions(value: unknown): Condition[] {
  const parsed = conditionsSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

export function storedActions(value: unknown): AutomationAction[] {
  const parsed = z.array(actionSchema).safeParse(value);
  return parsed.success ? parsed.data : [];
}
