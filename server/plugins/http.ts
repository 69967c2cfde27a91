/**
 * The HTTP edge every route shares: our error shape, zod validation and serialisation, cookies,
 * forms (Twilio posts its webhooks as forms), static files, the OpenAPI page, access control (each
 * route declares who may call it), input guards and the request-duration histogram.
 */
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { assertMaySeeCase, assertMayWorkCase } from "../../routing/case-permission.ts";
import { loadQueueScope } from "../../routing/queue-scope.ts";
import { resolveApiKey } from "../auth/api-keys.ts";
import { installAccessControl } from "../http/access.ts";
import { installErrorHandler } from "../http/errors.ts";
import { installInputGuards } from "../http/input-guards.ts";
import { installRouteLimits } from "../http/rate-limits.ts";
import { installSecurityHeaders } from "../http/security-headers.ts";
import { CONSOLE_DIST } from "../routes/web.ts";

/** What answers a GET no route matched (the console's pages); set by the routes plugin. */
export interface SpaFallback {
  handle?: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    spaFallback: SpaFallback;
  }
}

async function httpPlugin(app: FastifyInstance): Promise<void> {
  const spaFallback: SpaFallback = {};
  app.decorate("spaFallback", spaFallback);
  // First, so every route inherits our error shape.
  installErrorHandler(app, { fallback: (request, reply) => spaFallback.handle?.(request, reply) ?? false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await installSecurityHeaders(app, app.clients.config.publicUrl);
  await app.register(fastifyCookie);
  await installRouteLimits(app, { redis: app.clients.redis, prefix: app.clients.config.jobPrefix });
  // Twilio posts its webhooks as forms.
  await app.register(fastifyFormbody);
  await app.register(fastifyStatic, { root: CONSOLE_DIST, serve: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "Switchboard API",
        version: "0.1.0",
        description: "Omnichannel contact center and case management",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  installAccessControl(app, app.domain.auth, {
    publicPrefixes: ["/docs"],
    publicUrl: app.clients.config.publicUrl,
    mayWorkCase: (agent, scope, caseId) =>
      assertMayWorkCase(app.domain.routing, { id: agent.id, role: agent.role, scope }, caseId),
    maySeeCase: (agent, scope, caseId) =>
      assertMaySeeCase(app.domain.routing, { id: agent.id, role: agent.role, scope }, caseId),
    queueScopeOf: (agent) => loadQueueScope(app.clients.db, agent),
    resolveApiKey: (token) => resolveApiKey(app.clients.db, app.clients.secret, token, app.clients.clock()),
  });
  installInputGuards(app);
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });
  const { metrics } = app.clients;
  app.addHook("onResponse", async (request, reply) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? "unmatched",
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}

export const http = fp(httpPlugin, {
  name: "switchboard-http",
  fastify: "5.x",
  dependencies: ["switchboard-domain"],
});
