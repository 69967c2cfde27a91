/** Outbound routes for agents: the next record to preview, the call put through, a record and its call, dispositions and callbacks. */
import { z } from "zod";
import {
  currentCampaignCall,
  listCallbacks,
  nextPreviewRecord,
  recordView,
} from "../../outbound/agent-work.ts";
import { getCampaign } from "../../outbound/campaigns.ts";
import { recordDisposition, scheduleRecordCallback } from "../../outbound/dispositions.ts";
import { callPreviewRecord } from "../../outbound/preview-call.ts";
import { AGENT_DISPOSITIONS } from "../../outbound/retry-rules.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, responses } from "../http/schemas.ts";
import type { OutboundRouteContext } from "./outbound.ts";
import {
  agent,
  callbackSchema,
  currentCallSchema,
  dispositionResultSchema,
  itemsOf,
  outboundCallbackSchema,
  paging,
  placedCallSchema,
  recordViewSchema,
  tags,
} from "./outbound-schemas.ts";
import type { ZodApp } from "./zod-app.ts";

/** Preview dialling: the next record, the call put through to me, a record, calling it. */
function previewRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { deps, me } = context;
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
          200: z.object({ call: currentCallSchema.nullable() }),
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
    async (request) => recordView(deps, request.params.id, { agentId: me(request) }),
  );
  app.post(
    "/api/outbound/records/:id/call",
    {
      config: agent,
      schema: {
        tags,
        summary: "Preview mode: call the record I was given (my softphone rings, then the customer)",
        params: idParam,
        response: responses({ 202: placedCallSchema }, [404, 409]),
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await callPreviewRecord(deps, { recordId: request.params.id, agentId: me(request) })),
  );
}

/** An agent's wrap-up of a record's call. */
export const dispositionBody = z.object({
  disposition: z.enum(AGENT_DISPOSITIONS),
  note: z.string().max(2000).optional(),
  callback: callbackSchema.optional(),
  estimatedValue: z.number().min(0).max(1e9).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO currency code")
    .optional(),
});

/** Wrapping up a record: its disposition, and callbacks. */
function dispositionRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { deps, me } = context;
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
        body: dispositionBody,
        response: responses({ 200: dispositionResultSchema }, [404, 409]),
      },
    },
    async (request) =>
      recordDisposition(deps, {
        recordId: request.params.id,
        agentId: me(request),
        ...request.body,
      }),
  );
}

/** Callbacks: mine and the team's, and scheduling one on a record. */
function callbackRoutes(app: ZodApp, context: OutboundRouteContext): void {
  const { deps, me, services } = context;
  const { db } = services;
  app.post(
    "/api/outbound/callbacks",
    {
      config: agent,
      schema: {
        tags,
        summary: "Schedule a callback on a record, for me, for anyone or for another agent",
        body: callbackSchema.extend({ recordId: z.uuid(), campaignId: z.uuid() }),
        response: responses({ 201: outboundCallbackSchema }, [404]),
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
        response: responses({ 200: itemsOf(outboundCallbackSchema) }),
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
}

export function outboundAgentRoutes(app: ZodApp, context: OutboundRouteContext): void {
  previewRoutes(app, context);
  dispositionRoutes(app, context);
  callbackRoutes(app, context);
}
