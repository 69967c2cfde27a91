import type { FastifyRequest } from "fastify";
import { z } from "zod";
import {
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  recycleList,
  setCampaignStatus,
  updateCampaign,
} from "../../outbound/campaigns.ts";
import { campaignDashboard } from "../../outbound/dashboard.ts";
import type { OutboundDeps } from "../../outbound/ports.ts";
import { CALLS_NEED_TWILIO } from "../../outbound/preview-call.ts";
import { DEFAULT_RETRY_RULES, OUTCOMES } from "../../outbound/retry-rules.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, responses } from "../http/schemas.ts";
import { type OutboundServices, outboundDeps } from "../jobs/outbound-jobs.ts";
import { outboundAgentRoutes } from "./outbound-agent-work.ts";
import { outboundListRoutes } from "./outbound-lists.ts";
import {
  agent,
  campaignCreate,
  campaignDefaultsSchema,
  campaignFields,
  campaignSchema,
  DEFAULTS,
  dashboardSchema,
  itemsOf,
  supervisor,
  tags,
} from "./outbound-schemas.ts";
import { outboundWebhookRoutes } from "./outbound-webhooks.ts";
import type { ZodApp } from "./zod-app.ts";

/** What the outbound route modules share: the outbound core's dependencies and who is asking. */
export interface OutboundRouteContext {
  deps: OutboundDeps;
  services: OutboundServices;
  me(request: FastifyRequest): string;
}

/** Campaigns: create, list, read and edit; the defaults a new one starts from. */
function campaignAdminRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { deps, services } = context;
  const { db } = services;

  app.post(
    "/api/outbound/campaigns",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "Create a campaign (draft)",
        body: campaignCreate,
        response: responses({ 201: campaignSchema }, [409]),
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await createCampaign(deps, {
          ...DEFAULTS,
          ...(Object.fromEntries(
            Object.entries(request.body).filter(([, value]) => value !== undefined),
          ) as typeof request.body),
        }),
      ),
  );
  app.get(
    "/api/outbound/campaign-defaults",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "What a new campaign gets for every field it does not set (the form's starting values)",
        response: responses({ 200: campaignDefaultsSchema }),
      },
    },
    async () => ({ ...DEFAULTS, retryRules: DEFAULT_RETRY_RULES }),
  );
  app.get(
    "/api/outbound/readiness",
    {
      config: agent,
      schema: {
        tags,
        summary: "Whether calls can be placed (Twilio set up), and what to do when not",
        response: responses({ 200: z.object({ calls: z.boolean(), message: z.string().nullable() }) }),
      },
    },
    async () => ({ calls: Boolean(deps.calls), message: deps.calls ? null : CALLS_NEED_TWILIO }),
  );
  app.get(
    "/api/outbound/campaigns",
    {
      config: agent,
      schema: { tags, summary: "Campaigns", response: responses({ 200: itemsOf(campaignSchema) }) },
    },
    async () => ({ items: await listCampaigns(db) }),
  );
  app.get(
    "/api/outbound/campaigns/:id",
    {
      config: agent,
      schema: {
        tags,
        summary: "A campaign",
        params: idParam,
        response: responses({ 200: campaignSchema }, [404]),
      },
    },
    async (request) => getCampaign(db, request.params.id),
  );
  app.patch(
    "/api/outbound/campaigns/:id",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "Change a campaign (list and mode only while it is not running)",
        params: idParam,
        body: z.object(campaignFields).partial(),
        response: responses({ 200: campaignSchema }, [404, 409]),
      },
    },
    async (request) =>
      updateCampaign(
        deps,
        request.params.id,
        Object.fromEntries(Object.entries(request.body).filter(([, value]) => value !== undefined)),
      ),
  );
}

/** Running a campaign: delete, start and pause, recycle its list, its dashboard. */
function campaignControlRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { deps, services } = context;
  const { db } = services;
  app.delete(
    "/api/outbound/campaigns/:id",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "Delete a campaign that is not running",
        params: idParam,
        response: responses({ 204: z.null() }, [404, 409]),
      },
    },
    async (request, reply) => {
      await deleteCampaign(deps, request.params.id);
      return reply.code(204).send(null);
    },
  );
  for (const action of ["start", "pause"] as const) {
    app.post(
      `/api/outbound/campaigns/:id/${action}`,
      {
        config: supervisor,
        schema: {
          tags,
          summary: `${action === "start" ? "Start" : "Pause"} a campaign`,
          params: idParam,
          response: responses({ 200: campaignSchema }, [404, 409]),
        },
      },
      async (request) => setCampaignStatus(deps, request.params.id, action),
    );
  }
  app.post(
    "/api/outbound/campaigns/:id/recycle",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "Put finished records that reached nobody back on the list",
        params: idParam,
        body: z.object({ outcomes: z.array(z.enum(OUTCOMES)).min(1).optional() }),
        response: responses({ 200: z.object({ recycled: z.number() }) }, [404]),
      },
    },
    async (request) => ({
      recycled: await recycleList(deps, request.params.id, request.body.outcomes),
    }),
  );
  app.get(
    "/api/outbound/campaigns/:id/dashboard",
    {
      config: supervisor,
      schema: {
        tags,
        summary:
          "Campaign figures: dialled, connected, contact rate, conversion, abandonment, per agent, projected completion",
        params: idParam,
        response: responses({ 200: dashboardSchema }, [404]),
      },
    },
    async (request) => campaignDashboard(db, request.params.id, services.clock()),
  );
}

export function outboundRoutes(app: ZodApp, services: OutboundServices): void {
  const context: OutboundRouteContext = {
    deps: outboundDeps(services),
    services,
    me: (request) => currentAgent(request).id,
  };
  campaignAdminRoutes(app, context);
  campaignControlRoutes(app, context);
  outboundAgentRoutes(app, context);
  outboundListRoutes(app, context);
  outboundWebhookRoutes(app, services);
}
