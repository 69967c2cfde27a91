/**
 * The scope an API key needs for each route, derived in this one place from the method and the URL
 * (a route may override it with `config.apiScope`). Routes that only make sense for a person — their
 * own session, profile, second factor, presence, offers, softphone, and the keys themselves — are
 * refused to keys whatever their scopes.
 */
import type { ApiKeyScope } from "../../db/schema/integrations.ts";

/** What a key needs to call a route: a scope, or `person` for routes keys may never call. */
export type ApiKeyRouteScope = ApiKeyScope | "person";

/** Why each people-only route is refused, as the 403 says it: "API keys cannot …". */
const PERSON_ONLY: readonly { pattern: RegExp; cannot: string }[] = [
  { pattern: /^\/api\/auth(\/|$)/, cannot: "sign in, hold or end a session: send the key on each request" },
  { pattern: /^\/api\/me(\/|$)/, cannot: "use a person's own profile, presence, offers or notifications" },
  { pattern: /^\/api\/offers(\/|$)/, cannot: "accept or reject offers: offers are made to people" },
  { pattern: /^\/api\/voice\/token$/, cannot: "take or place calls in a browser softphone" },
  {
    pattern: /^\/api\/cases\/:id\/(take|call)(\/|$)/,
    cannot: "take cases or place calls: that is a person's work",
  },
  {
    pattern: /^\/api\/outbound\/(my-call|campaigns\/:id\/next|records\/:id\/call)$/,
    cannot: "work an outbound campaign: calls are placed by people",
  },
  {
    pattern: /^\/api\/(settings\/2fa|admin\/sso|agents\/:id\/2fa)(\/|$)/,
    cannot: "change sign-in security (two-factor, single sign-on): a signed-in admin does",
  },
  {
    pattern: /^\/api\/mailboxes\/(:id\/)?oauth\/(start|callback)$/,
    cannot: "connect a mailbox: a person signs in at the mail provider in a browser",
  },
  {
    pattern: /^\/api\/admin\/api-keys(\/|$)/,
    cannot: "create, list or revoke API keys: a signed-in admin does",
  },
];

/** Reports, exports, metrics and SLA figures. */
const REPORTS =
  /^\/api\/(reports|exports|metrics)(\/|$)|^\/api\/sla\/(board|staffing)$|^\/api\/(queues\/stats|agents\/board)$/;
/** Case content read under other paths: attachments and an email's source. */
const CASE_CONTENT = /^\/api\/(cases|views)(\/|$)|^\/api\/(attachments|interactions)\/:id(\/|$)/;
const READS = new Set(["GET", "HEAD"]);

/** The scope a route needs when it does not say (`config.apiScope`). */
export function apiKeyScopeOf(method: string, url: string): ApiKeyRouteScope {
  if (PERSON_ONLY.some((rule) => rule.pattern.test(url))) return "person";
  if (CASE_CONTENT.test(url)) return READS.has(method) ? "cases:read" : "cases:write";
  if (/^\/api\/contacts(\/|$)/.test(url)) return "contacts";
  if (REPORTS.test(url)) return "reports";
  return "admin";
}

/** The 403 message for a people-only route. */
export function personOnlyReason(url: string): string {
  const rule = PERSON_ONLY.find((candidate) => candidate.pattern.test(url));
  return `API keys cannot ${rule?.cannot ?? "call this route: it is for signed-in people"}.`;
}
