/**
 * The customer's status page, `/status/<token>` (the link in every update): a plain HTML page whose
 * forms work without JavaScript, and the same operations as a JSON API for widgets and tests.
 */
import { randomUUID } from "node:crypto";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { AppError, isAppError } from "../../cases/errors.ts";
import {
  rateCase,
  replyFromStatusPage,
  type StatusView,
  statusView,
} from "../../channels/status-updates/status-page.ts";
import { verifyStatusToken } from "../../channels/status-updates/status-token.ts";
import { assertWithinLimit } from "../http/rate-limits.ts";
import { isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const tokenParam = z.object({ token: z.string().min(10).max(200) });

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/**
 * An instant as `<time>`: in UTC as the server writes it, then in the reader's own zone once
 * `/status-times.js` has run (the page works without it).
 */
const when = (at: Date) =>
  `<time datetime="${at.toISOString()}">${at.toISOString().replace("T", " ").slice(0, 16)} UTC</time>`;

/**
 * Rewrites every `<time datetime>` of the status page in the reader's zone, with the zone's name.
 * A file of its own: the page's Content-Security-Policy runs scripts from this origin only.
 */
const STATUS_TIMES_JS = `(function () {
  var format = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var at = new Date(times[i].getAttribute("datetime"));
    if (!isNaN(at.getTime())) times[i].textContent = at.toLocaleString(undefined, format);
  }
})();
`;

function page(token: string, view: StatusView, notice: Notice | null): string {
  const c = view.case;
  const messages = view.messages
    .map(
      (m) =>
        `<li class="msg ${m.from}"><div class="who">${m.from === "customer" ? "You" : escapeHtml(m.author ?? "Support")} · ${when(m.at)}</div><div class="text">${escapeHtml(m.body)}</div></li>`,
    )
    .join("");
  const stars = [1, 2, 3, 4, 5]
    .map(
      (n) =>
        `<label class="star"><input type="radio" name="rating" value="${n}" ${c.csatRating === n ? "checked" : ""} required> ${n}</label>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Request #${c.number}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2937;line-height:1.5}
h1{font-size:1.4rem;margin:.2rem 0}.state{display:inline-block;padding:.15rem .6rem;border-radius:999px;background:#eef2ff;color:#3730a3;font-weight:600;font-size:.85rem}
ol{list-style:none;padding:0}.msg{border:1px solid #e5e7eb;border-radius:10px;padding:.6rem .8rem;margin:.5rem 0}.msg.agent{background:#f9fafb}
.who{font-size:.8rem;color:#6b7280}.text{white-space:pre-wrap}textarea{width:100%;min-height:6rem;font:inherit;padding:.5rem;box-sizing:border-box}
button{font:inherit;padding:.45rem 1rem;border-radius:8px;border:0;background:#4f46e5;color:#fff;cursor:pointer}
.notice{padding:.5rem .8rem;border-radius:8px}.notice.ok{background:#ecfdf5;color:#065f46}.notice.error{background:#fef2f2;color:#991b1b}
fieldset{border:1px solid #e5e7eb;border-radius:10px}.star{margin-right:.8rem}
</style><script src="/status-times.js" defer></script></head><body>
<p class="state" aria-label="Status">${escapeHtml(c.stateLabel)}</p>
<h1>Request #${c.number}: ${escapeHtml(c.subject)}</h1>
<p><small>Opened ${when(c.createdAt)}${c.resolvedAt ? ` · resolved ${when(c.resolvedAt)}` : ""}</small></p>
${notice ? `<p class="notice ${notice.kind}" role="status">${escapeHtml(notice.text)}</p>` : ""}
<h2>Conversation</h2>
<ol>${messages || "<li>No messages yet.</li>"}</ol>
${
  view.canRate
    ? `<form method="post" action="/status/${escapeHtml(token)}"><input type="hidden" name="action" value="rate">
<fieldset><legend>How did we do?${c.csatRating ? ` You rated us ${c.csatRating} of 5.` : ""}</legend>${stars}
<p><label for="comment">Comment (optional)</label><br><textarea id="comment" name="comment" maxlength="2000">${escapeHtml(c.csatComment ?? "")}</textarea></p>
<button type="submit">Send rating</button></fieldset></form>`
    : ""
}
${
  view.canReply
    ? `<form method="post" action="/status/${escapeHtml(token)}"><input type="hidden" name="action" value="reply"><input type="hidden" name="clientId" value="${randomUUID()}">
<p><label for="reply">Reply</label><br><textarea id="reply" name="body" required maxlength="10000"></textarea></p><button type="submit">Send reply</button></form>`
    : "<p>This request is closed. Write to us again and we will open a new one.</p>"
}
</body></html>`;
}

const notFoundPage = `<!doctype html><meta charset="utf-8"><title>Not found</title><p>This link is not valid. Check that it was copied whole.</p>`;

type StatusPageServices = Pick<Services, "cases" | "statusUpdates" | "limits">;

/** The case a status link names, or a 404 for a link that is not ours. */
function caseOf(services: StatusPageServices, token: string): string {
  const caseId = verifyStatusToken(services.statusUpdates.settings.secret, token);
  if (!caseId) throw new AppError("NOT_FOUND", "This status link is not valid.");
  return caseId;
}

/** A line above the page saying what became of the customer's last post. */
interface Notice {
  kind: "ok" | "error";
  text: string;
}

async function sendPage(
  services: StatusPageServices,
  reply: FastifyReply,
  token: string,
  notice: Notice | null,
  status = 200,
) {
  const view = await statusView(services.cases, caseOf(services, token));
  return reply
    .code(status)
    .type("text/html")
    .header("cache-control", "no-store")
    .send(page(token, view, notice));
}

/** The status page itself, as HTML with a plain form: it works without JavaScript. */
function statusHtmlRoutes(app: ZodApp, services: StatusPageServices): void {
  const html = (reply: FastifyReply, token: string, notice: Notice | null, status?: number) =>
    sendPage(services, reply, token, notice, status);

  app.get(
    "/status-times.js",
    { config: { access: "public" }, schema: { hide: true } },
    async (_request, reply) =>
      reply.type("text/javascript").header("cache-control", "public, max-age=300").send(STATUS_TIMES_JS),
  );

  app.get(
    "/status/:token",
    { config: { access: "public", proof: "status-link" }, schema: { hide: true, params: tokenParam } },
    async (request, reply) => {
      const done = (request.query as { done?: string }).done;
      try {
        return await html(
          reply,
          request.params.token,
          done === "reply"
            ? { kind: "ok", text: "Thank you, your reply was sent." }
            : done === "rate"
              ? { kind: "ok", text: "Thank you for your rating." }
              : null,
        );
      } catch (error) {
        if (isAppError(error, "NOT_FOUND")) return reply.code(404).type("text/html").send(notFoundPage);
        throw error;
      }
    },
  );

  // The page's forms: a redirect after success (so a reload does not post again), the page with the message on error.
  app.post(
    "/status/:token",
    {
      config: { access: "public", proof: "status-link" },
      schema: {
        hide: true,
        params: tokenParam,
        body: z.object({
          action: z.enum(["reply", "rate"]),
          body: z.string().max(20_000).optional(),
          clientId: z.string().max(64).optional(),
          rating: z.coerce.number().optional(),
          comment: z.string().max(2000).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const caseId = caseOf(services, token);
      try {
        await assertWithinLimit(services.limits.statusPosts, request.ip, "replies and ratings");
        if (request.body.action === "reply") {
          await replyFromStatusPage(services.cases, caseId, {
            body: request.body.body ?? "",
            clientId: request.body.clientId,
          });
        } else {
          await rateCase(services.cases, caseId, {
            rating: request.body.rating ?? 0,
            comment: request.body.comment,
          });
        }
        return reply.redirect(`/status/${encodeURIComponent(token)}?done=${request.body.action}`, 303);
      } catch (error) {
        if (!isAppError(error) || error.status >= 500) throw error;
        const retryAfter = error.details?.retryAfterSeconds;
        if (typeof retryAfter === "number") reply.header("retry-after", String(retryAfter));
        return html(reply, token, { kind: "error", text: error.message }, error.status);
      }
    },
  );
}

const viewSchema = z.object({
  case: z.object({
    number: z.number().int(),
    subject: z.string(),
    state: z.string(),
    stateLabel: z.string(),
    createdAt: isoDate,
    resolvedAt: isoDate.nullable(),
    csatRating: z.number().int().nullable(),
    csatComment: z.string().nullable(),
  }),
  messages: z.array(
    z.object({
      id: z.uuid(),
      from: z.enum(["customer", "agent"]),
      author: z.string().nullable(),
      body: z.string(),
      at: isoDate,
    }),
  ),
  canReply: z.boolean(),
  canRate: z.boolean(),
});

/** The same page as JSON, for the widget and other clients: read it, reply, rate. */
function statusApiRoutes(app: ZodApp, services: StatusPageServices): void {
  app.get(
    "/api/status/:token",
    {
      config: { access: "public", proof: "status-link" },
      schema: {
        tags: ["status page"],
        summary: "A customer's view of their case",
        params: tokenParam,
        response: responses({ 200: viewSchema }, [404]),
      },
    },
    async (request) => statusView(services.cases, caseOf(services, request.params.token)),
  );

  app.post(
    "/api/status/:token/replies",
    {
      config: { access: "public", proof: "status-link" },
      schema: {
        tags: ["status page"],
        summary: "The customer replies on their case",
        params: tokenParam,
        body: z.object({
          body: z.string().trim().min(1, "cannot be empty").max(10_000),
          clientId: z
            .string()
            .regex(/^[A-Za-z0-9_-]{8,64}$/)
            .optional(),
        }),
        response: responses({ 201: z.object({ id: z.uuid() }) }, [404, 409, 429]),
      },
    },
    async (request, reply) => {
      await assertWithinLimit(services.limits.statusPosts, request.ip, "replies and ratings");
      const stored = await replyFromStatusPage(
        services.cases,
        caseOf(services, request.params.token),
        request.body,
      );
      return reply.code(201).send({ id: stored.id });
    },
  );

  app.post(
    "/api/status/:token/rating",
    {
      config: { access: "public", proof: "status-link" },
      schema: {
        tags: ["status page"],
        summary: "The customer rates a resolved case (1–5, optional comment)",
        params: tokenParam,
        body: z.object({ rating: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() }),
        response: responses(
          { 200: z.object({ rating: z.number().int(), comment: z.string().nullable() }) },
          [404, 409, 429],
        ),
      },
    },
    async (request) => {
      await assertWithinLimit(services.limits.statusPosts, request.ip, "replies and ratings");
      return rateCase(services.cases, caseOf(services, request.params.token), request.body);
    },
  );
}

export function statusPageRoutes(app: ZodApp, services: StatusPageServices): void {
  statusHtmlRoutes(app, services);
  statusApiRoutes(app, services);
}
