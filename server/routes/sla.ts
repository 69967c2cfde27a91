/** SLA API: policies and escalation rules (admin), a case's clocks (agents); the board and remedies are in sla-remedies.ts. */
import { z } from "zod";
import { CHANNELS, PRIORITIES } from "../../db/schema/cases.ts";
import { ESCALATION_ACTIONS, SLA_METRICS, SLA_STATUSES } from "../../db/schema/sla.ts";
import {
  caseTargets,
  createEscalationRule,
  createPolicy,
  deleteEscalationRule,
  deletePolicy,
  listEscalationRules,
  listPolicies,
  reorderPolicies,
  updateEscalationRule,
  updatePolicy,
} from "../../sla/sla-admin.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import { fieldConditions } from "./custom-field-schemas.ts";
import { calendarSchema } from "./routing-admin.ts";
import { slaBoardRoutes, slaRemedyRoutes } from "./sla-remedies.ts";
import type { ZodApp } from "./zod-app.ts";

const target = z.object({
  minutes: z
    .number()
    .positive()
    .max(365 * 24 * 60),
  business: z.boolean(),
});
const metricTargets = z
  .object(
    Object.fromEntries(SLA_METRICS.map((m) => [m, target.optional()])) as Record<
      (typeof SLA_METRICS)[number],
      z.ZodOptional<typeof target>
    >,
  )
  .strict();
const targetsSchema = z
  .object(
    Object.fromEntries(PRIORITIES.map((p) => [p, metricTargets.optional()])) as Record<
      (typeof PRIORITIES)[number],
      z.ZodOptional<typeof metricTargets>
    >,
  )
  .strict();
const conditionsSchema = z
  .object({
    priorities: z.array(z.enum(PRIORITIES)).optional(),
    channels: z.array(z.enum(CHANNELS)).optional(),
    queueIds: z.array(z.uuid()).optional(),
    tags: z.array(z.string().min(1).max(50)).optional(),
    contactAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    customFields: fieldConditions.optional().describe("Case custom fields that must hold these values"),
    contactFields: fieldConditions.optional().describe("Contact custom fields that must hold these values"),
  })
  .strict();
const policyFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  conditions: conditionsSchema,
  targets: targetsSchema,
  atRiskPercent: z.number().int().min(1).max(99),
  calendar: calendarSchema
    .nullable()
    .describe("Hours of its own (sets calendarId null); null: the case's queue's hours"),
  calendarId: z
    .uuid()
    .nullable()
    .describe("A named business calendar, copied into calendar and kept up to date with it"),
};
export const policySchema = z.object({
  id: z.uuid(),
  position: z.number().int(),
  ...policyFields,
  /** Why the policy can never apply (an earlier enabled one takes all its cases); null when it can. */
  neverApplies: z.string().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const ruleFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  trigger: z.enum(["at_risk", "breached"]),
  metric: z.enum(SLA_METRICS).nullable(),
  queueId: z.uuid().nullable(),
  action: z.enum(ESCALATION_ACTIONS),
  targetQueueId: z.uuid().nullable(),
};
export const escalationRuleSchema = z.object({ id: z.uuid(), ...ruleFields, createdAt: isoDate });

/** One SLA target of a case as the API shows it (GET /api/cases/:id/sla). */
export const targetView = z.object({
  metric: z.enum(SLA_METRICS),
  cycle: z.number().int(),
  status: z.enum(SLA_STATUSES),
  paused: z.boolean(),
  targetMinutes: z.number(),
  business: z.boolean(),
  elapsedMinutes: z.number(),
  dueAt: isoDate.nullable(),
  atRiskAt: isoDate.nullable(),
  metAt: isoDate.nullable(),
  breachedAt: isoDate.nullable(),
});

type SlaServices = Pick<Services, "callbacks" | "clock" | "db" | "router" | "routing" | "slaPolicies">;

const admin = { access: "admin" } as const;

/** Passes a value through after telling the policy cache that policies changed. */
function invalidating(services: Pick<Services, "slaPolicies">) {
  return <T>(value: T): T => {
    services.slaPolicies.invalidate();
    return value;
  };
}

/** Listing SLA policies and adding one. */
function slaPolicyRoutes(app: ZodApp, services: Pick<Services, "db" | "slaPolicies">): void {
  const { db } = services;
  const changed = invalidating(services);
  app.get(
    "/api/sla/policies",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary: "SLA policies, in the order they are tried",
        response: responses({ 200: z.object({ items: z.array(policySchema) }) }),
      },
    },
    async () => ({ items: await listPolicies(db) }),
  );
  app.post(
    "/api/sla/policies",
    {
      config: admin,
      schema: {
        tags: ["sla"],
        summary: "Add an SLA policy: above the first catch-all unless it is one, so it can apply",
        description:
          "Targets per priority for first_response, next_response, periodic_update, resolution and answer (voice and chat), each in business or calendar minutes. The first enabled policy whose conditions all hold applies.",
        body: z.object({
          ...policyFields,
          enabled: policyFields.enabled.optional(),
          conditions: conditionsSchema.optional(),
          atRiskPercent: policyFields.atRiskPercent.optional(),
          calendar: policyFields.calendar.optional(),
          calendarId: policyFields.calendarId.optional(),
        }),
        response: responses({ 201: policySchema }, [409]),
      },
    },
    async (request, reply) => reply.code(201).send(changed(await createPolicy(db, request.body))),
  );
}

/** Changing, deleting and reordering SLA policies. */
function slaPolicyChangeRoutes(app: ZodApp, services: Pick<Services, "db" | "slaPolicies">): void {
  const { db } = services;
  const changed = invalidating(services);
  app.patch(
    "/api/sla/policies/:id",
    {
      config: admin,
      schema: {
        tags: ["sla"],
        summary: "Change an SLA policy",
        params: idParam,
        body: z.object(policyFields).partial(),
        response: responses({ 200: policySchema }, [404]),
      },
    },
    async (request) => changed(await updatePolicy(db, request.params.id, request.body)),
  );
  app.delete(
    "/api/sla/policies/:id",
    {
      config: admin,
      schema: {
        tags: ["sla"],
        summary: "Delete an SLA policy",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deletePolicy(db, request.params.id);
      changed(null);
      return reply.code(204).send(null);
    },
  );
  app.post(
    "/api/sla/policies/order",
    {
      config: admin,
      schema: {
        tags: ["sla"],
        summary: "Set the order policies are tried in",
        body: z.object({ ids: z.array(z.uuid()).max(200) }),
        response: responses({ 200: z.object({ items: z.array(policySchema) }) }),
      },
    },
    async (request) => changed({ items: await reorderPolicies(db, request.body.ids) }),
  );
}

/** Escalation rules: what happens when a target is at risk or breached. */
function escalationRuleRoutes(app: ZodApp, { db }: Pick<Services, "db">): void {
  app.get(
    "/api/sla/escalation-rules",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary: "Escalation rules",
        response: responses({ 200: z.object({ items: z.array(escalationRuleSchema) }) }),
      },
    },
    async () => ({ items: await listEscalationRules(db) }),
  );
  app.post(
    "/api/sla/escalation-rules",
    {
      config: admin,
      schema: {
        tags: ["sla"],
        summary: "Add an escalation rule",
        description:
          "When a target becomes at risk or is breached: notify the supervisors, raise the case's priority one step, or move it to another queue.",
        body: z.object({
          ...ruleFields,
          enabled: ruleFields.enabled.optional(),
          metric: ruleFields.metric.optional(),
          queueId: ruleFields.queueId.optional(),
          targetQueueId: ruleFields.targetQueueId.optional(),
        }),
        response: responses({ 201: escalationRuleSchema }),
      },
    },
    async (request, reply) => reply.code(201).send(await createEscalationRule(db, request.body)),
  );
  app.patch(
    "/api/sla/escalation-rules/:id",
    {
      config: admin,
      schema: {
        tags: ["sla"],
        summary: "Change an escalation rule",
        params: idParam,
        body: z.object(ruleFields).partial(),
        response: responses({ 200: escalationRuleSchema }, [404]),
      },
    },
    async (request) => updateEscalationRule(db, request.params.id, request.body),
  );
  app.delete(
    "/api/sla/escalation-rules/:id",
    {
      config: admin,
      schema: {
        tags: ["sla"],
        summary: "Delete an escalation rule",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deleteEscalationRule(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** A case's SLA clocks, for the agent working it. */
function caseSlaRoutes(app: ZodApp, { db }: Pick<Services, "db">): void {
  app.get(
    "/api/cases/:id/sla",
    {
      config: { access: "agent", seesCase: true },
      schema: {
        tags: ["sla"],
        summary: "A case's SLA targets and where each stands",
        params: idParam,
        response: responses({ 200: z.object({ items: z.array(targetView) }) }),
      },
    },
    async (request) => ({ items: await caseTargets(db, request.params.id) }),
  );
}

export function slaRoutes(app: ZodApp, services: SlaServices): void {
  slaPolicyRoutes(app, services);
  slaPolicyChangeRoutes(app, services);
  escalationRuleRoutes(app, services);
  slaBoardRoutes(app, services);
  slaRemedyRoutes(app, services);
  caseSlaRoutes(app, services);
}
