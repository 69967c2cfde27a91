/**
 * Connecting a mailbox that signs in with OAuth 2.0 (Microsoft 365, Google): which providers are
 * set up, the redirect to the provider's sign-in with PKCE, and the callback that stores the grant
 * and starts fetching. Both browser steps are top-level navigations by a signed-in admin and answer
 * with redirects; the console's mailbox list shows how it ended.
 */
import { z } from "zod";
import {
  beginMailOauth,
  finishMailOauth,
  MAIL_OAUTH_FLOW_TTL_MS,
  mailOauthApp,
  openMailOauthFlow,
  storeMailOauthGrant,
} from "../../channels/email/mailbox-oauth.ts";
import { MAIL_OAUTH_PROVIDERS } from "../../db/schema/channels.ts";
import { idParam, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import { sessionCookie } from "./auth.ts";
import type { ZodApp } from "./zod-app.ts";

export const MAIL_OAUTH_CALLBACK_PATH = "/api/mailboxes/oauth/callback";
const FLOW_COOKIE = "sb_mail_oauth";
const CONSOLE_PAGE = "/admin/channels";

const callbackQuery = z
  .object({
    code: z.string().max(4000).optional(),
    state: z.string().max(500).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
  })
  .passthrough();

type RouteServices = Pick<Services, "config" | "clock" | "db" | "secret" | "email">;

const pageWith = (params: Record<string, string>) => `${CONSOLE_PAGE}?${new URLSearchParams(params)}`;

export function mailboxOauthRoutes(app: ZodApp, services: RouteServices): void {
  const { config, clock, db, secret, email } = services;
  const flowCookie = { ...sessionCookie(config), path: "/api/mailboxes" };
  const redirectUri = new URL(MAIL_OAUTH_CALLBACK_PATH, config.publicUrl).href;

  app.get(
    "/api/mailboxes/oauth/providers",
    {
      config: { access: "admin" },
      schema: {
        tags: ["email"],
        summary: "The OAuth providers mailboxes can sign in with on this server",
        description: `Set up by MAIL_OAUTH_* variables. Register ${MAIL_OAUTH_CALLBACK_PATH} under PUBLIC_URL as the app's redirect URI.`,
        response: responses({
          200: z.object({
            items: z.array(z.object({ provider: z.enum(MAIL_OAUTH_PROVIDERS), label: z.string() })),
            redirectUri: z.string(),
          }),
        }),
      },
    },
    async () => ({
      items: Object.values(config.mailOauth).map((entry) => ({
        provider: entry.provider,
        label: entry.label,
      })),
      redirectUri,
    }),
  );

  app.get(
    "/api/mailboxes/:id/oauth/start",
    {
      config: { access: "admin" },
      schema: {
        tags: ["email"],
        summary: "Connect (or reconnect) a mailbox: redirect to its provider's sign-in",
        description:
          "Opened in the browser by an admin. Signs in as the mailbox's account with PKCE; the flow is kept in a sealed HttpOnly cookie for ten minutes.",
        params: idParam,
        response: responses({}, [404, 409]),
      },
    },
    async (request, reply) => {
      const mailbox = await email.get(request.params.id);
      if (!mailbox.oauth)
        return reply.redirect(pageWith({ mailboxOauthError: "This mailbox signs in with a password." }), 303);
      const begun = await beginMailOauth(mailOauthApp(config.mailOauth, mailbox.oauth.provider), {
        mailboxId: mailbox.id,
        redirectUri,
        serverSecret: secret,
        now: clock().getTime(),
      });
      reply.setCookie(FLOW_COOKIE, begun.sealed, {
        ...flowCookie,
        maxAge: Math.floor(MAIL_OAUTH_FLOW_TTL_MS / 1000),
      });
      return reply.redirect(begun.url, 303);
    },
  );

  app.get(
    MAIL_OAUTH_CALLBACK_PATH,
    {
      config: { access: "admin" },
      schema: {
        tags: ["email"],
        summary: "The provider's answer to a mailbox sign-in",
        description:
          "Checks state and PKCE, exchanges the code for tokens (stored encrypted with SECRET_KEY), starts fetching and redirects to the console's mailbox list with mailboxConnected or mailboxOauthError.",
        querystring: callbackQuery,
        response: responses({}),
      },
    },
    async (request, reply) => {
      const now = clock();
      const flow = openMailOauthFlow(request.cookies[FLOW_COOKIE], secret, now.getTime());
      reply.clearCookie(FLOW_COOKIE, flowCookie);
      if (request.query.error)
        return reply.redirect(
          pageWith({
            mailboxOauthError: `The provider refused: ${request.query.error_description ?? request.query.error}`,
          }),
          303,
        );
      if (!flow || flow.state !== request.query.state)
        return reply.redirect(
          pageWith({
            mailboxOauthError: "The sign-in took too long or was started elsewhere: connect again.",
          }),
          303,
        );
      try {
        const app = mailOauthApp(config.mailOauth, flow.provider);
        const tokens = await finishMailOauth(
          app,
          flow,
          new URL(request.url, config.publicUrl),
          now.getTime(),
        );
        await storeMailOauthGrant(db, secret, flow, tokens, now);
      } catch (error) {
        request.log.warn({ err: error }, "mailbox OAuth: the provider's answer was refused");
        return reply.redirect(
          pageWith({ mailboxOauthError: `Signing in failed: ${(error as Error).message}` }),
          303,
        );
      }
      await email.reload();
      return reply.redirect(pageWith({ mailboxConnected: flow.mailboxId }), 303);
    },
  );
}
