/** Admin API for skills: the skills queues require, and each agent's levels in them. */
import { z } from "zod";
import {
  agentSkillLevels,
  createSkill,
  deleteSkill,
  listSkills,
  setAgentSkills,
  updateSkill,
} from "../../routing/catalog.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

/** A skill at a level: what a queue requires, what an agent holds. */
export const skillRequirement = z.object({ skillId: z.uuid(), level: z.number().int().min(1).max(10) });
export const skillSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  createdAt: isoDate,
});
/** One of an agent's skills and its level. */
export const skillLevelSchema = z.object({ skillId: z.uuid(), name: z.string(), level: z.number().int() });
const admin = { access: "admin" } as const;

/** The skills queues require and agents hold. */
export function skillRoutes(app: ZodApp, { db }: Pick<Services, "db">): void {
  app.get(
    "/api/skills",
    {
      config: { access: "agent" },
      schema: {
        tags: ["routing"],
        summary: "All skills",
        response: responses({ 200: z.object({ items: z.array(skillSchema) }) }),
      },
    },
    async () => ({ items: await listSkills(db) }),
  );
  app.post(
    "/api/skills",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Create a skill",
        body: z.object({
          name: z.string().trim().min(1).max(100),
          description: z.string().max(1000).optional(),
        }),
        response: responses({ 201: skillSchema }, [409]),
      },
    },
    async (request, reply) => reply.code(201).send(await createSkill(db, request.body)),
  );
  app.patch(
    "/api/skills/:id",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Rename or describe a skill",
        params: idParam,
        body: z.object({
          name: z.string().trim().min(1).max(100).optional(),
          description: z.string().max(1000).optional(),
        }),
        response: responses({ 200: skillSchema }, [404, 409]),
      },
    },
    async (request) => updateSkill(db, request.params.id, request.body),
  );
  app.delete(
    "/api/skills/:id",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Delete a skill no queue requires",
        params: idParam,
        response: responses({ 204: z.null() }, [404, 409]),
      },
    },
    async (request, reply) => {
      await deleteSkill(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** Each agent's skill levels; a change reaches the boards at once. */
export function agentSkillRoutes(app: ZodApp, services: Pick<Services, "cases" | "db">): void {
  const { db } = services;
  app.get(
    "/api/agents/:id/skills",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["routing"],
        summary: "An agent's skills and levels",
        params: idParam,
        response: responses({ 200: z.object({ items: z.array(skillLevelSchema) }) }),
      },
    },
    async (request) => ({ items: await agentSkillLevels(db, request.params.id) }),
  );
  app.put(
    "/api/agents/:id/skills",
    {
      config: admin,
      schema: {
        tags: ["routing"],
        summary: "Replace an agent's skills (levels 1–10)",
        params: idParam,
        body: z.object({ items: z.array(skillRequirement).max(50) }),
        response: responses({ 200: z.object({ items: z.array(skillLevelSchema) }) }, [404]),
      },
    },
    async (request) => {
      const items = await setAgentSkills(db, request.params.id, request.body.items);
      services.cases.events.publish([{ type: "agent.updated", agentId: request.params.id }]);
      return { items };
    },
  );
}
