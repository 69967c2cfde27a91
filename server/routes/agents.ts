import { z } from "zod";
import { isTimeZone } from "../../cases/time-zone.ts";
import { AGENT_ROLES, PRESENCE } from "../../db/schema/agents.ts";
import { loadsFor } from "../../routing/agent-load.ts";
import { agentsVisibleTo } from "../../routing/scope-visibility.ts";
import {
  agentView,
  agentViewOf,
  agentViews,
  createAgent,
  listAgents,
  updateAgent,
} from "../auth/accounts.ts";
import { PASSWORD_MIN_LENGTH } from "../auth/password-policy.ts";
import { recordSecurityEvent } from "../auth/security-log.ts";
import { currentActor, currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import { agentSchema } from "../http/views.ts";
import { offerPayload } from "../realtime/publisher.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const offerView = z.object({
  offerId: z.uuid(),
  caseId: z.uuid(),
  caseNumber: z.number().int(),
  channel: z.string(),
  subject: z.string(),
  priority: z.string(),
  queueId: z.uuid().nullable(),
  contact: z.object({ id: z.uuid(), name: z.string().nullable() }),
  waitingSince: z.string(),
  expiresAt: z.string(),
});

/**
 * A person's own zone: a region name ("America/Chicago") or UTC, as browsers report them, and the
 * refusal names the value sent so the person sees which one was wrong.
 */
const agentTimeZone = z.string().superRefine((zone, context) => {
  if (!isTimeZone(zone, { regionOnly: true }))
    context.addIssue({
      code: "custom",
      message: `'${String(zone).slice(0, 100)}' is not a time zone; use an IANA name such as Europe/Paris, or null for the browser's zone`,
    });
});

/** Agents as admins and supervisors see them. */
function agentAdminRoutes(app: ZodApp, services: Pick<Services, "db" | "router" | "routing">): void {
  app.post(
    "/api/agents",
    {
      config: { access: "admin" },
      schema: {
        tags: ["agents"],
        summary: "Create an agent, supervisor or admin",
        description:
          "The password must be at least 12 characters and hard to guess (zxcvbn score 3 of 4, checked against common passwords and the person's own email and name); a weak one is refused with 400 saying why.",
        body: z.object({
          email: z.email().max(320),
          name: z.string().trim().min(1).max(200),
          password: z
            .string()
            .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
            .max(1024),
          role: z.enum(AGENT_ROLES),
        }),
        response: responses({ 201: agentSchema }, [409]),
      },
    },
    async (request, reply) => {
      const agent = await createAgent(services.db, request.body);
      await recordSecurityEvent(services.db, {
        kind: "agent_created",
        actorId: currentAgent(request).id,
        agentId: agent.id,
        ip: request.ip,
        details: { role: agent.role },
      });
      return reply.code(201).send(agentView(agent, { limited: false, queueIds: [] }));
    },
  );

  app.get(
    "/api/agents",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["agents"],
        summary: "All agents",
        response: responses({ 200: z.object({ items: z.array(agentSchema) }) }),
      },
    },
    async (request) => {
      const sees = await agentsVisibleTo(services.routing, currentActor(request));
      const people = (await listAgents(services.db)).filter((agent) => sees(agent.id));
      return { items: await agentViews(services.db, people) };
    },
  );
}

/** The directory every agent sees: colleagues' names and presence, for transfers and mentions. */
function directoryRoutes(app: ZodApp, services: Pick<Services, "db" | "routing">): void {
  app.get(
    "/api/agents/directory",
    {
      config: { access: "agent" },
      schema: {
        tags: ["agents"],
        summary: "Active colleagues by name and presence",
        description:
          "What any agent may know of the others: to transfer a case to one of them or mention them in a note.",
        response: responses({
          200: z.object({
            items: z.array(z.object({ id: z.uuid(), name: z.string(), presence: z.enum(PRESENCE) })),
          }),
        }),
      },
    },
    async (request) => {
      // A limited supervisor's directory holds the agents they see; agents' directories are whole.
      const viewer = currentActor(request);
      const sees =
        viewer.role === "supervisor" ? await agentsVisibleTo(services.routing, viewer) : () => true;
      return {
        items: (await listAgents(services.db))
          .filter((agent) => agent.deactivatedAt === null && sees(agent.id))
          .map(({ id, name, presence }) => ({ id, name, presence })),
      };
    },
  );
}

/** The signed-in agent: who they are, their load, their presence. */
function myRoutes(app: ZodApp, services: Pick<Services, "db" | "router">): void {
  app.get(
    "/api/me",
    {
      config: { access: "agent" },
      schema: { tags: ["me"], summary: "The signed-in agent", response: responses({ 200: agentSchema }) },
    },
    async (request) => agentViewOf(services.db, currentAgent(request)),
  );

  app.put(
    "/api/me/time-zone",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Set the zone my console shows times in",
        description:
          "An IANA zone name such as Europe/Paris, or null to follow the browser's own zone. Every time the console shows (cases, timelines, notifications, server sentences with instants) follows it.",
        body: z.object({ timeZone: agentTimeZone.nullable() }),
        response: responses({ 200: agentSchema }),
      },
    },
    async (request) => {
      const agent = await updateAgent(services.db, currentAgent(request).id, {
        timeZone: request.body.timeZone,
      });
      return agentViewOf(services.db, agent);
    },
  );

  app.get(
    "/api/me/load",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "My work per channel as routing counts it against my capacity",
        description:
          "Cases held (assigned or waiting on the customer) and offered; for voice, live calls only (inbound, placed from a case, or a campaign call).",
        response: responses({
          200: z.object({ chat: z.number(), email: z.number(), sms: z.number(), voice: z.number() }),
        }),
      },
    },
    async (request) => {
      const me = currentAgent(request).id;
      return (await loadsFor(services.db, [me])).get(me)!;
    },
  );

  app.post(
    "/api/me/presence",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Set my presence",
        description:
          "Available agents receive offers; going away or offline hands pending offers back to the queue.",
        body: z.object({ status: z.enum(PRESENCE), reason: z.string().trim().max(200).optional() }),
        response: responses({ 200: agentSchema }),
      },
    },
    async (request) => {
      const agent = await services.router.setPresence({
        agentId: currentAgent(request).id,
        presence: request.body.status,
        reason: request.body.reason ?? null,
      });
      return agentViewOf(services.db, agent);
    },
  );
}

/** Offers: the ones waiting for me, accepting and declining one. */
function offerRoutes(app: ZodApp, services: Pick<Services, "db" | "router">): void {
  app.get(
    "/api/me/offers",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Offers waiting for my answer",
        response: responses({ 200: z.object({ items: z.array(offerView) }) }),
      },
    },
    async (request) => {
      const pending = await services.router.pendingOffersFor(currentAgent(request).id);
      const items = [];
      for (const offer of pending) {
        const payload = await offerPayload(services.db, {
          offerId: offer.id,
          caseId: offer.caseId,
          expiresAt: offer.expiresAt,
        });
        if (payload) items.push(payload);
      }
      return { items };
    },
  );

  app.post(
    "/api/offers/:id/accept",
    {
      config: { access: "agent" },
      schema: {
        tags: ["offers"],
        summary: "Accept an offer: the case is assigned to me",
        params: idParam,
        response: responses({ 200: z.object({ caseId: z.uuid(), assignedAt: isoDate }) }, [404, 409]),
      },
    },
    async (request) => {
      const row = await services.router.acceptOffer({
        offerId: request.params.id,
        agentId: currentAgent(request).id,
      });
      return { caseId: row.id, assignedAt: row.updatedAt };
    },
  );

  app.post(
    "/api/offers/:id/reject",
    {
      config: { access: "agent" },
      schema: {
        tags: ["offers"],
        summary: "Reject an offer: the case goes to the next agent",
        params: idParam,
        response: responses({ 204: z.null() }, [404, 409]),
      },
    },
    async (request, reply) => {
      await services.router.rejectOffer({ offerId: request.params.id, agentId: currentAgent(request).id });
      return reply.code(204).send(null);
    },
  );
}

export function agentRoutes(app: ZodApp, services: Pick<Services, "db" | "router" | "routing">): void {
  agentAdminRoutes(app, services);
  directoryRoutes(app, services);
  myRoutes(app, services);
  offerRoutes(app, services);
}
