/** SLA API: policies and escalation rules (admin), a case's clocks (agents). */
import { and, asc, desc, inArray } from "drizzle-orm";
import { z } from "zod";
import { stateIn } from "../../cases/case-states.ts";
import { CHANNELS, cases, PRIORITIES } from "../../db/schema/cases.ts";
import { ESCALATION_ACTIONS, remedies, SLA_METRICS, SLA_STATUSES } from "../../db/schema/sla.ts";
import { availableAgents } from "../../routing/agent-snapshot.ts";
import { caseRemedies, queueRemedies, REMEDY_KINDS } from "../../sla/remedies.ts";
import { applyRemedy } from "../../sla/remedy-apply.ts";
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
import { queueLoads, staffOf, verdict } from "../../sla/staffing.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import { caseSummarySchema } from "../http/views.ts";
import { caseSummary } from "../realtime/publisher.ts";
import type { Services } from "../services.ts";
import { calendarSchema } from "./routing-admin.ts";
import type { ZodApp } from "./zod-app.ts";

/** The services this module uses. */
type SlaServices = Pick<Services, "callbacks" | "clock" | "db" | "router" | "routing" | "slaPolicies">;

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
  })
  .strict();
const policyFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  conditions: conditionsSchema,
  targets: targetsSchema,
  atRiskPercent: z.number().int().min(1).max(99),
  calendar: calendarSchema.nullable(),
};
const policySchema = z.object({
  id: z.uuid(),
  position: z.number().int(),
  ...policyFields,
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
const ruleSchema = z.object({ id: z.uuid(), ...ruleFields, createdAt: isoDate });

const targetView = z.object({
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

const remedySchema = z.object({
  kind: z.enum(REMEDY_KINDS),
  caseId: z.uuid().optional(),
  queueId: z.uuid().optional(),
  title: z.string(),
  params: z.record(z.string(), z.unknown()),
  predicted: z.object({
    text: z.string(),
    serviceLevel: z.number().nullable().optional(),
    donorServiceLevel: z.number().nullable().optional(),
  }),
});
const staffingSchema = z.object({
  queueId: z.uuid(),
  name: z.string(),
  goal: z.object({ percent: z.number(), seconds: z.number() }),
  load: z.object({ arrivalsPerHour: z.number(), ahtSeconds: z.number(), waiting: z.number() }),
  staffed: z.number(),
  needed: z.number(),
  serviceLevel: z.number().nullable(),
});
const appliedSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  caseId: z.uuid().nullable(),
  queueId: z.uuid().nullable(),
  params: z.record(z.string(), z.unknown()),
  predicted: z.record(z.string(), z.unknown()),
  appliedBy: z.uuid().nullable(),
  appliedAt: isoDate,
  outcome: z.enum(["pending", "recovered", "not_recovered"]),
  outcomeAt: isoDate.nullable(),
  outcomeDetails: z.record(z.string(), z.unknown()),
});

export function slaRoutes(app: ZodApp, services: SlaServices): void {
  const { db } = services;
  const admin = { access: "admin" } as const;
  const changed = <T>(value: T) => {
    services.slaPolicies.invalidate();
    return value;
  };

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
        summary: "Add an SLA policy at the end",
        description:
          "Targets per priority for first_response, next_response, periodic_update, resolution and answer (voice and chat), each in business or calendar minutes. The first enabled policy whose conditions all hold applies.",
        body: z.object({
          ...policyFields,
          enabled: policyFields.enabled.optional(),
          conditions: conditionsSchema.optional(),
          atRiskPercent: policyFields.atRiskPercent.optional(),
          calendar: policyFields.calendar.optional(),
        }),
        response: responses({ 201: policySchema }, [409]),
      },
    },
    async (request, reply) => reply.code(201).send(changed(await createPolicy(db, request.body))),
  );
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

  app.get(
    "/api/sla/escalation-rules",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary: "Escalation rules",
        response: responses({ 200: z.object({ items: z.array(ruleSchema) }) }),
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
        response: responses({ 201: ruleSchema }),
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
        response: responses({ 200: ruleSchema }, [404]),
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

  app.get(
    "/api/sla/board",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary: "Cases at risk or breached and queues short of their goal, each with ranked remedies",
        response: responses({
          200: z.object({
            cases: z.array(
              z.object({
                case: caseSummarySchema.extend({
                  slaStatus: z.string().nullable(),
                  slaDueAt: isoDate.nullable(),
                }),
                remedies: z.array(remedySchema),
              }),
            ),
            queues: z.array(z.object({ staffing: staffingSchema, remedies: z.array(remedySchema) })),
          }),
        }),
      },
    },
    async () => slaBoard(services),
  );
  app.get(
    "/api/sla/staffing",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary:
          "Erlang C staffing per queue: agents needed for its goal at the last hour's load, and agents available now",
        response: responses({ 200: z.object({ items: z.array(staffingSchema) }) }),
      },
    },
    async () => ({ items: await staffing(services) }),
  );
  app.post(
    "/api/sla/remedies",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary: "Apply a remedy",
        description:
          "Pass one of the remedies the board recommends (kind, caseId or queueId, params, predicted). It is audited, and whether the SLA recovered is recorded later.",
        body: z.object({
          kind: z.enum(REMEDY_KINDS),
          caseId: z.uuid().optional(),
          queueId: z.uuid().optional(),
          params: z.record(z.string(), z.unknown()).default({}),
          predicted: z.record(z.string(), z.unknown()).optional(),
        }),
        response: responses({ 201: appliedSchema }, [404, 409]),
      },
    },
    async (request, reply) => {
      const applied = await applyRemedy(
        services.routing,
        services.router,
        {
          ...request.body,
          actor: { type: "agent", id: currentAgent(request).id },
        },
        { callbacks: services.callbacks },
      );
      return reply.code(201).send(applied);
    },
  );
  app.get(
    "/api/sla/remedies",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary: "Remedies applied, newest first, with whether they worked",
        response: responses({ 200: z.object({ items: z.array(appliedSchema) }) }),
      },
    },
    async () => ({ items: await db.select().from(remedies).orderBy(desc(remedies.appliedAt)).limit(100) }),
  );

  app.get(
    "/api/cases/:id/remedies",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary: "What a supervisor can do now for one case, best first, with each action's predicted effect",
        params: idParam,
        response: responses({ 200: z.object({ items: z.array(remedySchema) }) }),
      },
    },
    async (request) => ({
      items: await caseRemedies(services.routing, request.params.id, { callbacks: services.callbacks }),
    }),
  );

  app.get(
    "/api/cases/:id/sla",
    {
      config: { access: "agent" },
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

async function staffing(services: SlaServices) {
  const now = services.clock();
  const config = await services.routing.config.get(services.db);
  const queueRows = [...config.queues.values()];
  const loads = await queueLoads(
    services.db,
    queueRows.map((q) => q.id),
    now,
  );
  const agents = await availableAgents(services.db, now);
  return queueRows.map((queue) => verdict(queue, loads.get(queue.id)!, staffOf(agents, queue).length));
}

async function slaBoard(services: SlaServices) {
  const flagged = await services.db
    .select({ id: cases.id, slaStatus: cases.slaStatus, slaDueAt: cases.slaDueAt })
    .from(cases)
    .where(and(inArray(cases.slaStatus, ["at_risk", "breached"]), stateIn(cases.state, "open")))
    .orderBy(asc(cases.slaDueAt))
    .limit(50);
  const caseItems = [];
  for (const row of flagged) {
    const summary = await caseSummary(services.db, row.id);
    if (summary)
      caseItems.push({
        case: { ...summary, slaStatus: row.slaStatus, slaDueAt: row.slaDueAt },
        remedies: await caseRemedies(services.routing, row.id, { callbacks: services.callbacks }),
      });
  }
  const queueItems = [];
  for (const verdictRow of await staffing(services)) {
    if (verdictRow.needed > verdictRow.staffed)
      queueItems.push({
        staffing: verdictRow,
        remedies: await queueRemedies(services.routing, verdictRow.queueId, {
          callbacks: services.callbacks,
        }),
      });
  }
  return { cases: caseItems, queues: queueItems };
}
