/**
 * Every HTTP route, each module given the services it uses. Routes call services; the access rule
 * each declares is checked at start-up (server/http/access.ts).
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { agentRoutes } from "../routes/agents.ts";
import { apiKeyRoutes } from "../routes/api-keys.ts";
import { authRoutes } from "../routes/auth.ts";
import { automationRoutes } from "../routes/automation.ts";
import { businessCalendarRoutes } from "../routes/business-calendars.ts";
import { cannedResponseRoutes } from "../routes/canned-responses.ts";
import { caseBulkRoutes } from "../routes/case-bulk.ts";
import { caseEditRoutes } from "../routes/case-edits.ts";
import { caseRoutes } from "../routes/cases.ts";
import { contactRoutes } from "../routes/contacts.ts";
import { customFieldRoutes } from "../routes/custom-fields.ts";
import { dispositionRoutes } from "../routes/dispositions.ts";
import { emailProofRoutes } from "../routes/email-proof.ts";
import { exportRoutes } from "../routes/exports.ts";
import { fileRoutes } from "../routes/files.ts";
import { healthRoutes } from "../routes/health.ts";
import { jobsAdminRoutes } from "../routes/jobs-admin.ts";
import { macroRoutes } from "../routes/macros.ts";
import { mailboxOauthRoutes } from "../routes/mailbox-oauth.ts";
import { mailboxRoutes } from "../routes/mailboxes.ts";
import { metricsRoutes } from "../routes/metrics.ts";
import { notificationRoutes } from "../routes/notifications.ts";
import { outboundRoutes } from "../routes/outbound.ts";
import { passwordLinkRoutes } from "../routes/password-links.ts";
import { phoneNumberRoutes } from "../routes/phone-numbers.ts";
import { queueScopeRoutes } from "../routes/queue-scopes.ts";
import { reportRoutes } from "../routes/reports.ts";
import { routingAdminRoutes } from "../routes/routing-admin.ts";
import { savedViewRoutes } from "../routes/saved-views.ts";
import { scheduledReplyRoutes } from "../routes/scheduled-replies.ts";
import { securityLogRoutes } from "../routes/security-log.ts";
import { slaRoutes } from "../routes/sla.ts";
import { ssoRoutes } from "../routes/sso.ts";
import { statusPageRoutes } from "../routes/status-page.ts";
import { statusTemplateRoutes } from "../routes/status-templates.ts";
import { supervisionRoutes } from "../routes/supervision.ts";
import { twilioWebhookRoutes } from "../routes/twilio-webhooks.ts";
import { twoFactorRoutes } from "../routes/two-factor.ts";
import { voiceRoutes } from "../routes/voice.ts";
import { webRoutes } from "../routes/web.ts";
import { webhookRoutes } from "../routes/webhooks.ts";
import { widgetSettingsRoutes } from "../routes/widget-settings.ts";
import type { ZodApp } from "../routes/zod-app.ts";

async function routesPlugin(app: FastifyInstance): Promise<void> {
  const zodApp: ZodApp = app.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const { config } = services;
  healthRoutes(zodApp, services);
  authRoutes(zodApp, services);
  twoFactorRoutes(zodApp, services);
  ssoRoutes(zodApp, services);
  agentRoutes(zodApp, services);
  passwordLinkRoutes(zodApp, services);
  caseBulkRoutes(zodApp, services);
  caseRoutes(zodApp, services);
  savedViewRoutes(zodApp, services);
  scheduledReplyRoutes(zodApp, services);
  contactRoutes(zodApp, services);
  routingAdminRoutes(zodApp, services);
  businessCalendarRoutes(zodApp, services);
  supervisionRoutes(zodApp, services);
  queueScopeRoutes(zodApp, services);
  statusPageRoutes(zodApp, services);
  widgetSettingsRoutes(zodApp, services);
  emailProofRoutes(zodApp, services);
  metricsRoutes(zodApp, services);
  caseEditRoutes(zodApp, services);
  slaRoutes(zodApp, services);
  fileRoutes(zodApp, services);
  cannedResponseRoutes(zodApp, services);
  dispositionRoutes(zodApp, services);
  statusTemplateRoutes(zodApp, services);
  outboundRoutes(zodApp, services);
  jobsAdminRoutes(zodApp, services);
  securityLogRoutes(zodApp, services);
  notificationRoutes(zodApp, services);
  apiKeyRoutes(zodApp, services);
  customFieldRoutes(zodApp, services);
  automationRoutes(zodApp, services);
  macroRoutes(zodApp, services);
  webhookRoutes(zodApp, services);
  mailboxRoutes(zodApp, services.email);
  mailboxOauthRoutes(zodApp, services);
  reportRoutes(zodApp, services);
  exportRoutes(zodApp, services);
  // The phone numbers admin API and the SMS segment counter are there without Twilio too, so
  // numbers can be set up before the credentials are.
  phoneNumberRoutes(zodApp, services);
  const twilio = config.twilio;
  voiceRoutes(zodApp, services, {
    voice: services.voice,
    browserCalling: twilio?.voice ? { accountSid: twilio.accountSid, ...twilio.voice } : null,
  });
  if (twilio && services.voice)
    twilioWebhookRoutes(zodApp, services, {
      authToken: twilio.authToken,
      publicUrl: config.publicUrl,
      voice: services.voice,
    });
  app.spaFallback.handle = webRoutes(zodApp).spaFallback;
}

export const routes = fp(routesPlugin, {
  name: "switchboard-routes",
  fastify: "5.x",
  dependencies: ["switchboard-channels", "switchboard-http"],
});
