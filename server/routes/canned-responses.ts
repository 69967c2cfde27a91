/** Canned responses: agents search and fill them for a case; supervisors and admins keep them. */
import { z } from "zod";
import {
  CANNED_PLACEHOLDERS,
  createCannedResponse,
  deleteCannedResponse,
  listCannedResponses,
  renderCannedResponse,
  updateCannedResponse,
} from "../../cases/canned-responses.ts";
import { CHANNELS } from "../../db/schema/cases.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export const cannedSchema = z.object({
  id: z.uuid(),
  shortCode: z.string(),
  title: z.string(),
  body: z.string(),
  channels: z.array(z.enum(CHANNELS)).describe("Offered on these channels; empty for all"),
  createdBy: z.uuid().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const fields = {
  shortCode: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "letters, digits, - and _ only, at most 40")
    .describe("Typed after / in the composer"),
  title: z.string().trim().min(1).max(100),
  body: z
    .string()
    .trim()
    .min(1)
    .max(5000)
    .describe(`May use ${CANNED_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}`),
  channels: z.array(z.enum(CHANNELS)).max(CHANNELS.length).default([]),
};

/** Canned responses: list, create, edit and delete them. */
function cannedAdminRoutes(app: ZodApp, services: Pick<Services, "clock" | "db">): void {
  const { db } = services;
  const tags = ["cases"];
  app.get(
    "/api/canned-responses",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "Search canned responses by short code, title or text",
        querystring: z.object({
          q: z.string().max(200).optional(),
          channel: z.enum(CHANNELS).optional().describe("Only those offered on this channel"),
        }),
        response: responses({ 200: z.object({ items: z.array(cannedSchema) }) }),
      },
    },
    async (request) => ({ items: await listCannedResponses(db, request.query) }),
  );

  app.post(
    "/api/canned-responses",
    {
      config: { access: "supervisor" },
      schema: {
        tags,
        summary: "Add a canned response",
        body: z.object(fields),
        response: responses({ 201: cannedSchema }, [409]),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createCannedResponse(db, request.body, currentAgent(request).id)),
  );

  app.patch(
    "/api/canned-responses/:id",
    {
      config: { access: "supervisor" },
      schema: {
        tags,
        summary: "Change a canned response",
        params: idParam,
        body: z
          .object({
            shortCode: fields.shortCode.optional(),
            title: fields.title.optional(),
            body: fields.body.optional(),
            channels: z.array(z.enum(CHANNELS)).max(CHANNELS.length).optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "send at least one field to change"),
        response: responses({ 200: cannedSchema }, [404, 409]),
      },
    },
    async (request) => updateCannedResponse(db, request.params.id, request.body, services.clock()),
  );

  app.delete(
    "/api/canned-responses/:id",
    {
      config: { access: "supervisor" },
      schema: {
        tags,
        summary: "Delete a canned response",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deleteCannedResponse(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** A canned response filled in for one case. */
function cannedRenderRoutes(app: ZodApp, services: Pick<Services, "clock" | "db">): void {
  const { db } = services;
  const tags = ["cases"];
  app.post(
    "/api/canned-responses/:id/render",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "The canned response filled in for a case, ready for the composer",
        params: idParam,
        body: z.object({ caseId: z.uuid() }),
        response: responses({ 200: z.object({ body: z.string() }) }, [404]),
      },
    },
    async (request) =>
      renderCannedResponse(db, {
        id: request.params.id,
        caseId: request.body.caseId,
        agentId: currentAgent(request).id,
      }),
  );
}

export function cannedResponseRoutes(app: ZodApp, services: Pick<Services, "clock" | "db">): void {
  cannedAdminRoutes(app, services);
  cannedRenderRoutes(app, services);
}
