/** Replies sent later (cancelling one before it leaves) and the approved WhatsApp templates. */
import { z } from "zod";
import { cancelScheduledReply } from "../../cases/scheduled-replies.ts";
import { readWhatsAppTemplates, writeWhatsAppTemplates } from "../../cases/whatsapp-templates.ts";
import { currentAgent } from "../http/access.ts";
import { responses } from "../http/schemas.ts";
import { interactionSchema } from "../http/views.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const whatsappTemplateSchema = z.object({
  name: z.string().trim().min(1, "cannot be empty").max(200),
  body: z
    .string()
    .trim()
    .min(1, "cannot be empty")
    .max(1024, "can be at most 1,024 characters (WhatsApp's limit)")
    .describe("The approved words, with {{1}}, {{2}}… where values go"),
  contentSid: z
    .string()
    .regex(/^HX[0-9a-fA-F]{32}$/, "must be a Twilio Content SID: HX followed by 32 hex digits")
    .nullable()
    .default(null)
    .describe("Twilio's Content SID of the approved template; null sends the filled-in words"),
});

const templateList = z.object({ items: z.array(whatsappTemplateSchema) });

export function scheduledReplyRoutes(app: ZodApp, services: Pick<Services, "cases" | "db">): void {
  app.delete(
    "/api/cases/:id/replies/:interactionId/schedule",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["cases"],
        summary: "Cancel a reply scheduled for later, before it leaves",
        description: "The reply stays on the timeline as `cancelled`. 409 once it has left the schedule.",
        params: z.object({ id: z.uuid(), interactionId: z.uuid() }),
        response: responses({ 200: interactionSchema }, [404, 409]),
      },
    },
    async (request) => {
      const agent = currentAgent(request);
      return cancelScheduledReply(services.cases, {
        caseId: request.params.id,
        interactionId: request.params.interactionId,
        agentId: agent.id,
        agentName: agent.name,
      });
    },
  );

  app.get(
    "/api/whatsapp/templates",
    {
      config: { access: "agent" },
      schema: {
        tags: ["whatsapp"],
        summary: "The approved WhatsApp templates, sendable outside the 24-hour window",
        response: responses({ 200: templateList }),
      },
    },
    async () => ({ items: await readWhatsAppTemplates(services.db) }),
  );

  app.put(
    "/api/whatsapp/templates",
    {
      config: { access: "admin" },
      schema: {
        tags: ["whatsapp"],
        summary: "Replace the list of approved WhatsApp templates",
        description: "Names must differ (case-insensitive). At most 100 templates.",
        body: z.object({ items: z.array(whatsappTemplateSchema).max(100) }),
        response: responses({ 200: templateList }, [400]),
      },
    },
    async (request) => ({ items: await writeWhatsAppTemplates(services.db, request.body.items) }),
  );
}
