/**
 * Single sign-on with OpenID Connect: whether the sign-in page shows the button, the redirect to
 * the provider, the callback that turns the provider's answer into a session, and the admin's
 * settings. The two browser steps answer with redirects; a refusal goes back to the sign-in page
 * with a reason code the page puts in words.
 */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { AGENT_ROLES } from "../../db/schema/agents.ts";
import { FLOW_TTL_MS } from "../auth/sso/oidc-flow.ts";
import { issuerProblem } from "../auth/sso/oidc-rules.ts";
import { SsoRefused } from "../auth/sso/sso-accounts.ts";
import { CALLBACK_PATH } from "../auth/sso/sso-service.ts";
import { currentAgent } from "../http/access.ts";
import { perMinute } from "../http/rate-limits.ts";
import { responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import { answerSignIn, sessionCookie } from "./auth.ts";
import type { ZodApp } from "./zod-app.ts";

const FLOW_COOKIE = "sb_oidc";
const FLOW_COOKIE_PATH = "/api/auth/oidc";

const issuer = z
  .string()
  .min(1)
  .max(500)
  .superRefine((value, ctx) => {
    const problem = issuerProblem(value.trim());
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const settingsBody = z.object({
  enabled: z.boolean(),
  issuer,
  clientId: z.string().trim().min(1).max(500),
  clientSecret: z
    .string()
    .max(2000)
    .optional()
    .describe("Leave out to keep the secret already stored; never returned"),
  roleClaim: z.string().trim().max(200).nullable().describe("The claim that sets the role, e.g. groups"),
  roleMap: z
    .record(z.string().min(1).max(200), z.enum(AGENT_ROLES))
    .refine((map) => Object.keys(map).length <= 100, "at most 100 entries")
    .describe('Claim value to role, e.g. { "sb-admins": "admin" }; empty: values that are role names'),
  createUsers: z.boolean().describe("Create an agent at the first sign-in of someone without an account"),
  buttonLabel: z.string().trim().max(80),
});

const settingsAnswer = z.object({
  source: z.enum(["environment", "settings", "none"]),
  enabled: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  clientSecretSet: z.boolean(),
  roleClaim: z.string().nullable(),
  roleMap: z.record(z.string(), z.enum(AGENT_ROLES)),
  createUsers: z.boolean(),
  buttonLabel: z.string(),
  callbackUrl: z.string().describe("Register this redirect URI at the provider"),
});

const callbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(1024).optional(),
  iss: z.string().max(1024).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
  session_state: z.string().max(1024).optional(),
});

/** Back to the console's sign-in page with the reason (and the email the provider gave). */
function toSignInPage(reply: FastifyReply, refusal: SsoRefused) {
  const query = new URLSearchParams({ sso_error: refusal.reason });
  if (refusal.email) query.set("sso_email", refusal.email);
  return reply.redirect(`/?${query}`, 303);
}

type SsoRouteServices = Pick<Services, "config" | "sso">;

function flowRoutes(app: ZodApp, services: SsoRouteServices): void {
  const { config, sso } = services;
  const limited = { access: "public", ...perMinute(config.rateLimits.signInPerAddress) } as const;
  const flowCookie = { ...sessionCookie(config), path: FLOW_COOKIE_PATH };

  app.get(
    "/api/auth/oidc/start",
    {
      config: limited,
      schema: {
        tags: ["auth"],
        summary: "Single sign-on: redirect to the provider",
        description:
          "Redirects the browser to the OpenID Connect provider (PKCE, state and nonce kept in a sealed HttpOnly cookie for ten minutes). When single sign-on is off or the provider cannot be reached, redirects to the sign-in page with sso_error.",
        response: responses({}, [429]),
      },
    },
    async (request, reply) => {
      try {
        const { url, sealed } = await sso.begin();
        reply.setCookie(FLOW_COOKIE, sealed, { ...flowCookie, maxAge: Math.floor(FLOW_TTL_MS / 1000) });
        return reply.redirect(url, 303);
      } catch (error) {
        if (!(error instanceof SsoRefused)) throw error;
        if (error.cause)
          request.log.warn({ err: error.cause }, "single sign-on: the provider could not be reached");
        return toSignInPage(reply, error);
      }
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: limited,
      schema: {
        tags: ["auth"],
        summary: "Single sign-on: the provider's answer",
        description:
          "The redirect URI registered at the provider. Checks state, PKCE and the ID token, finds the agent (linked identity, verified email, or just-in-time creation), sets the session cookie and redirects to the console; a refused sign-in redirects to the sign-in page with sso_error. A callback without its flow cookie or with another state is a 400.",
        querystring: callbackQuery,
        response: responses({}, [429]),
      },
    },
    async (request, reply) => {
      const sealed = request.cookies[FLOW_COOKIE];
      const callbackUrl = new URL(request.url, config.publicUrl);
      try {
        const session = await sso.complete({ sealed, query: request.query, callbackUrl, ip: request.ip });
        reply.clearCookie(FLOW_COOKIE, flowCookie);
        answerSignIn(reply, config, session);
        return reply.redirect("/", 303);
      } catch (error) {
        if (!(error instanceof SsoRefused)) throw error;
        if (error.cause)
          request.log.warn({ err: error.cause }, "single sign-on: the provider's answer was refused");
        reply.clearCookie(FLOW_COOKIE, flowCookie);
        return toSignInPage(reply, error);
      }
    },
  );

  app.get(
    "/api/auth/oidc",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary: "Whether single sign-on is on, and its button's label",
        response: responses({ 200: z.object({ enabled: z.boolean(), label: z.string().nullable() }) }),
      },
    },
    async () => sso.publicInfo(),
  );
}

export function ssoRoutes(app: ZodApp, services: SsoRouteServices): void {
  flowRoutes(app, services);
  const { sso } = services;

  app.get(
    "/api/admin/sso",
    {
      config: { access: "admin" },
      schema: {
        tags: ["security"],
        summary: "Single sign-on settings (never the client secret)",
        description:
          "source is environment when OIDC_* variables configure it (then read-only), settings when an admin saved it, none otherwise.",
        response: responses({ 200: settingsAnswer }),
      },
    },
    async () => sso.settings(),
  );

  app.put(
    "/api/admin/sso",
    {
      config: { access: "admin" },
      schema: {
        tags: ["security"],
        summary: "Set single sign-on",
        description:
          "Saves the provider, client and role mapping; the client secret is sealed with the server secret and may be left out to keep the stored one. 409 while OIDC_* environment variables configure single sign-on.",
        body: settingsBody,
        response: responses({ 200: settingsAnswer }, [409]),
      },
    },
    async (request) => sso.saveSettings(request.body, { actorId: currentAgent(request).id, ip: request.ip }),
  );
}
