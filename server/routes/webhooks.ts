/**
 * Admin → Webhooks: endpoints (the signing secret shown at creation and rotation only), a test
 * ping, the delivery log with each attempt, and replay.
 */
import { z } from "zod";
import { WEBHOOK_DELIVERY_STATES } from "../../db/schema/integrations.ts";
import { PING_EVENT, WEBHOOK_EVENT_TYPES } from "../../integrations/webhooks/catalogue.ts";
import { queueWebhookDelivery, replayDelivery } from "../../integrations/webhooks/deliveries.ts";
import { listDeliveries } from "../../integrations/webhooks/delivery-log.ts";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpointRow,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from "../../integrations/webhooks/endpoints.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const endpointFields = {
  name: z.string().trim().max(100).default(""),
  url: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe("https:// (http:// and private addresses only with WEBHOOK_ALLOW_PRIVATE)"),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1, "choose at least one event")
    .max(WEBHOOK_EVENT_TYPES.length),
  enabled: z.boolean().default(true),
};

export const webhookEndpointSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledAt: isoDate.nullable(),
  disabledReason: z.string().nullable(),
  failingSince: isoDate.nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
const withSecret = webhookEndpointSchema.extend({
  secret: z.string().describe("The signing secret (whsec_…): shown now and never again"),
});

const attemptSchema = z.object({
  id: z.number(),
  attemptedAt: isoDate,
  statusCode: z.number().nullable(),
  latencyMs: z.number().nullable(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
});
export const webhookDeliverySchema = z.object({
  id: z.uuid().describe("The webhook-id header and the payload's id"),
  sequence: z.number(),
  eventType: z.string(),
  caseId: z.uuid().nullable(),
  status: z.enum(WEBHOOK_DELIVERY_STATES),
  attempts: z.number(),
  nextAttemptAt: isoDate.nullable(),
  lastStatusCode: z.number().nullable(),
  lastLatencyMs: z.number().nullable(),
  lastResponseExcerpt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: isoDate,
  deliveredAt: isoDate.nullable(),
  request: z.string().describe("The JSON body as sent"),
  log: z.array(attemptSchema),
});

type WebhookServices = Pick<Services, "db" | "clock" | "webhooks">;

export function webhookRoutes(app: ZodApp, services: WebhookServices): void {
  endpointRoutes(app, services);
  deliveryRoutes(app, services);
  logRoutes(app, services);
}

/** Listing, creating, changing and deleting endpoints. */
function endpointRoutes(app: ZodApp, services: WebhookServices): void {
  const { db, webhooks } = services;
  const deps = webhooks.deps;
  // Endpoint changes reach this process's event types at once (others within seconds).
  const changed = async <T>(value: T): Promise<T> => {
    await webhooks.subscriptions.refresh();
    return value;
  };
  const admin = { access: "admin" } as const;
  const tags = ["webhooks"];
  app.get(
    "/api/admin/webhooks",
    {
      config: admin,
      schema: {
        tags,
        summary: "Webhook endpoints, newest first",
        response: responses({
          200: z.object({ items: z.array(webhookEndpointSchema), events: z.array(z.string()) }),
        }),
      },
    },
    async () => ({ items: await listEndpoints(db), events: [...WEBHOOK_EVENT_TYPES] }),
  );
  app.post(
    "/api/admin/webhooks",
    {
      config: admin,
      schema: {
        tags,
        summary: "Subscribe a URL to events; answers the signing secret once",
        body: z.object(endpointFields),
        response: responses({ 201: withSecret }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await changed(await createEndpoint(deps, request.body, currentAgent(request).id))),
  );
  app.put(
    "/api/admin/webhooks/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Change an endpoint's URL, events or name; enable or disable it",
        params: idParam,
        body: z.object(endpointFields),
        response: responses({ 200: webhookEndpointSchema }, [404]),
      },
    },
    async (request) => changed(await updateEndpoint(deps, request.params.id, request.body)),
  );
  app.delete(
    "/api/admin/webhooks/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Delete an endpoint with its delivery log",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deleteEndpoint(db, request.params.id);
      await changed(null);
      return reply.code(204).send(null);
    },
  );
}

/** Rotating the secret and the test ping. */
function deliveryRoutes(app: ZodApp, services: WebhookServices): void {
  const { db, webhooks } = services;
  const deps = webhooks.deps;
  const admin = { access: "admin" } as const;
  const tags = ["webhooks"];
  app.post(
    "/api/admin/webhooks/:id/rotate-secret",
    {
      config: admin,
      schema: {
        tags,
        summary: "Replace the signing secret; answers the new one once (the old one stops at once)",
        params: idParam,
        response: responses({ 200: withSecret }, [404]),
      },
    },
    async (request) => rotateSecret(deps, request.params.id),
  );
  app.post(
    "/api/admin/webhooks/:id/test",
    {
      config: admin,
      schema: {
        tags,
        summary: "Send a ping event to the endpoint (it shows in the delivery log)",
        params: idParam,
        response: responses({ 202: z.object({ deliveryId: z.uuid() }) }, [404, 409]),
      },
    },
    async (request, reply) => {
      const endpoint = await getEndpointRow(db, request.params.id);
      const deliveryId = await queueWebhookDelivery(deps, endpoint.id, PING_EVENT, {
        message: "Hello from Switchboard: this endpoint receives webhooks.",
        endpointId: endpoint.id,
      });
      return reply.code(202).send({ deliveryId });
    },
  );
}

/** The delivery log and replay. */
function logRoutes(app: ZodApp, services: WebhookServices): void {
  const { db, webhooks } = services;
  const deps = webhooks.deps;
  const admin = { access: "admin" } as const;
  const tags = ["webhooks"];
  app.get(
    "/api/admin/webhooks/:id/deliveries",
    {
      config: admin,
      schema: {
        tags,
        summary: "An endpoint's delivery log, newest first, each delivery with its attempts",
        params: idParam,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(25),
          beforeSequence: z.coerce.number().int().min(1).optional().describe("The page after this sequence"),
        }),
        response: responses(
          {
            200: z.object({
              items: z.array(webhookDeliverySchema),
              nextBeforeSequence: z.number().optional(),
            }),
          },
          [404],
        ),
      },
    },
    async (request) => {
      await getEndpointRow(db, request.params.id);
      const page = await listDeliveries(db, request.params.id, {
        limit: request.query.limit,
        beforeSeq: request.query.beforeSequence,
      });
      return {
        items: page.items,
        ...(page.nextBeforeSeq !== undefined ? { nextBeforeSequence: page.nextBeforeSeq } : {}),
      };
    },
  );
  app.post(
    "/api/admin/webhook-deliveries/:id/replay",
    {
      config: admin,
      schema: {
        tags,
        summary: "Send a delivery again: same webhook-id and body, a fresh signature",
        params: idParam,
        response: responses({ 202: z.object({ deliveryId: z.uuid() }) }, [404]),
      },
    },
    async (request, reply) => {
      const row = await replayDelivery(deps, request.params.id);
      return reply.code(202).send({ deliveryId: row.id });
    },
  );
}
