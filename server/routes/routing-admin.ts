/** Admin API for routing: skills, agents' skill levels, queues with overflow steps, assignment rules. */
import { z } from "zod";
import { PRIORITIES } from "../../db/schema/cases.ts";
import { SELECTION_POLICIES } from "../../db/schema/routing.ts";
import {
  createQueue,
  createRule,
  deleteQueue,
  deleteRule,
  getQueue,
  listQueues,
  listRules,
  reorderRules,
  updateQueue,
  updateRule,
} from "../../routing/catalog.ts";
import { compileCalendar } from "../../sla/business-calendar-rules.ts";
import { idParam, isoDate, responses, timeZoneName } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import { fieldConditions } from "./custom-field-schemas.ts";
import { agentSkillRoutes, skillRequirement, skillRoutes } from "./skills.ts";
import type { ZodApp } from "./zod-app.ts";

const afterSeconds = z
  .number()
  .int()
  .min(0)
  .max(7 * 24 * 3600);
const skipIfNoAgents = z
  .boolean()
  .optional()
  .describe("Apply this step at once when no agent is available for the criteria before it");
export const overflowStepSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("drop_preferred"), afterSeconds, skipIfNoAgents }),
  z.object({
    action: z.literal("lower_required"),
    afterSeconds,
    by: z.number().int().min(1).max(9),
    skipIfNoAgents,
  }),
  z.object({ action: z.literal("add_queue"), afterSeconds, queueId: z.uuid(), skipIfNoAgents }),
]);

const agingStep = z.object({
  afterSeconds: z.number().int().min(1),
  raiseBy: z.number().int().min(1).max(3),
});

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be HH:MM");
export const calendarSchema = z
  .object({
    timeZone: timeZoneName("Europe/Berlin"),
    weekly: z.array(z.object({ day: z.number().int().min(0).max(6), start: clock, end: clock })),
    holidays: z.array(
      z.string().regex(/^(\d{4}-)?\d{2}-\d{2}$/, "must be YYYY-MM-DD, or MM-DD for every year"),
    ),
  })
  .superRefine((calendar, context) => {
    // What the calendar maths refuses (an interval ending before it starts, 2026-02-30) is refused
    // here, rather than failing later when a due time is computed.
    try {
      compileCalendar(calendar);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      context.addIssue({ code: "custom", message: error.message.replace(/^calendar\./, "") });
    }
  });

const queueFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000),
  isDefault: z.boolean(),
  requiredSkills: z.array(skillRequirement).max(20),
  preferredSkills: z.array(skillRequirement).max(20),
  policy: z.enum(SELECTION_POLICIES),
  overflowSteps: z.array(overflowStepSchema).max(10),
  agingSteps: z.array(agingStep).max(10),
  stickySeconds: z.number().int().min(0).max(3600),
  wrapUpSeconds: z.number().int().min(0).max(3600),
  offerTimeoutSeconds: z.number().int().min(5).max(600).nullable(),
  businessHours: calendarSchema.nullable().describe("Hours of its own (sets calendarId null)"),
  calendarId: z
    .uuid()
    .nullable()
    .describe("A named business calendar, copied into businessHours and kept up to date with it"),
  serviceLevelPercent: z.number().int().min(1).max(100),
  serviceLevelSeconds: z.number().int().min(1).max(3600),
  dispositionRequired: z
    .boolean()
    .describe("Its cases need a disposition code before they are resolved or closed"),
};
const queueCreate = z
  .object({ ...queueFields, name: queueFields.name })
  .partial()
  .required({ name: true });
const queueUpdate = z.object(queueFields).partial();

export const queueSchema = z.object({
  id: z.uuid(),
  ...queueFields,
  createdAt: isoDate,
  updatedAt: isoDate,
});

const conditionsSchema = z
  .object({
    channels: z.array(z.enum(["chat", "email", "sms", "voice"])).optional(),
    addresses: z.array(z.string().min(1).max(320)).optional(),
    contactAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    keywords: z.array(z.string().trim().min(1).max(100)).optional(),
    priorities: z.array(z.enum(PRIORITIES)).optional(),
    customFields: fieldConditions.optional().describe("Case custom fields that must hold these values"),
    contactFields: fieldConditions.optional().describe("Contact custom fields that must hold these values"),
  })
  .strict();
const ruleFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  conditions: conditionsSchema,
  queueId: z.uuid(),
  setPriority: z.enum(PRIORITIES).nullable(),
};
export const assignmentRuleSchema = z.object({
  id: z.uuid(),
  position: z.number().int(),
  ...ruleFields,
  createdAt: isoDate,
  updatedAt: isoDate,
});

const admin = { access: "admin" } as const;

type RoutingAdminServices = Pick<Services, "cases" | "db" | "routing" | "routingRunner">;

/** A change to queues or rules is seen at once by this process's routing (others within seconds). */
function invalidateConfigOnChange(app: ZodApp, services: Pick<Services, "routing">): void {
  // The hook sits on the root instance, so it looks at the route before clearing anything.
  const configRoutes = /^\/api\/(queues|assignment-rules)(\/|$)/;
  app.addHook("onResponse", async (request, reply) => {
    if (
      request.method !== "GET" &&
      reply.statusCode < 300 &&
      configRoutes.test(request.routeOptions.url ?? "")
    ) {
      services.routing.config.invalidate();
    }
  });
}

/** Queues as any agent sees them. */
function queueReadRoutes(app: ZodApp, { db }: Pick<Services, "db">): void {
  app.get(
    "/api/queues",
    {
      config: { access: "agent" },
      schema: {
        tags: ["routing"],
        summary: "All queues",
        response: responses({ 200: z.object({ items: z.array(queueSchema) }) }),
      },
    },
    async () => ({ items: await listQueues(db) }),
  );
  app.get(
    "/api/queues/:id",
    {
      config: { access: "agent" },
      schema: {
        tags: ["routing"],
        summary: "One queue",
        params: idParam,
        response: responses({ 200: queueSchema }, [404]),
      },
    },
    async (request) => getQueue(db, request.params.id),
  );
}

/** Creating, changing and deleting queues; new criteria wake the queue's routing. */
function queueAdminRoutes(app: ZodApp, services: Pick<Services, "db" | "routingRunner">): void {
  const { db } = services;
  app.post(
    "/api/queues",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Create a queue",
        description:
          "Required skills (agent level ≥ the given level), preferred skills (required until dropped), a selection policy, and overflow steps applied after their wait: drop_preferred, lower_required (by N levels), add_queue (its agents may take the case too); skipIfNoAgents applies a step at once when nobody is available for the criteria before it.",
        body: queueCreate,
        response: responses({ 201: queueSchema }, [409]),
      },
    },
    async (request, reply) => reply.code(201).send(await createQueue(db, request.body)),
  );
  app.patch(
    "/api/queues/:id",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Change a queue",
        params: idParam,
        body: queueUpdate,
        response: responses({ 200: queueSchema }, [404, 409]),
      },
    },
    async (request) => {
      const queue = await updateQueue(db, request.params.id, request.body);
      // New criteria may make waiting cases routable now.
      services.routingRunner.request(queue.id);
      return queue;
    },
  );
  app.delete(
    "/api/queues/:id",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Delete an empty queue",
        params: idParam,
        response: responses({ 204: z.null() }, [404, 409]),
      },
    },
    async (request, reply) => {
      await deleteQueue(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** Listing assignment rules and adding one. */
function assignmentRuleRoutes(app: ZodApp, { db }: Pick<Services, "db">): void {
  app.get(
    "/api/assignment-rules",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["routing"],
        summary: "Assignment rules, in the order they are tried",
        response: responses({ 200: z.object({ items: z.array(assignmentRuleSchema) }) }),
      },
    },
    async () => ({ items: await listRules(db) }),
  );
  app.post(
    "/api/assignment-rules",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Add an assignment rule at the end",
        description:
          "A new case goes to the queue of the first enabled rule whose every condition holds; otherwise to the default queue.",
        body: z.object({
          ...ruleFields,
          enabled: ruleFields.enabled.optional(),
          setPriority: ruleFields.setPriority.optional(),
        }),
        response: responses({ 201: assignmentRuleSchema }),
      },
    },
    async (request, reply) => reply.code(201).send(await createRule(db, request.body)),
  );
}

/** Changing, deleting and reordering assignment rules. */
function assignmentRuleChangeRoutes(app: ZodApp, { db }: Pick<Services, "db">): void {
  app.patch(
    "/api/assignment-rules/:id",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Change an assignment rule",
        params: idParam,
        body: z.object(ruleFields).partial(),
        response: responses({ 200: assignmentRuleSchema }, [404]),
      },
    },
    async (request) => updateRule(db, request.params.id, request.body),
  );
  app.delete(
    "/api/assignment-rules/:id",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Delete an assignment rule",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deleteRule(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    "/api/assignment-rules/order",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Set the order rules are tried in",
        body: z.object({ ids: z.array(z.uuid()).max(500) }),
        response: responses({ 200: z.object({ items: z.array(assignmentRuleSchema) }) }),
      },
    },
    async (request) => ({ items: await reorderRules(db, request.body.ids) }),
  );
}

export function routingAdminRoutes(app: ZodApp, services: RoutingAdminServices): void {
  invalidateConfigOnChange(app, services);
  skillRoutes(app, services);
  agentSkillRoutes(app, services);
  queueReadRoutes(app, services);
  queueAdminRoutes(app, services);
  assignmentRuleRoutes(app, services);
  assignmentRuleChangeRoutes(app, services);
}
