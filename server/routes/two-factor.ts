/**
 * Two-factor sign-in (TOTP, RFC 6238): completing a challenged sign-in, the enrolment a role
 * requires (with the challenge as the only credential), a signed-in agent's own second factor, and
 * the admin's setting of which roles must have one.
 */
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { AGENT_ROLES } from "../../db/schema/agents.ts";
import { loggedSignIn, recordSecurityEvent } from "../auth/security-log.ts";
import { revokeAgentSessions } from "../auth/sessions.ts";
import { currentAgent } from "../http/access.ts";
import { perMinute } from "../http/rate-limits.ts";
import { idParam, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import { answerSignIn, loginAnswerSchema } from "./auth.ts";
import type { ZodApp } from "./zod-app.ts";

const challengeToken = z.string().min(1).max(200);
const code = z
  .string()
  .min(1)
  .max(64)
  .describe("The 6-digit code from the authenticator app, or a recovery code");
const setupAnswer = z.object({
  secret: z.string().describe("Base32; shown once, for typing into an app that cannot scan the URI"),
  uri: z.string().describe("otpauth:// URI for a QR code"),
});
const recoveryCodesAnswer = z.object({
  recoveryCodes: z.array(z.string()).describe("Each works once in place of a code; shown only now"),
});
const requiredForSchema = z.object({ requiredFor: z.array(z.enum(AGENT_ROLES)).max(AGENT_ROLES.length) });

type TwoFactorServices = Pick<Services, "auth" | "clock" | "config" | "db">;

function challengeRoutes(app: ZodApp, services: TwoFactorServices): void {
  const { auth, config } = services;
  const limited = { access: "public", ...perMinute(config.rateLimits.signInPerAddress) } as const;

  app.post(
    "/api/auth/login/2fa",
    {
      config: limited,
      schema: {
        tags: ["auth"],
        summary: "Complete a sign-in with the second factor",
        description:
          "Takes the challenge from POST /api/auth/login and a TOTP code (or a recovery code, each good once); answers like a sign-in, cookie included. Wrong codes count with wrong passwords towards the sign-in limit.",
        body: z.object({ challengeToken, code }),
        response: responses({ 200: loginAnswerSchema }, [409, 429]),
      },
    },
    async (request, reply) => {
      const session = await loggedSignIn(
        services.db,
        { ip: request.ip },
        () => auth.completeSecondFactor({ ...request.body, ip: request.ip }),
        (signedIn) => signedIn.agent.id,
      );
      return answerSignIn(reply, config, session);
    },
  );

  app.post(
    "/api/auth/login/2fa/setup",
    {
      config: limited,
      schema: {
        tags: ["auth"],
        summary: "Enrolment a role requires: a new TOTP secret for the challenged agent",
        description:
          "Only for a challenge with enrolRequired (the agent's role requires a second factor and none is set up).",
        body: z.object({ challengeToken }),
        response: responses({ 200: setupAnswer }, [409, 429]),
      },
    },
    async (request) => auth.setupWithChallenge(request.body.challengeToken),
  );

  app.post(
    "/api/auth/login/2fa/enable",
    {
      config: limited,
      schema: {
        tags: ["auth"],
        summary: "Enrolment a role requires: confirm the secret with a code and sign in",
        description:
          "Turns two-factor sign-in on, answers the recovery codes once, and completes the sign-in.",
        body: z.object({ challengeToken, code }),
        response: responses({ 200: recoveryCodesAnswer.extend({ session: loginAnswerSchema }) }, [409, 429]),
      },
    },
    async (request, reply) => {
      const { session, recoveryCodes } = await auth.enableWithChallenge(request.body);
      await recordSecurityEvent(services.db, {
        kind: "two_factor_enabled",
        agentId: session.agent.id,
        ip: request.ip,
      });
      await recordSecurityEvent(services.db, { kind: "sign_in", agentId: session.agent.id, ip: request.ip });
      return { recoveryCodes, session: answerSignIn(reply, config, session) };
    },
  );
}

function myTwoFactorRoutes(app: ZodApp, services: TwoFactorServices): void {
  const twoFactor = services.auth.twoFactor;
  app.get(
    "/api/me/2fa",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Whether my two-factor sign-in is on, and whether my role requires it",
        response: responses({
          200: z.object({
            enabled: z.boolean(),
            enabledAt: z.iso.datetime().nullable(),
            recoveryCodesLeft: z.number().int(),
            required: z.boolean(),
          }),
        }),
      },
    },
    async (request) => {
      const status = await twoFactor.status(currentAgent(request));
      return { ...status, enabledAt: status.enabledAt?.toISOString() ?? null };
    },
  );

  app.post(
    "/api/me/2fa/setup",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Start setting up two-factor sign-in: a new secret, not yet on",
        response: responses({ 200: setupAnswer }, [409]),
      },
    },
    async (request) => twoFactor.setup(currentAgent(request)),
  );

  app.post(
    "/api/me/2fa/enable",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Turn two-factor sign-in on with a current code; answers the recovery codes once",
        body: z.object({ code }),
        response: responses({ 200: recoveryCodesAnswer }, [409]),
      },
    },
    async (request) => {
      const recoveryCodes = await twoFactor.enable(currentAgent(request), request.body.code);
      const me = currentAgent(request).id;
      await recordSecurityEvent(services.db, {
        kind: "two_factor_enabled",
        agentId: me,
        actorId: me,
        ip: request.ip,
      });
      await signOutOtherSessions(services, request, me, "two_factor_enabled");
      return { recoveryCodes };
    },
  );
}

function myTwoFactorChanges(app: ZodApp, services: TwoFactorServices): void {
  const twoFactor = services.auth.twoFactor;
  app.post(
    "/api/me/2fa/disable",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "Turn two-factor sign-in off: needs the password and a current code (or a recovery code)",
        body: z.object({ password: z.string().min(1).max(1024), code }),
        response: responses({ 204: z.null() }, [409, 429]),
      },
    },
    async (request, reply) => {
      await twoFactor.disable(currentAgent(request), { ...request.body, ip: request.ip });
      const me = currentAgent(request).id;
      await recordSecurityEvent(services.db, {
        kind: "two_factor_disabled",
        agentId: me,
        actorId: me,
        ip: request.ip,
      });
      await signOutOtherSessions(services, request, me, "two_factor_disabled");
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/me/2fa/recovery-codes",
    {
      config: { access: "agent" },
      schema: {
        tags: ["me"],
        summary: "New recovery codes (the old ones stop working); needs a current code",
        body: z.object({ code }),
        response: responses({ 200: recoveryCodesAnswer }, [409, 429]),
      },
    },
    async (request) => {
      const recoveryCodes = await twoFactor.regenerateRecoveryCodes(currentAgent(request), {
        code: request.body.code,
        ip: request.ip,
      });
      await signOutOtherSessions(services, request, currentAgent(request).id, "recovery_codes_replaced");
      return { recoveryCodes };
    },
  );
}

function settingRoutes(app: ZodApp, services: TwoFactorServices): void {
  const twoFactor = services.auth.twoFactor;
  app.get(
    "/api/settings/2fa",
    {
      config: { access: "admin" },
      schema: {
        tags: ["settings"],
        summary: "The roles that must sign in with a second factor",
        response: responses({ 200: requiredForSchema }),
      },
    },
    async () => ({ requiredFor: await twoFactor.requiredFor() }),
  );

  app.put(
    "/api/settings/2fa",
    {
      config: { access: "admin" },
      schema: {
        tags: ["settings"],
        summary: "Require a second factor for roles",
        description:
          "From their next sign-in, agents of these roles without a second factor must set one up before they get a session. Sessions already open go on.",
        body: requiredForSchema,
        response: responses({ 200: requiredForSchema }),
      },
    },
    async (request) => ({ requiredFor: await twoFactor.setRequiredFor(request.body.requiredFor) }),
  );

  app.delete(
    "/api/agents/:id/2fa",
    {
      config: { access: "admin" },
      schema: {
        tags: ["agents"],
        summary: "Reset an agent's two-factor sign-in (lost phone and recovery codes)",
        description:
          "Removes the secret and the recovery codes. If the agent's role requires a second factor, their next sign-in enrols a new one.",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await twoFactor.reset(request.params.id);
      await recordSecurityEvent(services.db, {
        kind: "two_factor_disabled",
        agentId: request.params.id,
        actorId: currentAgent(request).id,
        ip: request.ip,
        details: { reset: true },
      });
      // Whoever holds the lost factor may hold a session too: every session of the agent ends.
      await signOutOtherSessions(services, request, request.params.id, "two_factor_reset");
      return reply.code(204).send(null);
    },
  );
}

/**
 * After a change to how an agent signs in, their other sessions end (ASVS 3.3.3): the request's
 * own session stays when it is the agent's, every one ends when an admin made the change.
 */
async function signOutOtherSessions(
  services: TwoFactorServices,
  request: FastifyRequest,
  agentId: string,
  reason: string,
): Promise<void> {
  const actor = currentAgent(request);
  const keep = actor.id === agentId ? request.sessionId : undefined;
  const ended = await revokeAgentSessions(services.db, agentId, services.clock(), keep);
  if (ended === 0) return;
  await recordSecurityEvent(services.db, {
    kind: "sessions_revoked",
    agentId,
    actorId: actor.id,
    ip: request.ip,
    details: { reason, sessions: ended },
  });
}

export function twoFactorRoutes(app: ZodApp, services: TwoFactorServices): void {
  challengeRoutes(app, services);
  myTwoFactorRoutes(app, services);
  myTwoFactorChanges(app, services);
  settingRoutes(app, services);
}
