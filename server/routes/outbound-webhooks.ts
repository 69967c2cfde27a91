import type { FastifyRequest } from "fastify";
import { z } from "zod";
import {
  answerOutboundCall,
  recordAgentLegResult,
  recordOutboundStatus,
} from "../../outbound/call-events.ts";
import { OUTBOUND_WEBHOOKS } from "../../outbound/dialer.ts";
import type { OutboundDeps } from "../../outbound/ports.ts";
import { bridgePreviewCall, recordPreviewDialResult } from "../../outbound/preview-call.ts";
import { responses } from "../http/schemas.ts";
import { assertTwilioSignature } from "../http/twilio-signature.ts";
import { type OutboundServices, outboundDeps } from "../jobs/outbound-jobs.ts";
import type { ZodApp } from "./zod-app.ts";

/** What every outbound webhook route shares: the outbound core and the Twilio signature check. */
interface WebhookContext {
  deps: OutboundDeps;
  signed: {
    config: { access: "public"; proof: "twilio-signature" };
    preValidation: (request: FastifyRequest) => Promise<void>;
  };
}

const attemptQuery = z.object({ attempt: z.uuid() });
const twilioBody = z.looseObject({ CallSid: z.string().optional() });

/** A call was picked up: the customer of a campaign call, or the agent of a preview call. */
function answerRoutes(app: ZodApp, { deps, signed }: WebhookContext): void {
  app.post(
    OUTBOUND_WEBHOOKS.answer,
    {
      ...signed,
      schema: {
        tags: ["twilio webhooks"],
        summary: "Twilio: a dialled customer answered (TwiML: an agent, the apology, or the voicemail drop)",
        querystring: attemptQuery,
        body: twilioBody,
        response: responses({ 200: z.string().describe("TwiML") }),
      },
    },
    async (request, reply) =>
      reply
        .type("text/xml")
        .send(await answerOutboundCall(deps, request.query.attempt, request.body as Record<string, string>)),
  );
  app.post(
    OUTBOUND_WEBHOOKS.bridge,
    {
      ...signed,
      schema: {
        tags: ["twilio webhooks"],
        summary: "Twilio: the agent answered a preview call (TwiML: dial the customer)",
        querystring: attemptQuery,
        body: twilioBody,
        response: responses({ 200: z.string().describe("TwiML") }),
      },
    },
    async (request, reply) =>
      reply.type("text/xml").send(await bridgePreviewCall(deps, request.query.attempt)),
  );
}

// How a <Dial> ended: the customer's leg of a preview call, or the agent's leg of an answered
// progressive or predictive call. Both answer with TwiML for the call that is left.
function dialResultRoutes(app: ZodApp, { deps, signed }: WebhookContext): void {
  const dialResults = [
    {
      path: OUTBOUND_WEBHOOKS.dialResult,
      summary: "Twilio: how the customer's leg of a preview call ended",
      handle: recordPreviewDialResult,
    },
    {
      path: OUTBOUND_WEBHOOKS.agentResult,
      summary:
        "Twilio: how the agent's leg of an answered campaign call ended (TwiML: the apology if the agent never picked up)",
      handle: recordAgentLegResult,
    },
  ];
  for (const { path, summary, handle } of dialResults)
    app.post(
      path,
      {
        ...signed,
        schema: {
          tags: ["twilio webhooks"],
          summary,
          querystring: attemptQuery,
          body: z.looseObject({ DialCallStatus: z.string() }),
          response: responses({ 200: z.string().describe("TwiML") }),
        },
      },
      async (request, reply) =>
        reply.type("text/xml").send(await handle(deps, request.query.attempt, request.body.DialCallStatus)),
    );
}

/** Progress of a dialled call. */
function statusRoutes(app: ZodApp, { deps, signed }: WebhookContext): void {
  app.post(
    OUTBOUND_WEBHOOKS.status,
    {
      ...signed,
      schema: {
        tags: ["twilio webhooks"],
        summary: "Twilio: progress of a dialled call",
        querystring: attemptQuery,
        body: twilioBody,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await recordOutboundStatus(deps, request.query.attempt, request.body as Record<string, string>);
      return reply.code(204).send(null);
    },
  );
}

export function outboundWebhookRoutes(app: ZodApp, services: OutboundServices): void {
  const deps = outboundDeps(services);
  const authToken = services.config.twilio?.authToken;
  if (!authToken) return;
  const context: WebhookContext = {
    deps,
    signed: {
      config: { access: "public" as const, proof: "twilio-signature" as const },
      preValidation: async (request: FastifyRequest) =>
        assertTwilioSignature(authToken, services.config.publicUrl, request),
    },
  };
  answerRoutes(app, context);
  dialResultRoutes(app, context);
  statusRoutes(app, context);
}
