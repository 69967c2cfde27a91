import type { FastifyRequest } from "fastify";
import { z } from "zod";
import {
  currentCampaignCall,
  listCallbacks,
  nextPreviewRecord,
  recordView,
} from "../../outbound/agent-work.ts";
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
import { recordDisposition, scheduleRecordCallback } from "../../outbound/dispositions.ts";
import { callPreviewRecord } from "../../outbound/preview-call.ts";
import { AGENT_DISPOSITIONS, DEFAULT_RETRY_RULES, OUTCOMES } from "../../outbound/retry-rules.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import { type OutboundServices, outboundDeps } from "../jobs/outbound-jobs.ts";
import { outboundListRoutes } from "./outbound-lists.ts";
import {
  agent,
  callbackSchema,
  campaignCreate,
  campaignFields,
  DEFAULTS,
  items,
  paging,
  recordViewSchema,
  row,
  supervisor,
  tags,
} from "./outbound-schemas.ts";
import { outboundWebhookRoutes } from "./outbound-webhooks.ts";
import type { ZodApp } from "./zod-app.ts";

export function outboundRoutes(app: ZodApp, services: OutboundServices): void {
  const deps = outboundDeps(services);
  const { db } = services;
  const me = (request: FastifyRequest) => currentAgent(request).id;

  app.post(
    "/api/outbound/campaigns",
    {
      config: supervisor,
      schema: {
        tags,
        summary: "Create a campaign (draft)",
        body: campaignCreate,
        response: responses({ 201: row }, [409]),
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
        response: responses({ 200: z.looseObject({ retryRules: z.record(z.string(), z.unknown()) }) }),
      },
    },
    async () => ({ ...DEFAULTS, retryRules: DEFAULT_RETRY_RULES }),
  );
  app.get(
    "/api/outbound/campaigns",
    { config: agent, schema: { tags, summary: "Campaigns", response: responses({ 200: items }) } },
    async () => ({ items: await listCampaigns(db) }),
  );
  app.get(
    "/api/outbound/campaigns/:id",
    {
      config: agent,
      schema: { tags, summary: "A campaign", params: idParam, response: responses({ 200: row }, [404]) },
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
        response: responses({ 200: row }, [404, 409]),
      },
    },
    async (request) =>
      updateCampaign(
        deps,
        request.params.id,
        Object.fromEntries(Object.entries(request.body).filter(([, value]) => value !== undefined)),
      ),
  );
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
          response: responses({ 200: row }, [404, 409]),
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
        response: responses({ 200: z.looseObject({ campaignId: z.uuid(), dialed: z.number() }) }, [404]),
      },
    },
    async (request) => campaignDashboard(db, request.params.id, services.clock()),
  );
  app.get(
    "/api/outbound/campaigns/:id/next",
    {
      config: agent,
      schema: {
        tags,
        summary:
          "Preview mode: the next record for me, with its history and the script (kept for me until my disposition)",
        params: idParam,
        response: responses({ 200: z.object({ next: recordViewSchema.nullable() }) }, [404, 409]),
      },
    },
    async (request) => ({
      next: await nextPreviewRecord(deps, { campaignId: request.params.id, agentId: me(request) }),
    }),
  );
  app.get(
    "/api/outbound/my-call",
    {
      config: agent,
      schema: {
        tags,
        summary:
          "The campaign call I am on, or finished and have not wrapped up: its record, history, script and dispositions",
        response: responses({
          200: z.object({
            call: recordViewSchema
              .extend({
                attemptId: z.uuid(),
                campaign: z.object({ id: z.uuid(), name: z.string(), mode: z.string() }),
                live: z.boolean(),
                answeredAt: isoDate.nullable(),
              })
              .nullable(),
          }),
        }),
      },
    },
    async (request) => ({ call: await currentCampaignCall(deps, me(request)) }),
  );
  app.get(
    "/api/outbound/records/:id",
    {
      config: agent,
      schema: {
        tags,
        summary: "A record with its history",
        params: idParam,
        response: responses({ 200: recordViewSchema }, [404]),
      },
    },
    async (request) => recordView(deps, request.params.id),
  );
  app.post(
    "/api/outbound/records/:id/call",
    {
      config: agent,
      schema: {
        tags,
        summary: "Preview mode: call the record I was given (my softphone rings, then the customer)",
        params: idParam,
        response: responses({ 202: z.object({ attemptId: z.uuid(), callSid: z.string() }) }, [404, 409]),
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await callPreviewRecord(deps, { recordId: request.params.id, agentId: me(request) })),
  );
  app.post(
    "/api/outbound/records/:id/disposition",
    {
      config: agent,
      schema: {
        tags,
        summary: "Wrap up the record's call with a disposition",
        description:
          "Drives the retry rules; dnc_request adds the number to the global do-not-call list at once; interested creates a lead (estimatedValue); callback needs `callback` with a local time in the contact's zone.",
        params: idParam,
        body: z.object({
          disposition: z.enum(AGENT_DISPOSITIONS),
          note: z.string().max(2000).optional(),
          callback: callbackSchema.optional(),
          estimatedValue: z.number().min(0).max(1e9).optional(),
          currency: z
            .string()
            .regex(/^[A-Z]{3}$/, "must be an ISO currency code")
            .optional(),
        }),
        response: responses({ 200: z.looseObject({ record: row, explanation: z.string() }) }, [404, 409]),
      },
    },
    async (request) =>
      recordDisposition(deps, {
        recordId: request.params.id,
        agentId: me(request),
        ...request.body,
      }),
  );
  app.post(
    "/api/outbound/callbacks",
    {
      config: agent,
      schema: {
        tags,
        summary: "Schedule a callback on a record, for me, for anyone or for another agent",
        body: callbackSchema.extend({ recordId: z.uuid(), campaignId: z.uuid() }),
        response: responses({ 201: row }, [404]),
      },
    },
    async (request, reply) => {
      const { recordId, campaignId, ...callback } = request.body;
      await getCampaign(db, campaignId);
      const created = await scheduleRecordCallback(deps, {
        campaignId,
        recordId,
        request: callback,
        byAgentId: me(request),
      });
      return reply.code(201).send(created);
    },
  );
  app.get(
    "/api/outbound/callbacks",
    {
      config: agent,
      schema: {
        tags,
        summary: "Scheduled callbacks: mine and anyone's (or all, for supervisors with ?all=true)",
        querystring: z.object({
          campaignId: z.uuid().optional(),
          all: z.enum(["true", "false"]).optional(),
          limit: paging.limit,
        }),
        response: responses({ 200: items }),
      },
    },
    async (request) => {
      const viewer = currentAgent(request);
      const everyone = request.query.all === "true" && viewer.role !== "agent";
      return {
        items: await listCallbacks(db, {
          ...(everyone ? {} : { agentId: viewer.id }),
          ...(request.query.campaignId ? { campaignId: request.query.campaignId } : {}),
          limit: request.query.limit,
        }),
      };
    },
  );

  outboundListRoutes(app, services);
  outboundWebhookRoutes(app, services);
}
