/** Saved inbox views: personal ones for everyone, shared ones kept by supervisors and admins. */
import { z } from "zod";
import {
  createSavedView,
  deleteSavedView,
  listSavedViews,
  updateSavedView,
  viewOf,
} from "../../cases/saved-views.ts";
import { currentAgent } from "../http/access.ts";
import { CASE_FILTER_KEYS, checkInboxQuery } from "../http/case-list-query.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export const savedViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  query: z
    .string()
    .describe("The inbox's URL query string, e.g. `assignee=none&status=open&priority=urgent`"),
  shared: z.boolean().describe("Seen by everyone; kept by supervisors and admins"),
  ownerAgentId: z.uuid().nullable().describe("Whose personal view it is; null when shared"),
  createdById: z.uuid().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  canChange: z.boolean().describe("Whether the caller may rename, change or delete it"),
});

const name = z.string().trim().min(1, "cannot be empty").max(80, "can be at most 80 characters");
const query = z
  .string()
  .max(2000)
  .transform((value, ctx) => {
    try {
      return checkInboxQuery(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  })
  .describe(`The inbox's URL query string; keys: ${CASE_FILTER_KEYS.join(", ")}`);

export function savedViewRoutes(app: ZodApp, services: Pick<Services, "clock" | "db">): void {
  const { db } = services;
  const tags = ["cases"];
  app.get(
    "/api/views",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "My saved inbox views and the shared ones",
        response: responses({ 200: z.object({ items: z.array(savedViewSchema) }) }),
      },
    },
    async (request) => {
      const viewer = currentAgent(request);
      return { items: (await listSavedViews(db, viewer)).map((row) => viewOf(row, viewer)) };
    },
  );

  app.post(
    "/api/views",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "Save the inbox's filters as a view",
        description:
          "`shared: true` is for supervisors and admins (403 otherwise). Unknown query keys are 400.",
        body: z.object({ name, query, shared: z.boolean().optional() }),
        response: responses({ 201: savedViewSchema }, [409]),
      },
    },
    async (request, reply) => {
      const viewer = currentAgent(request);
      const row = await createSavedView(db, viewer, request.body, services.clock());
      return reply.code(201).send(viewOf(row, viewer));
    },
  );

  app.put(
    "/api/views/:id",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "Rename a view, change its filters, or share it",
        description:
          "Your own views; shared ones for supervisors and admins. Unsharing makes the view yours.",
        params: idParam,
        body: z
          .object({ name: name.optional(), query: query.optional(), shared: z.boolean().optional() })
          .refine((body) => Object.keys(body).length > 0, "give at least one of name, query, shared"),
        response: responses({ 200: savedViewSchema }, [404, 409]),
      },
    },
    async (request) => {
      const viewer = currentAgent(request);
      const row = await updateSavedView(db, viewer, request.params.id, request.body, services.clock());
      return viewOf(row, viewer);
    },
  );

  app.delete(
    "/api/views/:id",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "Delete a view: your own, or a shared one (supervisors and admins)",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deleteSavedView(db, currentAgent(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
