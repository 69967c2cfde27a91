import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export function healthRoutes(app: ZodApp, services: Pick<Services, "db" | "metrics">): void {
  app.get(
    "/health",
    {
      config: { access: "public" },
      schema: {
        tags: ["system"],
        summary: "Liveness and database reachability",
        response: {
          200: z.object({ status: z.literal("ok") }),
          503: z.object({ status: z.literal("error"), message: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await services.db.execute(sql`select 1`);
        return { status: "ok" as const };
      } catch {
        return reply.code(503).send({ status: "error" as const, message: "The database is not reachable." });
      }
    },
  );

  app.get(
    "/metrics",
    { config: { access: "public" }, schema: { tags: ["system"], summary: "Prometheus metrics", hide: true } },
    async (_request, reply) => {
      reply.type(services.metrics.registry.contentType);
      return services.metrics.registry.metrics();
    },
  );
}
