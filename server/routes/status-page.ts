/**
 * The customer's status page, `/status/<token>` (the link in every update): a plain HTML page whose
 * forms work without JavaScript, and the same operations as a JSON API for widgets and tests.
 */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { AppError, isAppError } from "../../cases/errors.ts";
import { readBranding } from "../../channels/status-updates/branding.ts";
import { rateCase, replyFromStatusPage, statusView } from "../../channels/status-updates/status-page.ts";
import { verifyStatusToken } from "../../channels/status-updates/status-token.ts";
import { assertWithinLimit } from "../http/rate-limits.ts";
import { isoDate, responses } from "../http/schemas.ts";
import { allowImagesFrom } from "../http/security-headers.ts";
import type { Services } from "../services.ts";
import { type Notice, page, STATUS_TIMES_JS } from "./status-page-html.ts";
import type { ZodApp } from "./zod-app.ts";

const tokenParam = z.object({ token: z.string().min(10).max(200) });

const notFoundPage = `<!doctype html><meta charset="utf-8"><title>Not found</title><p>This link is not valid. Check that it was copied whole.</p>`;

type StatusPageServices = Pick<Services, "cases" | "statusUpdates" | "limits" | "db">;

/** The case a status link names, or a 404 for a link that is not ours. */
function caseOf(services: StatusPageServices, token: string): string {
  const caseId = verifyStatusToken(services.statusUpdates.settings.secret, token);
  if (!caseId) throw new AppError("NOT_FOUND", "This status link is not valid.");
  return caseId;
}

async function sendPage(
  services: StatusPageServices,
  reply: FastifyReply,
  token: string,
  notice: Notice | null,
  status = 200,
) {
  const view = await statusView(services.cases, caseOf(services, token));
  const branding = await readBranding(services.db);
  if (branding.logoUrl) allowImagesFrom(reply, new URL(branding.logoUrl).origin);
  return reply
    .code(status)
    .type("text/html")
    .header("cache-control", "no-store")
    .send(page(token, view, notice, branding));
}

/** The status page itself, as HTML with a plain form: it works without JavaScript. */
function statusHtmlRoutes(app: ZodApp, services: StatusPageServices): void {
  const html = (reply: FastifyReply, token: string, notice: Notice | null, status?: number) =>
    sendPage(services, reply, token, notice, status);

  app.get(
    "/status-times.js",
    { config: { access: "public" }, schema: { hide: true } },
    async (_request, reply) =>
      reply.type("text/javascript").header("cache-control", "public, max-age=300").send(STATUS_TIMES_JS),
  );

  app.get(
    "/status/:token",
    { config: { access: "public", proof: "status-link" }, schema: { hide: true, params: tokenParam } },
    async (request, reply) => {
      const done = (request.query as { done?: string }).done;
      try {
        return await html(
          reply,
          request.params.token,
          done === "reply"
            ? { kind: "ok", text: "Thank you, your reply was sent." }
            : done === "rate"
              ? { kind: "ok", text: "Thank you for your rating." }
              : null,
        );
      } catch (error) {
        if (isAppError(error, "NOT_FOUND")) return reply.code(404).type("text/html").send(notFoundPage);
        throw error;
      }
    },
  );

  // The page's forms: a redirect after success (so a reload does not post again), the page with the message on error.
  app.post(
    "/status/:token",
    {
      config: { access: "public", proof: "status-link" },
      schema: {
        hide: true,
        params: tokenParam,
        body: z.object({
          action: z.enum(["reply", "rate"]),
          body: z.string().max(20_000).optional(),
          clientId: z.string().max(64).optional(),
          rating: z.coerce.number().optional(),
          comment: z.string().max(2000).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const caseId = caseOf(services, token);
      try {
        await assertWithinLimit(services.limits.statusPosts, request.ip, "replies and ratings");
        if (request.body.action === "reply") {
          await replyFromStatusPage(services.cases, caseId, {
            body: request.body.body ?? "",
            clientId: request.body.clientId,
          });
        } else {
          await rateCase(services.cases, caseId, {
            rating: request.body.rating ?? 0,
            comment: request.body.comment,
          });
        }
        return reply.redirect(`/status/${encodeURIComponent(token)}?done=${request.body.action}`, 303);
      } catch (error) {
        if (!isAppError(error) || error.status >= 500) throw error;
        const retryAfter = error.details?.retryAfterSeconds;
        if (typeof retryAfter === "number") reply.header("retry-after", String(retryAfter));
        return html(reply, token, { kind: "error", text: error.message }, error.status);
      }
    },
  );
}

const viewSchema = z.object({
  case: z.object({
    number: z.number().int(),
    subject: z.string(),
    state: z.string(),
    stateLabel: z.string(),
    createdAt: isoDate,
    resolvedAt: isoDate.nullable(),
    csatRating: z.number().int().nullable(),
    csatComment: z.string().nullable(),
  }),
  messages: z.array(
    z.object({
      id: z.uuid(),
      from: z.enum(["customer", "agent"]),
      author: z.string().nullable(),
      body: z.string(),
      at: isoDate,
    }),
  ),
  canReply: z.boolean(),
  canRate: z.boolean(),
});

/** The same page as JSON, for the widget and other clients: read it, reply, rate. */
function statusApiRoutes(app: ZodApp, services: StatusPageServices): void {
  app.get(
    "/api/status/:token",
    {
      config: { access: "public", proof: "status-link" },
      schema: {
        tags: ["status page"],
        summary: "A customer's view of their case",
        params: tokenParam,
        response: responses({ 200: viewSchema }, [404]),
      },
    },
    async (request) => statusView(services.cases, caseOf(services, request.params.token)),
  );

  app.post(
    "/api/status/:token/replies",
    {
      config: { access: "public", proof: "status-link" },
      schema: {
        tags: ["status page"],
        summary: "The customer replies on their case",
        params: tokenParam,
        body: z.object({
          body: z.string().trim().min(1, "cannot be empty").max(10_000),
          clientId: z
            .string()
            .regex(/^[A-Za-z0-9_-]{8,64}$/)
            .optional(),
        }),
        response: responses({ 201: z.object({ id: z.uuid() }) }, [404, 409, 429]),
      },
    },
    async (request, reply) => {
      await assertWithinLimit(services.limits.statusPosts, request.ip, "replies and ratings");
      const stored = await replyFromStatusPage(
        services.cases,
        caseOf(services, request.params.token),
        request.body,
      );
      return reply.code(201).send({ id: stored.id });
    },
  );

  app.post(
    "/api/status/:token/rating",
    {
      config: { access: "public", proof: "status-link" },
      schema: {
        tags: ["status page"],
        summary: "The customer rates a resolved case (1–5, optional comment)",
        params: tokenParam,
        body: z.object({ rating: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() }),
        response: responses(
          { 200: z.object({ rating: z.number().int(), comment: z.string().nullable() }) },
          [404, 409, 429],
        ),
      },
    },
    async (request) => {
      await assertWithinLimit(services.limits.statusPosts, request.ip, "replies and ratings");
      return rateCase(services.cases, caseOf(services, request.params.token), request.body);
    },
  );
}

export function statusPageRoutes(app: ZodApp, services: StatusPageServices): void {
  statusHtmlRoutes(app, services);
  statusApiRoutes(app, services);
}
