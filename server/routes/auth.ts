import { z } from "zod";
import { agentView } from "../auth/accounts.ts";
import { SESSION_COOKIE } from "../http/access.ts";
import { perMinute } from "../http/rate-limits.ts";
import { responses } from "../http/schemas.ts";
import { agentSchema } from "../http/views.ts";
import { rooms } from "../realtime/publisher.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

/** The answer to a sign-in: the bearer token, when it expires, and who signed in. */
export const loginAnswerSchema = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime(),
  agent: agentSchema.pick({ id: true, email: true, name: true, role: true }),
});

export function authRoutes(
  app: ZodApp,
  services: Pick<Services, "agentNamespace" | "auth" | "config">,
): void {
  const secure = services.config.publicUrl.startsWith("https://");

  app.post(
    "/api/auth/login",
    {
      config: { access: "public", ...perMinute(services.config.rateLimits.signInPerAddress) },
      schema: {
        tags: ["auth"],
        summary: "Sign in with email and password",
        description:
          "Returns a bearer token and sets it as an HttpOnly cookie. Repeated failures are refused with 429 for a while.",
        body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }),
        response: responses(
          {
            200: loginAnswerSchema,
          },
          [429],
        ),
      },
    },
    async (request, reply) => {
      const session = await services.auth.login({ ...request.body, ip: request.ip });
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: "lax",
        secure,
        path: "/",
        expires: session.expiresAt,
      });
      const agent = agentView(session.agent);
      return {
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        agent: { id: agent.id, email: agent.email, name: agent.name, role: agent.role },
      };
    },
  );

  app.post(
    "/api/auth/logout",
    {
      config: { access: "agent" },
      schema: {
        tags: ["auth"],
        summary: "Sign out: the token stops working at once",
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await services.auth.logout(request.sessionId!);
      // The token stops working for sockets too, not only for the next request.
      services.agentNamespace().in(rooms.session(request.sessionId!)).disconnectSockets(true);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send(null);
    },
  );
}
