/**
 * Invitations (admins), and the public side of one-time password links: who a link is for,
 * choosing the password it allows, and asking for a reset link by mail.
 */
import { z } from "zod";
import { AGENT_ROLES } from "../../db/schema/agents.ts";
import { agentViewOf } from "../auth/accounts.ts";
import {
  describePasswordToken,
  type Invitation,
  inviteAgent,
  type PasswordLinkServices,
  requestPasswordReset,
  resendInvitation,
  setPasswordWithLink,
} from "../auth/password-links.ts";
import { recordSecurityEvent } from "../auth/security-log.ts";
import { currentAgent } from "../http/access.ts";
import { assertWithinLimit, perMinute } from "../http/rate-limits.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import { agentSchema } from "../http/views.ts";
import { rooms } from "../realtime/publisher.ts";
import type { Services } from "../services.ts";
import { answerSignIn, challengeAnswerSchema, loginAnswerSchema } from "./auth.ts";
import type { ZodApp } from "./zod-app.ts";

const invitationSchema = z.object({
  expiresAt: isoDate,
  mailed: z.boolean().describe("Handed to the system mailbox's outgoing queue"),
  link: z
    .string()
    .optional()
    .describe("Only when no mailbox can send: give it to the person yourself; it is shown this once"),
});

const invitedSchema = z.object({ agent: agentSchema, invitation: invitationSchema });

const tokenText = z.string().min(1).max(200);

type LinkRouteServices = PasswordLinkServices & Pick<Services, "agentNamespace" | "limits">;

const invitedAnswer = async (
  db: Services["db"],
  result: { agent: Parameters<typeof agentViewOf>[1]; invitation: Invitation },
) => ({
  agent: await agentViewOf(db, result.agent),
  invitation: result.invitation,
});

function invitationRoutes(app: ZodApp, services: LinkRouteServices): void {
  app.post(
    "/api/agents/invitations",
    {
      config: { access: "admin" },
      schema: {
        tags: ["agents"],
        summary: "Invite a person: an account they finish by choosing their own password",
        description:
          "Creates the account without a password (it cannot sign in) and a one-time link valid for 7 days. The link is mailed through the system mailbox (the environment's, else the oldest enabled one with SMTP); when none can send, the answer carries the link, shown this once.",
        body: z.object({
          email: z.email().max(320),
          name: z.string().trim().min(1).max(200),
          role: z.enum(AGENT_ROLES),
        }),
        response: responses({ 201: invitedSchema }, [409]),
      },
    },
    async (request, reply) => {
      const result = await inviteAgent(services, {
        ...request.body,
        actorId: currentAgent(request).id,
        ip: request.ip,
      });
      return reply.code(201).send(await invitedAnswer(services.db, result));
    },
  );

  app.post(
    "/api/agents/:id/invitation",
    {
      config: { access: "admin" },
      schema: {
        tags: ["agents"],
        summary: "Send a new invitation to someone who has not chosen a password yet",
        description: "The previous link stops working. 409 when the person has already set a password.",
        params: idParam,
        response: responses({ 200: invitedSchema }, [404, 409]),
      },
    },
    async (request) =>
      invitedAnswer(
        services.db,
        await resendInvitation(services, {
          agentId: request.params.id,
          actorId: currentAgent(request).id,
          ip: request.ip,
        }),
      ),
  );
}

function publicLinkRoutes(app: ZodApp, services: LinkRouteServices): void {
  const limit = perMinute(services.config.rateLimits.signInPerAddress);

  app.get(
    "/api/auth/password/token",
    {
      config: { access: "public", ...limit },
      schema: {
        tags: ["auth"],
        summary: "Who a one-time password link is for, while it can be used",
        description:
          "For the set-password page to greet the person. An unknown, replaced, used or expired link is refused (404 or 409) with words saying to ask for a new one.",
        querystring: z.object({ token: tokenText }),
        response: responses(
          {
            200: z.object({
              name: z.string(),
              email: z.string(),
              purpose: z.enum(["invite", "reset"]),
              expiresAt: isoDate,
            }),
          },
          [404, 409, 429],
        ),
      },
    },
    async (request) => describePasswordToken(services, request.query.token),
  );

  app.post(
    "/api/auth/password/set",
    {
      config: { access: "public", ...limit },
      schema: {
        tags: ["auth"],
        summary: "Choose a password with a one-time link, and sign in",
        description:
          "The password must meet the policy (400 saying why, and the link stays usable). Spends the link, ends every other session of the person, and answers like POST /api/auth/login: a session, or the second-factor challenge their account or role needs.",
        body: z.object({ token: tokenText, password: z.string().min(1).max(1024) }),
        response: responses({ 200: z.union([loginAnswerSchema, challengeAnswerSchema]) }, [404, 409, 429]),
      },
    },
    async (request, reply) => {
      const { agentId, signIn: result } = await setPasswordWithLink(services, {
        ...request.body,
        ip: request.ip,
      });
      // The sessions it ended stop working for sockets too; the new session has none yet.
      services.agentNamespace().in(rooms.agent(agentId)).disconnectSockets(true);
      if (result.kind === "challenge") {
        const { token, expiresAt, enrolRequired } = result.challenge;
        return { challenge: { token, expiresAt: expiresAt.toISOString(), enrolRequired } };
      }
      await recordSecurityEvent(services.db, { kind: "sign_in", agentId: result.agent.id, ip: request.ip });
      return answerSignIn(reply, services.config, result);
    },
  );
}

function resetRequestRoute(app: ZodApp, services: LinkRouteServices): void {
  app.post(
    "/api/auth/password/reset",
    {
      config: { access: "public", ...perMinute(services.config.rateLimits.publicPostsPerAddress) },
      schema: {
        tags: ["auth"],
        summary: "Ask for a password reset link by mail",
        description:
          "Always 202 with the same answer, whether or not the address has an account: an active account gets a link valid for one hour, mailed through the system mailbox. Limited per address and per email asked about (429 with Retry-After).",
        body: z.object({ email: z.string().trim().min(1).max(320) }),
        response: responses({ 202: z.object({ message: z.string() }) }, [429]),
      },
    },
    async (request, reply) => {
      const email = request.body.email.toLowerCase();
      await assertWithinLimit(
        services.limits.passwordResetsByEmail,
        email,
        "reset requests for this address",
      );
      await requestPasswordReset(services, { email, ip: request.ip });
      return reply.code(202).send({
        message:
          "If that address has an account, we have sent it a link to choose a new password. It works for one hour.",
      });
    },
  );
}

export function passwordLinkRoutes(app: ZodApp, services: LinkRouteServices): void {
  invitationRoutes(app, services);
  publicLinkRoutes(app, services);
  resetRequestRoute(app, services);
}
