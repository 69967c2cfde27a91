/** POST /api/cases/bulk: one action on up to 100 cases, reported per case. */
import { z } from "zod";
import { PRIORITIES } from "../../db/schema/cases.ts";
import { type BulkServices, MAX_TAGS, runBulkAction } from "../case-bulk.ts";
import { currentActor } from "../http/access.ts";
import { responses } from "../http/schemas.ts";
import type { ZodApp } from "./zod-app.ts";

const tag = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^,]+$/, "cannot contain a comma");

const bulkAction = z.discriminatedUnion("type", [
  z.object({ type: z.literal("assign"), agentId: z.uuid() }).describe("Supervisors: assign to an agent"),
  z.object({ type: z.literal("transfer"), queueId: z.uuid() }).describe("Move to a queue"),
  z.object({ type: z.literal("priority"), priority: z.enum(PRIORITIES) }),
  z
    .object({
      type: z.literal("tags"),
      add: z.array(tag).max(MAX_TAGS).optional(),
      remove: z.array(tag).max(MAX_TAGS).optional(),
    })
    .refine((action) => (action.add?.length ?? 0) + (action.remove?.length ?? 0) > 0, {
      message: "give tags to add or to remove",
    }),
  z.object({
    type: z.literal("resolve"),
    dispositionId: z.uuid().optional().describe("Set on each case before it is resolved"),
  }),
]);

export const bulkResultSchema = z.union([
  z.object({ caseId: z.uuid(), caseNumber: z.number().int(), ok: z.literal(true) }),
  z.object({
    caseId: z.uuid(),
    caseNumber: z
      .number()
      .int()
      .optional()
      .describe("Absent when the case does not exist or is outside the queues you may see"),
    ok: z.literal(false),
    error: z.string().describe("The code the single-case route would answer, e.g. forbidden, not_found"),
    message: z.string().describe("Why this case was refused, and what to do"),
  }),
]);

export const bulkAnswerSchema = z.object({
  results: z.array(bulkResultSchema).describe("One per distinct case id, in the order given"),
  done: z.number().int(),
  refused: z.number().int(),
});

export function caseBulkRoutes(app: ZodApp, services: BulkServices): void {
  app.post(
    "/api/cases/bulk",
    {
      config: { access: "agent" },
      schema: {
        tags: ["cases"],
        summary: "Assign, transfer, set the priority or tags of, or resolve up to 100 cases at once",
        description:
          "Each case is checked and changed as its single-case route would (assign, transfer, PATCH, actions), in its own transaction: a refused case does not undo the others. Cases outside the queues you may see are reported as not found. A target that does not exist, or assigning as an agent, refuses the whole request.",
        body: z.object({
          caseIds: z.array(z.uuid()).min(1, "select at least one case").max(100, "at most 100 cases at once"),
          action: bulkAction,
        }),
        response: responses({ 200: bulkAnswerSchema }, [404]),
      },
    },
    async (request) => runBulkAction(services, currentActor(request), request.body),
  );
}
