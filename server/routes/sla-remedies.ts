/**
 * What supervisors do about service levels: the board of cases and queues in trouble, Erlang C
 * staffing, and remedies, recommended, applied (each kind with its own params) and judged.
 */
import { z } from "zod";
import { type CaseActor, queueInScope, scopeOf } from "../../cases/case-permissions.ts";
import { AppError } from "../../cases/errors.ts";
import { PRIORITIES } from "../../db/schema/cases.ts";
import { availableAgents } from "../../routing/agent-snapshot.ts";
import { assertMaySeeCase } from "../../routing/case-permission.ts";
import { queuesOfCases } from "../../routing/scope-visibility.ts";
import {
  caseRemedies,
  flaggedCases,
  queueRemedies,
  REMEDY_KINDS,
  type RemedyKind,
  type RemedyParams,
} from "../../sla/remedies.ts";
import { applyRemedy, recentRemedies } from "../../sla/remedy-apply.ts";
import { queueLoads, staffOf, verdict } from "../../sla/staffing.ts";
import { currentActor, currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import { caseSummarySchema } from "../http/views.ts";
import { caseSummary } from "../realtime/publisher.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

/** The services this module uses. */
type SlaRemedyServices = Pick<Services, "callbacks" | "clock" | "db" | "router" | "routing">;

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
/** Each kind's params, as the board recommends them; a kind that needs none may leave them out. */
const remedyParams = {
  widen_routing: z.object({ steps: z.int().min(1, "a whole number of overflow steps ≥ 1") }),
  offer_to_agent: z.object({ agentId: z.uuid() }),
  move_agents: z.object({ agentIds: z.array(z.uuid()).min(1), fromQueueId: z.uuid().optional() }),
  overflow_to_queue: z.object({ queueId: z.uuid() }),
  raise_priority: z.object({ priority: z.enum(PRIORITIES).optional() }).default({}),
  delay_notice: z.object({}).default({}),
  offer_callback: z.object({}).default({}),
} satisfies { [K in RemedyKind]: z.ZodType<RemedyParams[K], unknown> };

const remedyAction = <K extends RemedyKind>(kind: K) =>
  z.object({
    kind: z.literal(kind),
    caseId: z.uuid().optional(),
    queueId: z.uuid().optional(),
    params: remedyParams[kind],
    predicted: z.record(z.string(), z.unknown()).optional(),
  });
/** One remedy to apply: `kind` decides which params it needs. */
const applyRemedyBody = z.discriminatedUnion("kind", [
  remedyAction("widen_routing"),
  remedyAction("offer_to_agent"),
  remedyAction("move_agents"),
  remedyAction("overflow_to_queue"),
  remedyAction("raise_priority"),
  remedyAction("delay_notice"),
  remedyAction("offer_callback"),
]);

export const staffingSchema = z.object({
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
  caseNumber: z.int().nullable().describe("The case's number, also once it has left the board"),
  queueId: z.uuid().nullable(),
  params: z.record(z.string(), z.unknown()),
  predicted: z.record(z.string(), z.unknown()),
  appliedBy: z.uuid().nullable(),
  appliedAt: isoDate,
  outcome: z.enum(["pending", "recovered", "not_recovered"]),
  outcomeAt: isoDate.nullable(),
  outcomeDetails: z.record(z.string(), z.unknown()),
});

/** The SLA board and Erlang C staffing, for supervisors. */
export function slaBoardRoutes(app: ZodApp, services: SlaRemedyServices): void {
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
    async (request) => slaBoard(services, currentActor(request)),
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
    async (request) => ({ items: await staffing(services, currentActor(request)) }),
  );
}

/** Remedies: what a supervisor can do for a case, applying one, and what the applied ones did. */
export function slaRemedyRoutes(app: ZodApp, services: SlaRemedyServices): void {
  app.post(
    "/api/sla/remedies",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["sla"],
        summary: "Apply a remedy",
        description:
          "Pass one of the remedies the board recommends (kind, caseId or queueId, params, predicted). It is audited, and whether the SLA recovered is recorded later.",
        body: applyRemedyBody,
        response: responses({ 201: appliedSchema }, [404, 409]),
      },
    },
    async (request, reply) => {
      await assertMaySeeRemedyTarget(services, currentActor(request), request.body);
      const applied = await applyRemedy(
        services.routing,
        services.router,
        {
          ...request.body,
          actor: { type: "agent", id: currentAgent(request).id },
        },
        { callbacks: services.callbacks },
      );
      const caseNumber = applied.caseId
        ? ((await caseSummary(services.db, applied.caseId))?.number ?? null)
        : null;
      return reply.code(201).send({ ...applied, caseNumber });
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
    async (request) => ({ items: await remediesSeenBy(services, currentActor(request)) }),
  );

  app.get(
    "/api/cases/:id/remedies",
    {
      config: { access: "supervisor", seesCase: true },
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
}

/** Applied remedies of the viewer's queues: by the remedy's queue, or its case's queue. */
async function remediesSeenBy(services: SlaRemedyServices, viewer: CaseActor) {
  const rows = await recentRemedies(services.db);
  const scope = scopeOf(viewer);
  if (!scope.limited) return rows;
  const caseQueues = await queuesOfCases(
    services.db,
    rows.flatMap((row) => (row.caseId && !row.queueId ? [row.caseId] : [])),
  );
  return rows.filter((row) =>
    queueInScope(scope, row.queueId ?? (row.caseId ? (caseQueues.get(row.caseId) ?? null) : null)),
  );
}

/** A limited supervisor applies remedies to their queues' cases and queues only (404 otherwise). */
async function assertMaySeeRemedyTarget(
  services: SlaRemedyServices,
  viewer: CaseActor,
  target: { caseId?: string | null; queueId?: string | null },
) {
  const scope = scopeOf(viewer);
  if (!scope.limited) return;
  if (target.caseId) await assertMaySeeCase(services.routing, viewer, target.caseId);
  if (target.queueId && !queueInScope(scope, target.queueId))
    throw new AppError("NOT_FOUND", `Queue '${target.queueId}' does not exist.`);
}

async function staffing(services: SlaRemedyServices, viewer: CaseActor) {
  const now = services.clock();
  const config = await services.routing.config.get(services.db);
  const scope = scopeOf(viewer);
  const queueRows = [...config.queues.values()].filter((queue) => queueInScope(scope, queue.id));
  const loads = await queueLoads(
    services.db,
    queueRows.map((q) => q.id),
    now,
  );
  const agents = await availableAgents(services.db, now);
  return queueRows.map((queue) => verdict(queue, loads.get(queue.id)!, staffOf(agents, queue).length));
}

async function slaBoard(services: SlaRemedyServices, viewer: CaseActor) {
  const flagged = await flaggedCases(services.db);
  const caseItems = [];
  for (const row of flagged) {
    const summary = await caseSummary(services.db, row.id);
    if (summary && queueInScope(scopeOf(viewer), summary.queueId))
      caseItems.push({
        case: { ...summary, slaStatus: row.slaStatus, slaDueAt: row.slaDueAt },
        remedies: await caseRemedies(services.routing, row.id, { callbacks: services.callbacks }),
      });
  }
  const queueItems = [];
  for (const verdictRow of await staffing(services, viewer)) {
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
