/** Moving work and people: get next, transfer, supervisor assignment and presence, live queue figures, agent settings. */
import { z } from "zod";
import { AppError } from "../../cases/errors.ts";
import { AGENT_ROLES, PRESENCE } from "../../db/schema/agents.ts";
import { CASE_STATES, CHANNELS, PRIORITIES } from "../../db/schema/cases.ts";
import { AGENT_BOARD_STATES, agentBoard } from "../../routing/agent-board.ts";
import { queueStats } from "../../routing/queue-stats.ts";
import { agentsVisibleTo, inViewersQueues } from "../../routing/scope-visibility.ts";
import { agentCsatToday, noCsat } from "../../sla/csat-figures.ts";
import { agentViewOf, findAgent, setAgentActive, updateAgent } from "../auth/accounts.ts";
import { recordAccountChanges } from "../auth/security-log.ts";
import { currentActor, currentAgent, currentScope } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import { agentSchema, capacitySchema, caseSummarySchema } from "../http/views.ts";
import { caseSummary, rooms } from "../realtime/publisher.ts";
import type { Services } from "../services.ts";
import { csatFigureSchema } from "./metrics.ts";
import type { ZodApp } from "./zod-app.ts";

const note = z
  .string()
  .trim()
  .min(1)
  .max(5000)
  .optional()
  .describe("Shown to the next agent as an internal note");

const queueStatsSchema = z.object({
  queueId: z.uuid(),
  name: z.string(),
  waiting: z.number().int(),
  longestWaitSeconds: z.number().int(),
  pendingOffers: z.number().int(),
  assigned: z.number().int(),
  agents: z.object({
    available: z.number().int(),
    busy: z.number().int(),
    away: z.number().int(),
    offline: z.number().int(),
  }),
});

export const agentBoardSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: z.enum(AGENT_ROLES),
  presence: z.enum(PRESENCE),
  presenceReason: z.string().nullable(),
  presenceChangedAt: isoDate,
  state: z
    .enum(AGENT_BOARD_STATES)
    .describe("available (has room), busy (available but full), wrap_up, away or offline"),
  capacity: capacitySchema,
  load: capacitySchema.describe("Cases held and offers pending per channel, as routing counts them"),
  cases: z.array(
    z.object({
      id: z.uuid(),
      number: z.number().int(),
      subject: z.string(),
      channel: z.enum(CHANNELS),
      queueId: z.uuid().nullable(),
      state: z.enum(CASE_STATES),
      priority: z.enum(PRIORITIES),
    }),
  ),
  csat: csatFigureSchema.describe(
    "Ratings customers gave today (since midnight in DEFAULT_TIME_ZONE) on the cases this agent holds; a limited supervisor counts their queues' cases only",
  ),
});

type SupervisionServices = Pick<
  Services,
  "agentNamespace" | "cases" | "clock" | "config" | "database" | "db" | "router" | "routing" | "routingRunner"
>;

async function summaryOrThrow(db: Services["db"], caseId: string) {
  const summary = await caseSummary(db, caseId);
  if (!summary) throw new AppError("NOT_FOUND", `Case '${caseId}' does not exist.`);
  return summary;
}

/** A supervisor limited to some queues manages only the agents they see: another is 404. */
async function assertSeesAgent(
  services: Pick<Services, "db" | "routing">,
  viewer: ReturnType<typeof currentActor>,
  agentId: string,
): Promise<void> {
  const sees = await agentsVisibleTo({ db: services.db, config: services.routing.config }, viewer);
  if (!sees(agentId)) throw new AppError("NOT_FOUND", `Agent '${agentId}' does not exist.`);
}

/** An agent pulling work: the next case they may take, or a waiting case they opened. */
function caseMoveRoutes(app: ZodApp, services: Pick<Services, "db" | "router" | "routing">): void {
  app.post(
    "/api/me/next",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Take the best waiting case I may handle",
        description:
          "Assigns it at once (no offer). `case` is null when nothing waits that you can take, and `nothing` says why: nothing waits, nothing that waits is yours to take, or you are at capacity.",
        response: responses(
          {
            200: z.object({
              case: caseSummarySchema.nullable(),
              nothing: z
                .object({
                  code: z.enum(["nothing_waiting", "not_yours", "at_capacity"]),
                  message: z.string(),
                })
                .optional(),
            }),
          },
          [409],
        ),
      },
    },
    async (request) => {
      const taken = await services.router.getNext(currentAgent(request).id);
      if (!taken.row) return { case: null, nothing: taken.nothing };
      return { case: await summaryOrThrow(services.db, taken.row.id) };
    },
  );

  app.post(
    "/api/cases/:id/take",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["cases"],
        summary: "Take a waiting case I may work: it is assigned to me at once",
        description:
          "For an unassigned case in a queue you serve (or offered to you); supervisors any. An offer of it to someone else is withdrawn. 409 when you are offline or have no room on its channel.",
        params: idParam,
        response: responses({ 200: caseSummarySchema }, [404, 409]),
      },
    },
    async (request) => {
      const taken = await services.router.take({
        caseId: request.params.id,
        agentId: currentAgent(request).id,
      });
      return summaryOrThrow(services.db, taken.id);
    },
  );
}

/** Transfer to an agent or a queue, and a supervisor's assignment. */
function caseHandOverRoutes(app: ZodApp, services: Pick<Services, "db" | "router" | "routing">): void {
  app.post(
    "/api/cases/:id/transfer",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["cases"],
        summary: "Transfer a case to an agent or a queue, with a note",
        description:
          "Agents transfer the cases they may work (their own, offered to them, or unassigned in a queue they serve); supervisors any. The target agent must be online and have room.",
        params: idParam,
        body: z.object({ toAgentId: z.uuid().optional(), toQueueId: z.uuid().optional(), note }),
        response: responses({ 200: caseSummarySchema }, [404, 409]),
      },
    },
    async (request) => {
      const me = currentAgent(request);
      if (request.body.toAgentId && me.role === "supervisor")
        await assertSeesAgent(services, currentActor(request), request.body.toAgentId);
      const moved = await services.router.transfer({
        caseId: request.params.id,
        ...request.body,
        actor: { type: "agent", id: me.id },
      });
      return summaryOrThrow(services.db, moved.id);
    },
  );

  app.post(
    "/api/cases/:id/assign",
    {
      config: { access: "supervisor", worksCase: true },
      schema: {
        tags: ["cases"],
        summary: "Assign a case to an agent (supervisors)",
        params: idParam,
        body: z.object({ agentId: z.uuid(), note }),
        response: responses({ 200: caseSummarySchema }, [404, 409]),
      },
    },
    async (request) => {
      await assertSeesAgent(services, currentActor(request), request.body.agentId);
      const moved = await services.router.transfer({
        caseId: request.params.id,
        toAgentId: request.body.agentId,
        note: request.body.note,
        actor: { type: "agent", id: currentAgent(request).id },
      });
      return summaryOrThrow(services.db, moved.id);
    },
  );
}

/** Supervisors and admins changing an agent: presence, name, role, capacity, deactivation. */
function agentControlRoutes(
  app: ZodApp,
  services: Pick<Services, "agentNamespace" | "cases" | "db" | "router" | "routing" | "routingRunner">,
): void {
  app.post(
    "/api/agents/:id/presence",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["agents"],
        summary: "Change an agent's presence (supervisors)",
        params: idParam,
        body: z.object({ status: z.enum(PRESENCE), reason: z.string().trim().max(200).optional() }),
        response: responses({ 200: agentSchema }, [404, 409]),
      },
    },
    async (request) => {
      const supervisor = currentAgent(request);
      await assertSeesAgent(services, currentActor(request), request.params.id);
      const agent = await services.router.setPresence({
        agentId: request.params.id,
        presence: request.body.status,
        reason: request.body.reason ?? `Set by ${supervisor.name}`,
      });
      return agentViewOf(services.db, agent);
    },
  );

  app.patch(
    "/api/agents/:id",
    {
      config: { access: "admin" },
      schema: {
        tags: ["agents"],
        summary: "Change an agent's name, role, capacity per channel, or deactivate them",
        description: "Deactivating signs the agent out everywhere and re-queues their chats and calls.",
        params: idParam,
        body: z.object({
          name: z.string().trim().min(1).max(200).optional(),
          role: z.enum(AGENT_ROLES).optional(),
          capacity: capacitySchema.extend({ voice: z.number().int().min(0).max(1) }).optional(),
          active: z.boolean().optional(),
        }),
        response: responses({ 200: agentSchema }, [404, 409]),
      },
    },
    async (request) => {
      const { active, ...changes } = request.body;
      if (
        request.params.id === currentAgent(request).id &&
        (active === false || (changes.role && changes.role !== "admin"))
      ) {
        throw new AppError("CONFLICT", "You cannot deactivate yourself or take away your own admin role.");
      }
      if (active === false)
        await services.router.setPresence({
          agentId: request.params.id,
          presence: "offline",
          reason: "Deactivated",
        });
      const before = await findAgent(services.db, request.params.id);
      let agent = await updateAgent(services.db, request.params.id, changes);
      if (active !== undefined) {
        agent = await setAgentActive(services.db, request.params.id, active);
        if (!active) services.agentNamespace().in(rooms.agent(agent.id)).disconnectSockets(true);
      }
      if (before)
        await recordAccountChanges(services.db, {
          actorId: currentAgent(request).id,
          ip: request.ip,
          before: { id: before.id, role: before.role, active: before.deactivatedAt === null },
          after: { role: agent.role, active: agent.deactivatedAt === null },
        });
      services.cases.events.publish([{ type: "agent.updated", agentId: agent.id }]);
      if (changes.capacity) services.routingRunner.request("all");
      return agentViewOf(services.db, agent);
    },
  );
}

/** Live figures for supervisors: the agent grid and per-queue counts. */
function liveFigureRoutes(
  app: ZodApp,
  services: Pick<Services, "clock" | "config" | "database" | "db" | "routing">,
): void {
  app.get(
    "/api/agents/board",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["agents"],
        summary: "The agent grid: each active agent's state, since when, load per channel and current cases",
        response: responses({ 200: z.object({ items: z.array(agentBoardSchema) }) }),
      },
    },
    async (request) => {
      const viewer = currentActor(request);
      const sees = await agentsVisibleTo({ db: services.db, config: services.routing.config }, viewer);
      const now = services.clock();
      const board = await agentBoard(services.database.reporting, now);
      const scope = currentScope(request);
      const csat = await agentCsatToday(services.database.reporting, now, {
        timeZone: services.config.defaultTimeZone,
        ...(scope.limited ? { queueIds: scope.queueIds } : {}),
      });
      // A limited supervisor sees their queues' agents, and of each only the cases of those queues.
      return {
        items: board
          .filter((row) => sees(row.id))
          .map((row) => ({
            ...row,
            cases: inViewersQueues(viewer, row.cases),
            csat: csat.get(row.id) ?? noCsat,
          })),
      };
    },
  );

  app.get(
    "/api/queues/stats",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["routing"],
        summary: "Live figures per queue: waiting, longest wait, pending offers, agents by state",
        description:
          "The same figures are pushed on the `/agent` socket as `queue.stats`, at most once a second per queue.",
        response: responses({ 200: z.object({ queues: z.array(queueStatsSchema) }) }),
      },
    },
    async (request) => ({
      queues: inViewersQueues(
        currentActor(request),
        await queueStats(
          services.database.reporting,
          services.clock(),
          await services.routing.registry?.snapshot(),
        ),
      ),
    }),
  );
}

export function supervisionRoutes(app: ZodApp, services: SupervisionServices): void {
  caseMoveRoutes(app, services);
  caseHandOverRoutes(app, services);
  agentControlRoutes(app, services);
  liveFigureRoutes(app, services);
}
