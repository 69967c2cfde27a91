/**
 * `/verify-email?token=…`, the link mailed to an address a chat visitor claimed: a plain HTML page
 * (no JavaScript) asking the customer to confirm, and the form's post that proves the address.
 * Opening the link changes nothing — mail scanners that fetch links must not prove an address on
 * the customer's behalf — only pressing the button does.
 */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { isAppError } from "../../cases/errors.ts";
import { liveEmailProof, proveEmail } from "../../cases/identity-proofs.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import { perMinute } from "../http/rate-limits.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2937;line-height:1.5}
h1{font-size:1.4rem}button{font:inherit;padding:.5rem 1.1rem;border-radius:8px;border:0;background:#4f46e5;color:#fff;cursor:pointer}
.notice{padding:.6rem .9rem;border-radius:8px}.ok{background:#ecfdf5;color:#065f46}.error{background:#fef2f2;color:#991b1b}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

const tokenText = z.string().min(1).max(200);

type ProofServices = Pick<Services, "cases" | "clock" | "config">;

function send(reply: FastifyReply, status: number, html: string) {
  return reply.code(status).type("text/html").header("cache-control", "no-store").send(html);
}

function errorPage(reply: FastifyReply, error: unknown) {
  if (!isAppError(error) || error.status >= 500) throw error;
  return send(
    reply,
    error.status,
    page("This link cannot be used", `<p class="notice error" role="alert">${escapeHtml(error.message)}</p>`),
  );
}

export function emailProofRoutes(app: ZodApp, services: ProofServices): void {
  const limit = perMinute(services.config.rateLimits.publicPostsPerAddress);

  app.get(
    "/verify-email",
    {
      config: { access: "public", proof: "mailed-link", ...limit },
      schema: { hide: true, querystring: z.object({ token: tokenText }) },
    },
    async (request, reply) => {
      const { token } = request.query;
      try {
        const { identity } = await liveEmailProof(services.cases.db, token, services.clock());
        return send(
          reply,
          200,
          page(
            "Confirm your email address",
            `<p>Confirm that <strong>${escapeHtml(identity.address)}</strong> is your address, so our replies can reach you by email.</p>
<form method="post" action="/verify-email"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Confirm my address</button></form>`,
          ),
        );
      } catch (error) {
        return errorPage(reply, error);
      }
    },
  );

  app.post(
    "/verify-email",
    {
      config: { access: "public", proof: "mailed-link", ...limit },
      schema: { hide: true, body: z.object({ token: tokenText }) },
    },
    async (request, reply) => {
      try {
        const { address } = await withUnitOfWork(services.cases, (tx, uow) =>
          proveEmail(tx, uow, { token: request.body.token, now: services.clock() }),
        );
        // Held verified by another contact or not, the customer is told the same: who owns an
        // address is not theirs to learn. Agents see the difference on the case.
        return send(
          reply,
          200,
          page(
            "Thank you",
            `<p class="notice ok" role="status">Thank you: we have noted that ${escapeHtml(address)} is your address. You can close this page.</p>`,
          ),
        );
      } catch (error) {
        return errorPage(reply, error);
      }
    },
  );
}
