/** Disposition codes: agents list them to pick one for a case; admins keep them; supervisors count them. */
import { z } from "zod";
import {
  createDisposition,
  dispositionCounts,
  listDispositions,
  updateDisposition,
} from "../../cases/dispositions.ts";
import { currentScope } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export const dispositionSchema = z.object({
  id: z.uuid(),
  label: z.string(),
  description: z.string(),
  active: z.boolean().describe("Retired codes stay on their cases but are not offered"),
  position: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const fields = {
  label: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500),
  active: z.boolean(),
  position: z.number().int().min(0).max(10_000),
};

export function dispositionRoutes(app: ZodApp, services: Pick<Services, "clock" | "db">): void {
  const { db } = services;
  const tags = ["cases"];

  app.get(
    "/api/dispositions",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "Disposition codes agents can give a case (with `all=true`, the retired ones too)",
        querystring: z.object({ all: z.enum(["true", "false"]).optional() }),
        response: responses({ 200: z.object({ items: z.array(dispositionSchema) }) }),
      },
    },
    async (request) => ({
      items: await listDispositions(db, { includeRetired: request.query.all === "true" }),
    }),
  );

  app.post(
    "/api/dispositions",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "Add a disposition code",
        body: z.object(fields).partial().required({ label: true }),
        response: responses({ 201: dispositionSchema }, [409]),
      },
    },
    async (request, reply) => reply.code(201).send(await createDisposition(db, request.body)),
  );

  app.patch(
    "/api/dispositions/:id",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "Rename, describe, reorder, retire or bring back a disposition code",
        description: "Codes are never deleted: cases keep the code they were given.",
        params: idParam,
        body: z
          .object(fields)
          .partial()
          .refine((body) => Object.keys(body).length > 0, "give at least one field to change"),
        response: responses({ 200: dispositionSchema }, [404, 409]),
      },
    },
    async (request) => updateDisposition(db, request.params.id, request.body, services.clock()),
  );

  dispositionReportRoutes(app, services);
}

/** How many cases were resolved per disposition code: the supervisors' report. */
function dispositionReportRoutes(app: ZodApp, services: Pick<Services, "db">): void {
  const { db } = services;
  app.get(
    "/api/reports/dispositions",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["metrics"],
        summary: "Cases resolved in a period per disposition code (null: resolved without one)",
        querystring: z
          .object({ from: isoDate, to: isoDate, queueId: z.uuid().optional() })
          .refine((q) => q.from < q.to, { message: "from must be before to", path: ["to"] }),
        response: responses({
          200: z.object({
            items: z.array(
              z.object({
                dispositionId: z.uuid().nullable(),
                label: z.string().nullable(),
                cases: z.number(),
              }),
            ),
          }),
        }),
      },
    },
    async (request) => {
      const scope = currentScope(request);
      return {
        items: await dispositionCounts(db, {
          ...request.query,
          ...(scope.limited ? { queueIds: scope.queueIds } : {}),
        }),
      };
    },
  );
}
