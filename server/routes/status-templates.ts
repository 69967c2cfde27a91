/** Admin API for the customer update templates (one per event and channel). */
import { z } from "zod";
import {
  listTemplates,
  saveTemplate,
  TEMPLATE_CHANNELS,
} from "../../channels/status-updates/template-admin.ts";
import { TEMPLATE_PLACEHOLDERS } from "../../channels/status-updates/templates.ts";
import { NOTIFICATION_EVENTS } from "../../db/schema/channels.ts";
import { isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export const templateSchema = z.object({
  id: z.uuid(),
  event: z.enum(NOTIFICATION_EVENTS),
  channel: z.string(),
  subject: z.string().describe("Email only"),
  body: z.string(),
  enabled: z.boolean().describe("A disabled template sends nothing for its event on its channel"),
  updatedAt: isoDate,
});

export function statusTemplateRoutes(
  app: ZodApp,
  services: Pick<Services, "clock" | "db" | "statusUpdates">,
): void {
  app.get(
    "/api/status-templates",
    {
      config: { access: "admin" },
      schema: {
        tags: ["channels"],
        summary: "The customer update templates, and the placeholders they may use",
        response: responses({
          200: z.object({ items: z.array(templateSchema), placeholders: z.array(z.string()) }),
        }),
      },
    },
    async () => ({
      items: await listTemplates(services.db),
      placeholders: TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`),
    }),
  );

  app.put(
    "/api/status-templates/:event/:channel",
    {
      config: { access: "admin" },
      schema: {
        tags: ["channels"],
        summary: "Write the template of one event on one channel",
        params: z.object({ event: z.enum(NOTIFICATION_EVENTS), channel: z.enum(TEMPLATE_CHANNELS) }),
        body: z.object({
          subject: z.string().max(200).optional(),
          body: z.string().trim().min(1).max(2000),
          enabled: z.boolean().default(true),
        }),
        response: responses({ 200: templateSchema }),
      },
    },
    async (request) => {
      const saved = await saveTemplate(services.db, request.params, request.body, services.clock());
      services.statusUpdates.templates.invalidate();
      return saved;
    },
  );
}
