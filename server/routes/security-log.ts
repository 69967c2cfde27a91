/** Admin → Security log: sign-ins, failures, lockouts and account changes, newest first. */
import { z } from "zod";
import { SECURITY_EVENT_KINDS } from "../../db/schema/agents.ts";
import { listSecurityEvents } from "../auth/security-log.ts";
import { isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export const securityEventSchema = z.object({
  id: z.uuid(),
  at: isoDate,
  kind: z.enum(SECURITY_EVENT_KINDS),
  actorId: z.uuid().nullable().describe("Who did it, when signed in"),
  agentId: z.uuid().nullable().describe("The account it concerns"),
  email: z.string().nullable().describe("The email given at sign-in"),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

const kindList = z
  .string()
  .max(500)
  .transform((value) => value.split(",").filter(Boolean))
  .pipe(z.array(z.enum(SECURITY_EVENT_KINDS)));

export function securityLogRoutes(app: ZodApp, services: Pick<Services, "db">): void {
  app.get(
    "/api/admin/security-log",
    {
      config: { access: "admin" },
      schema: {
        tags: ["admin"],
        summary: "The security log: sign-ins, failures, lockouts, account and role changes",
        description: `Newest first, 50 a page. \`kind\` is a comma-separated list of ${SECURITY_EVENT_KINDS.join(", ")}.`,
        querystring: z.object({
          kind: kindList.optional(),
          agentId: z.uuid().optional().describe("Events about this account or done by it"),
          from: isoDate.optional(),
          to: isoDate.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional().describe("`nextCursor` of the previous page"),
        }),
        response: responses({
          200: z.object({ items: z.array(securityEventSchema), nextCursor: z.string().nullable() }),
        }),
      },
    },
    async (request) => {
      const { kind, agentId, from, to, limit, cursor } = request.query;
      return listSecurityEvents(services.db, {
        limit,
        ...(kind ? { kinds: kind } : {}),
        ...(agentId ? { agentId } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(cursor ? { cursor } : {}),
      });
    },
  );
}
