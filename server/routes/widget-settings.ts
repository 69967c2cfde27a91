/**
 * The chat widget's look and pre-chat form, and the status page's branding: admin reads and writes,
 * and the widget's public read (any site that embeds the widget fetches it, so it is open to every
 * origin and carries nothing internal).
 */
import { z } from "zod";
import { AppError } from "../../cases/errors.ts";
import { PRE_CHAT_MODES, WIDGET_POSITIONS } from "../../channels/chat/widget-settings.ts";
import { readBranding, saveBranding } from "../../channels/status-updates/branding.ts";
import { responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

/** Stored lower-case (the routes lower it), so a colour compares and shows one way. */
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour written #rrggbb, e.g. #4c6ef5");
const preChatMode = z.enum(PRE_CHAT_MODES);

const publicWidgetSchema = z.object({
  colour,
  greeting: z.string().trim().min(1, "cannot be empty").max(200),
  position: z.enum(WIDGET_POSITIONS),
  preChat: z.object({ name: preChatMode, email: preChatMode }),
});

export const widgetSettingsSchema = publicWidgetSchema.extend({
  leaveMessageQueueId: z
    .uuid()
    .nullable()
    .describe(
      "Where messages left outside hours go when no assignment rule claims them; null: the default queue",
    ),
});

const widgetBody = publicWidgetSchema.extend({
  leaveMessageQueueId: widgetSettingsSchema.shape.leaveMessageQueueId.optional(),
});

const httpsUrl = z.url({ protocol: /^https$/, message: "must be an https:// address of an image" }).max(2000);

export const brandingSchema = z.object({
  teamName: z.string().trim().min(1, "cannot be empty").max(80),
  logoUrl: httpsUrl.nullable(),
  colour,
});

type WidgetRouteServices = Pick<Services, "chat" | "db" | "routing">;

async function assertQueueExists(services: WidgetRouteServices, queueId: string | null): Promise<void> {
  if (!queueId) return;
  const { queues } = await services.routing.config.get(services.db);
  if (!queues.has(queueId))
    throw new AppError(
      "VALIDATION",
      `Queue '${queueId}' does not exist; pick one of the queues under Admin → Queues, or none.`,
      { field: "leaveMessageQueueId" },
    );
}

function widgetRoutes(app: ZodApp, services: WidgetRouteServices): void {
  app.get(
    "/api/chat/widget",
    {
      config: { access: "public" },
      schema: {
        tags: ["chat"],
        summary: "The chat widget's look and pre-chat fields",
        description:
          "Read by the widget script on any site that embeds it (open to every origin). Not cached by browsers, so a change shows on the next page view.",
        response: responses({ 200: publicWidgetSchema }),
      },
    },
    async (_request, reply) => {
      const shown = await services.chat.publicSettings();
      return reply
        .header("access-control-allow-origin", "*")
        .header("cross-origin-resource-policy", "cross-origin")
        .header("cache-control", "no-cache")
        .send(shown);
    },
  );

  app.get(
    "/api/admin/widget",
    {
      config: { access: "admin" },
      schema: {
        tags: ["chat"],
        summary: "The chat widget's settings",
        response: responses({ 200: widgetSettingsSchema }),
      },
    },
    async () => services.chat.settings.get(),
  );

  app.put(
    "/api/admin/widget",
    {
      config: { access: "admin" },
      schema: {
        tags: ["chat"],
        summary: "Set the chat widget's colour, greeting, corner, pre-chat fields and leave-a-message queue",
        description:
          "preChat.name and preChat.email are off, optional or required; a visitor without a required field cannot start a chat (the widget asks, the server refuses).",
        body: widgetBody,
        response: responses({ 200: widgetSettingsSchema }),
      },
    },
    async (request) => {
      const leaveMessageQueueId = request.body.leaveMessageQueueId ?? null;
      await assertQueueExists(services, leaveMessageQueueId);
      return services.chat.settings.save({
        ...request.body,
        colour: request.body.colour.toLowerCase(),
        leaveMessageQueueId,
      });
    },
  );
}

function brandingRoutes(app: ZodApp, services: WidgetRouteServices): void {
  app.get(
    "/api/admin/branding",
    {
      config: { access: "admin" },
      schema: {
        tags: ["status page"],
        summary: "The status page's team name, logo and colour",
        response: responses({ 200: brandingSchema }),
      },
    },
    async () => readBranding(services.db),
  );

  app.put(
    "/api/admin/branding",
    {
      config: { access: "admin" },
      schema: {
        tags: ["status page"],
        summary: "Set the status page's team name, logo (https address or null) and colour",
        body: brandingSchema,
        response: responses({ 200: brandingSchema }),
      },
    },
    async (request) =>
      saveBranding(services.db, { ...request.body, colour: request.body.colour.toLowerCase() }),
  );
}

export function widgetSettingsRoutes(app: ZodApp, services: WidgetRouteServices): void {
  widgetRoutes(app, services);
  brandingRoutes(app, services);
}
