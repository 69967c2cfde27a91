/** The signed-in agent's notifications (mentions kept while they were away) and marking them read. */
import { z } from "zod";
import { listNotifications, markNotificationsRead } from "../../cases/agent-notifications.ts";
import { AGENT_NOTIFICATION_KINDS } from "../../db/schema/cases.ts";
import { currentAgent } from "../http/access.ts";
import { isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const notificationSchema = z.object({
  id: z.uuid(),
  kind: z.enum(AGENT_NOTIFICATION_KINDS),
  caseId: z.uuid(),
  caseNumber: z.int(),
  interactionId: z.uuid().nullable(),
  by: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  excerpt: z.string(),
  createdAt: isoDate,
  readAt: isoDate.nullable(),
});

export function notificationRoutes(app: ZodApp, services: Pick<Services, "clock" | "db">): void {
  app.get(
    "/api/me/notifications",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "My notifications, newest first, and how many are unread",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) }),
        response: responses({ 200: z.object({ items: z.array(notificationSchema), unread: z.int() }) }),
      },
    },
    async (request) => listNotifications(services.db, currentAgent(request).id, request.query.limit),
  );

  app.post(
    "/api/me/notifications/read",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Mark notifications read: the ones given, or all",
        body: z.object({ ids: z.array(z.uuid()).min(1).max(100).optional() }),
        response: responses({ 200: z.object({ marked: z.int() }) }),
      },
    },
    async (request) => ({
      marked: await markNotificationsRead(
        services.db,
        currentAgent(request).id,
        request.body.ids,
        services.clock(),
      ),
    }),
  );
}
