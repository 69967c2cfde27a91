import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { AgentRow } from "../auth/accounts.ts";
import type { SignedIn } from "../auth/auth-service.ts";
import { loggedSignIn, recordSecurityEvent } from "../auth/security-log.ts";
import { currentAgent, SESSION_COOKIE } from "../http/access.ts";
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
  agent: agentSchema.pick({ id: true, email: true, name: true, role: true, timeZone: true }),
});

/** Who a session belongs to and when it ends: what the console needs to know, never the token. */
export const sessionAnswerSchema = loginAnswerSchema.omit({ token: true });

/** A right password when a second factor is due: no session, only the token for the next step. */
export const challengeAnswerSchema = z.object({
  challenge: z.object({
    token: z
      .string()
      .describe("Send it to POST /api/auth/login/2fa (or the enrolment routes); it is no session"),
    expiresAt: z.iso.datetime(),
    enrolRequired: z
      .boolean()
      .describe("The agent's role requires a second factor and none is set up: enrol with this token first"),
  }),
});

/**
 * The session cookie's attributes. The cookie is for the console alone: out of reach of script, not
 * sent on other sites' requests, and only over TLS where the console is served over TLS. Clearing
 * it needs the same attributes.
 */
export function sessionCookie(config: Services["config"]) {
  return {
    httpOnly: true,
    sameSite: "lax",
    secure: config.publicUrl.startsWith("https://"),
    path: "/",
  } as const;
}

/** Sets the cookie of a new session and answers with its token, as every way of signing in does. */
export function answerSignIn(
  reply: FastifyReply,
  config: Services["config"],
  session: SignedIn,
): z.infer<typeof loginAnswerSchema> {
  // Max-Age rather than Expires: the browser's clock need not agree with ours.
  reply.setCookie(SESSION_COOKIE, session.token, {
    ...sessionCookie(config),
    maxAge: Math.floor(config.sessionTtlMs / 1000),
  });
  return { token: session.token, ...sessionAnswer(session.agent, session.expiresAt) };
}

export function authRoutes(
  app: ZodApp,
  services: Pick<Services, "agentNamespace" | "auth" | "config" | "db">,
): void {
  const cookie = sessionCookie(services.config);

  app.post(
    "/api/auth/login",
    {
      config: { access: "public", ...perMinute(services.config.rateLimits.signInPerAddress) },
      schema: {
        tags: ["auth"],
        summary: "Sign in with email and password",
        description:
          "Returns a bearer token and sets it as an HttpOnly cookie. When the agent has two-factor sign-in on, or their role requires it, answers only a short-lived challenge (no token, no cookie) for POST /api/auth/login/2fa. Repeated failures are refused with 429 for a while.",
        body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }),
        response: responses(
          {
            200: z.union([loginAnswerSchema, challengeAnswerSchema]),
          },
          [429],
        ),
      },
    },
    async (request, reply) => {
      const result = await loggedSignIn(
        services.db,
        { email: request.body.email, ip: request.ip },
        () => services.auth.login({ ...request.body, ip: request.ip }),
        (outcome) => (outcome.kind === "session" ? outcome.agent.id : null),
      );
      if (result.kind === "challenge") {
        const { token, expiresAt, enrolRequired } = result.challenge;
        return { challenge: { token, expiresAt: expiresAt.toISOString(), enrolRequired } };
      }
      return answerSignIn(reply, services.config, result);
    },
  );

  app.get(
    "/api/auth/session",
    {
      config: { access: "agent" },
      schema: {
        tags: ["auth"],
        summary: "Who is signed in",
        description:
          "The agent the session cookie (or bearer token) belongs to and when the session ends; 401 when not signed in. The console asks this on start instead of keeping a token.",
        response: responses({ 200: sessionAnswerSchema }),
      },
    },
    async (request) => sessionAnswer(currentAgent(request), request.sessionExpiresAt!),
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
      await recordSecurityEvent(services.db, {
        kind: "sign_out",
        agentId: currentAgent(request).id,
        ip: request.ip,
      });
      // The token stops working for sockets too, not only for the next request.
      services.agentNamespace().in(rooms.session(request.sessionId!)).disconnectSockets(true);
      reply.clearCookie(SESSION_COOKIE, cookie);
      return reply.code(204).send(null);
    },
  );
}

export function sessionAnswer(agent: AgentRow, expiresAt: Date): z.infer<typeof sessionAnswerSchema> {
  return {
    expiresAt: expiresAt.toISOString(),
    agent: { id: agent.id, email: agent.email, name: agent.name, role: agent.role, timeZone: agent.timeZone },
  };
}
