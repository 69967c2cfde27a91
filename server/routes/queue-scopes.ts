/** Setting the queues a person may see (admins): cases/case-permissions.ts holds the rule. */
import { z } from "zod";
import { notFound } from "../../cases/errors.ts";
import { setQueueScope } from "../../routing/queue-scope.ts";
import { agentViewOf, findAgent } from "../auth/accounts.ts";
import { recordSecurityEvent } from "../auth/security-log.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, responses } from "../http/schemas.ts";
import { agentSchema } from "../http/views.ts";
import { rejoinSupervisorRooms } from "../realtime/scope-rooms.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export function queueScopeRoutes(
  app: ZodApp,
  services: Pick<Services, "agentNamespace" | "cases" | "db" | "routing" | "routingRunner">,
): void {
  app.put(
    "/api/agents/:id/queue-scope",
    {
      config: { access: "admin" },
      schema: {
        tags: ["agents"],
        summary: "Limit the queues a person may see, or give them every queue",
        description:
          "`limited: false` is every queue. `limited: true` with `queueIds`: an agent sees their own work and those queues' cases, and is offered only their cases; a supervisor sees and manages only those queues' cases, agents and figures. An empty list leaves their own work only. Admins are never limited. Takes effect at once, open consoles included.",
        params: idParam,
        body: z.object({
          limited: z.boolean(),
          queueIds: z.array(z.uuid()).max(500),
        }),
        response: responses({ 200: agentSchema }, [404]),
      },
    },
    async (request) => {
      const { before, after } = await setQueueScope(services.db, request.params.id, request.body);
      const agent = await findAgent(services.db, request.params.id);
      if (!agent) throw notFound("Agent", request.params.id);
      await recordSecurityEvent(services.db, {
        kind: "queue_scope_changed",
        actorId: currentAgent(request).id,
        agentId: agent.id,
        ip: request.ip,
        details: { before, after },
      });
      rejoinSupervisorRooms(services.agentNamespace(), agent, before, after);
      // Routing reads the scopes again and offers what the new scope allows.
      services.routing.config.invalidate();
      services.cases.events.publish([{ type: "agent.updated", agentId: agent.id }]);
      services.routingRunner.request("all");
      return agentViewOf(services.db, agent);
    },
  );
}
