import { z } from "zod";
import { PRIORITIES } from "../../db/schema/cases.ts";
import { editCase } from "../../sla/case-edits.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, responses } from "../http/schemas.ts";
import { caseSummarySchema } from "../http/views.ts";
import { caseSummary } from "../realtime/publisher.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export function caseEditRoutes(app: ZodApp, services: Pick<Services, "cases" | "db">): void {
  app.patch(
    "/api/cases/:id",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["cases"],
        summary: "Change a case's priority, tags, subject or disposition",
        description: "Audited; a new priority or tags can change the case's SLA targets.",
        params: idParam,
        body: z
          .object({
            priority: z.enum(PRIORITIES).optional(),
            tags: z
              .array(
                z
                  .string()
                  .trim()
                  .min(1)
                  .max(50)
                  .regex(/^[^,]+$/, "cannot contain a comma"),
              )
              .max(30)
              .optional(),
            subject: z.string().trim().min(1).max(500).optional(),
            dispositionId: z
              .uuid()
              .nullable()
              .optional()
              .describe("A current disposition code; null clears it"),
          })
          .refine(
            (body) => Object.keys(body).length > 0,
            "give at least one of priority, tags, subject, dispositionId",
          ),
        response: responses({ 200: caseSummarySchema }, [404, 409]),
      },
    },
    async (request) => {
      const row = await editCase(services.cases, {
        caseId: request.params.id,
        edit: request.body,
        actor: { type: "agent", id: currentAgent(request).id },
      });
      return (await caseSummary(services.db, row.id))!;
    },
  );
}
