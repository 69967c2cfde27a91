/** Macros: personal ones for every agent, shared ones kept by supervisors and admins; applied in one click. */
import { z } from "zod";
import {
  applyMacro,
  createMacro,
  deleteMacro,
  listMacros,
  macroOf,
  updateMacro,
} from "../../automation/macros.ts";
import { actionsSchema } from "../../automation/rule-schema.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export const macroSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  actions: z.array(z.unknown()),
  shared: z.boolean().describe("Seen by everyone; kept by supervisors and admins"),
  ownerAgentId: z.uuid().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  canChange: z.boolean(),
});

const name = z.string().trim().min(1, "cannot be empty").max(80);

const outcomeSchema = z.object({
  type: z.string(),
  status: z.enum(["done", "skipped", "failed"]),
  note: z.string().optional(),
});

export function macroRoutes(app: ZodApp, services: Pick<Services, "db" | "clock" | "automation">): void {
  const { db } = services;
  const tags = ["macros"];

  app.get(
    "/api/macros",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "My macros and the shared ones",
        response: responses({ 200: z.object({ items: z.array(macroSchema) }) }),
      },
    },
    async (request) => {
      const viewer = currentAgent(request);
      return { items: (await listMacros(db, viewer)).map((row) => macroOf(row, viewer)) };
    },
  );

  app.post(
    "/api/macros",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "Save a macro: a named list of actions (reply text with placeholders, tags, state …)",
        description: "`shared: true` is for supervisors and admins (403 otherwise).",
        body: z.object({ name, actions: actionsSchema, shared: z.boolean().optional() }),
        response: responses({ 201: macroSchema }),
      },
    },
    async (request, reply) => {
      const viewer = currentAgent(request);
      const row = await createMacro(db, viewer, request.body, services.clock());
      return reply.code(201).send(macroOf(row, viewer));
    },
  );

  app.put(
    "/api/macros/:id",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "Change a macro: your own, or a shared one (supervisors and admins)",
        params: idParam,
        body: z
          .object({
            name: name.optional(),
            actions: actionsSchema.optional(),
            shared: z.boolean().optional(),
          })
          .refine((body) => Object.keys(body).length > 0, "give at least one of name, actions, shared"),
        response: responses({ 200: macroSchema }, [404]),
      },
    },
    async (request) => {
      const viewer = currentAgent(request);
      const row = await updateMacro(db, viewer, request.params.id, request.body, services.clock());
      return macroOf(row, viewer);
    },
  );

  macroDeleteRoute(app, services);
  macroApplyRoute(app, services);
}

function macroDeleteRoute(app: ZodApp, services: Pick<Services, "db">): void {
  const tags = ["macros"];
  app.delete(
    "/api/macros/:id",
    {
      config: { access: "agent" },
      schema: {
        tags,
        summary: "Delete a macro: your own, or a shared one (supervisors and admins)",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deleteMacro(services.db, currentAgent(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** Applying a macro to a case: the agent must be allowed to work it. */
function macroApplyRoute(app: ZodApp, services: Pick<Services, "automation">): void {
  const tags = ["macros"];
  app.post(
    "/api/cases/:id/macros/:macroId/apply",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags,
        summary: "Apply a macro to a case: every action as you, or none (409 with the reason)",
        description: "Its reply is sent as your reply; the answer lists what each action did.",
        params: idParam.extend({ macroId: z.uuid({ message: "must be a UUID" }) }),
        response: responses({ 200: z.object({ actions: z.array(outcomeSchema) }) }, [404, 409]),
      },
    },
    async (request) => {
      const actions = await applyMacro(services.automation, {
        macroId: request.params.macroId,
        caseId: request.params.id,
        agent: currentAgent(request),
      });
      return { actions };
    },
  );
}
