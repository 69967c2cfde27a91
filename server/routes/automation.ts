/** Automation for admins: rule sets, their ordered rules on events and on time, and dry-runs. */
import { z } from "zod";
import { dryRunRule } from "../../automation/dry-run.ts";
import type { RuleRow } from "../../automation/rule-cache.ts";
import {
  AUTOMATION_EVENTS,
  actionsSchema,
  conditionsSchema,
  TIME_ANCHORS,
} from "../../automation/rule-schema.ts";
import {
  createRule,
  createRuleSet,
  deleteRule,
  deleteRuleSet,
  listRuleSets,
  type RuleStoreDeps,
  reorder,
  updateRule,
  updateRuleSet,
} from "../../automation/rule-store.ts";
import { AUTOMATION_MODES, AUTOMATION_TRIGGERS } from "../../db/schema/integrations.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const name = z.string().trim().min(1, "cannot be empty").max(100);

const ruleFields = {
  ruleSetId: z.uuid(),
  name,
  trigger: z.enum(AUTOMATION_TRIGGERS),
  events: z
    .array(z.enum(AUTOMATION_EVENTS))
    .max(AUTOMATION_EVENTS.length)
    .describe("Event rules: what they run on"),
  timeAnchor: z.enum(TIME_ANCHORS).nullable().describe("Time rules: the clock they count from"),
  afterMinutes: z
    .number()
    .int()
    .min(1)
    .max(366 * 24 * 60)
    .nullable()
    .describe(
      "Time rules: minutes after the anchor (business minutes with a `businessHours eq true` condition)",
    ),
  conditions: conditionsSchema.describe("All must hold: `{ field, op, value }`"),
  actions: actionsSchema,
  enabled: z.boolean(),
};

export const ruleSchema = z.object({
  id: z.uuid(),
  ...ruleFields,
  events: z.array(z.string()),
  timeAnchor: z.string().nullable(),
  conditions: z.array(z.unknown()),
  actions: z.array(z.unknown()),
  position: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const ruleSetFields = { name, mode: z.enum(AUTOMATION_MODES), enabled: z.boolean() };

export const ruleSetSchema = z.object({
  id: z.uuid(),
  ...ruleSetFields,
  position: z.number().int(),
  rules: z.array(ruleSchema),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const ruleOut = (row: RuleRow) => ({
  id: row.id,
  ruleSetId: row.ruleSetId,
  name: row.name,
  trigger: row.trigger,
  events: row.events,
  timeAnchor: row.timeAnchor,
  afterMinutes: row.afterMinutes,
  conditions: row.conditions,
  actions: row.actions,
  enabled: row.enabled,
  position: row.position,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const dryRunSchema = z.object({
  scanned: z.number().int().describe("Open cases looked at (the most recently active)"),
  truncated: z.boolean().describe("More open cases exist than were looked at"),
  matched: z.array(
    z.object({
      caseId: z.uuid(),
      number: z.number().int(),
      subject: z.string(),
      state: z.string(),
      why: z.array(z.string()),
      anchorAt: isoDate.nullable().optional(),
    }),
  ),
});

type AutomationServices = Pick<Services, "db" | "clock" | "jobs" | "automation">;

export function automationRoutes(app: ZodApp, services: AutomationServices): void {
  const store: RuleStoreDeps = {
    db: services.db,
    rules: services.automation.rules,
    jobs: services.jobs,
    clock: services.clock,
  };
  const tags = ["automation"];
  const admin = { access: "admin" as const };

  app.get(
    "/api/admin/automation/rule-sets",
    {
      config: admin,
      schema: {
        tags,
        summary: "Rule sets in order, each with its rules in order",
        response: responses({ 200: z.object({ items: z.array(ruleSetSchema) }) }),
      },
    },
    async () => ({
      items: (await listRuleSets(services.db)).map((set) => ({ ...set, rules: set.rules.map(ruleOut) })),
    }),
  );

  app.post(
    "/api/admin/automation/rule-sets",
    {
      config: admin,
      schema: {
        tags,
        summary: "Create a rule set (first_match or all_match), placed last",
        body: z.object({ ...ruleSetFields, enabled: ruleSetFields.enabled.default(true) }),
        response: responses({ 201: ruleSetSchema }),
      },
    },
    async (request, reply) => {
      const row = await createRuleSet(store, request.body);
      return reply.code(201).send({ ...row, rules: [] });
    },
  );

  app.put(
    "/api/admin/automation/rule-sets/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Rename a rule set, change its mode, enable or disable it",
        params: idParam,
        body: z
          .object(ruleSetFields)
          .partial()
          .refine((body) => Object.keys(body).length > 0, "give at least one of name, mode, enabled"),
        response: responses({ 200: ruleSetSchema }, [404]),
      },
    },
    async (request) => {
      await updateRuleSet(store, request.params.id, request.body);
      const set = (await listRuleSets(services.db)).find((candidate) => candidate.id === request.params.id)!;
      return { ...set, rules: set.rules.map(ruleOut) };
    },
  );

  ruleSetOrderRoutes(app, store);
  ruleRoutes(app, services, store);
}

/** Deleting and ordering rule sets. */
function ruleSetOrderRoutes(app: ZodApp, store: RuleStoreDeps): void {
  const tags = ["automation"];
  const admin = { access: "admin" as const };

  app.delete(
    "/api/admin/automation/rule-sets/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Delete a rule set and its rules",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deleteRuleSet(store, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/admin/automation/rule-sets/reorder",
    {
      config: admin,
      schema: {
        tags,
        summary: "Put the rule sets in this order (every set, once)",
        body: z.object({ ids: z.array(z.uuid()).max(500) }),
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await reorder(store, { ids: request.body.ids });
      return reply.code(204).send(null);
    },
  );
}

function ruleRoutes(app: ZodApp, services: AutomationServices, store: RuleStoreDeps): void {
  const tags = ["automation"];
  const admin = { access: "admin" as const };

  app.get(
    "/api/admin/automation/rules",
    {
      config: admin,
      schema: {
        tags,
        summary: "Every rule, set by set in order",
        response: responses({ 200: z.object({ items: z.array(ruleSchema) }) }),
      },
    },
    async () => ({ items: (await listRuleSets(services.db)).flatMap((set) => set.rules.map(ruleOut)) }),
  );

  app.post(
    "/api/admin/automation/rules",
    {
      config: admin,
      schema: {
        tags,
        summary: "Create a rule on events or on time, placed last in its set",
        description:
          "A bad condition or action is 400 naming it (`conditions[1].value: …`). A time rule's schedule is written for the open cases by a background job.",
        body: z.object({
          ...ruleFields,
          events: ruleFields.events.default([]),
          timeAnchor: ruleFields.timeAnchor.default(null),
          afterMinutes: ruleFields.afterMinutes.default(null),
          conditions: ruleFields.conditions.default([]),
          enabled: ruleFields.enabled.default(true),
        }),
        response: responses({ 201: ruleSchema }),
      },
    },
    async (request, reply) => {
      const row = await createRule(store, request.body, currentAgent(request).id);
      return reply.code(201).send(ruleOut(row));
    },
  );

  app.put(
    "/api/admin/automation/rules/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Change a rule",
        params: idParam,
        body: z
          .object(ruleFields)
          .partial()
          .refine((body) => Object.keys(body).length > 0, "give at least one field to change"),
        response: responses({ 200: ruleSchema }, [404]),
      },
    },
    async (request) => ruleOut(await updateRule(store, request.params.id, request.body)),
  );

  app.delete(
    "/api/admin/automation/rules/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Delete a rule",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deleteRule(store, request.params.id);
      return reply.code(204).send(null);
    },
  );

  ruleOrderRoutes(app, services, store);
}

/** Ordering rules and dry-running one. */
function ruleOrderRoutes(app: ZodApp, services: AutomationServices, store: RuleStoreDeps): void {
  const tags = ["automation"];
  const admin = { access: "admin" as const };

  app.post(
    "/api/admin/automation/rules/reorder",
    {
      config: admin,
      schema: {
        tags,
        summary: "Put the rules of one set in this order (every rule of the set, once)",
        body: z.object({ ruleSetId: z.uuid(), ids: z.array(z.uuid()).max(500) }),
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await reorder(store, request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/admin/automation/rules/:id/dry-run",
    {
      config: admin,
      schema: {
        tags,
        summary: "Which open cases the rule would match now, and why (nothing is changed)",
        description: "Looks at the 500 most recently active open cases and answers at most 50 matches.",
        params: idParam,
        response: responses({ 200: dryRunSchema }, [404]),
      },
    },
    async (request) => dryRunRule(services.automation, request.params.id),
  );
}
