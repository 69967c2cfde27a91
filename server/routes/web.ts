/** The browser side: the agent console (a built single-page app), the chat widget script and its demo page. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FastifyReply, FastifyRequest } from "fastify";
import { PROJECT_ROOT } from "../../db/project-root.ts";
import { allowCrossOriginLoad } from "../http/security-headers.ts";
import type { ZodApp } from "./zod-app.ts";

export const CONSOLE_DIST = join(PROJECT_ROOT, "agent-console", "dist");

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Switchboard</title>
<p>The agent console has not been built. Run <code>npm run build</code> (npm install does it once) and reload.</p>`;

const chatDemoPage = (publicUrl: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard chat demo</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2937}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style>
</head><body>
<h1>Acme Support</h1>
<p>This page stands in for your website. The chat bubble in the corner is Switchboard's web chat: add it to any page with one tag:</p>
<p><code>&lt;script src="${publicUrl}/widget.js" async&gt;&lt;/script&gt;</code></p>
<p>Messages you send land in the agent console at <a href="/">${publicUrl}/</a>. Reload this page: the conversation resumes.</p>
<script src="/widget.js" async></script>
</body></html>`;

export function webRoutes(app: ZodApp): {
  spaFallback: (request: FastifyRequest, reply: FastifyReply) => boolean;
} {
  const built = () => existsSync(`${CONSOLE_DIST}/index.html`);

  app.get("/assets/*", { config: { access: "public" }, schema: { hide: true } }, async (request, reply) => {
    const path = (request.params as { "*": string })["*"];
    // Vite puts a content hash in every asset name, so they never change.
    return reply.header("cache-control", "public, max-age=31536000, immutable").sendFile(`assets/${path}`);
  });

  app.get("/widget.js", { config: { access: "public" }, schema: { hide: true } }, async (_request, reply) => {
    if (!existsSync(`${CONSOLE_DIST}/widget.js`))
      return reply.code(503).type("text/plain").send("// widget not built: run npm run build\n");
    return allowCrossOriginLoad(reply)
      .header("access-control-allow-origin", "*")
      .header("cache-control", "public, max-age=300")
      .sendFile("widget.js");
  });

  // The snippet shows the address the visitor used, so it is right behind a proxy and on any port.
  app.get("/chat-demo", { config: { access: "public" }, schema: { hide: true } }, async (request, reply) =>
    reply.type("text/html").send(chatDemoPage(`${request.protocol}://${request.host}`)),
  );

  app.get("/", { config: { access: "public" }, schema: { hide: true } }, async (_request, reply) =>
    built()
      ? reply.header("cache-control", "no-cache").sendFile("index.html")
      : reply.type("text/html").send(NOT_BUILT),
  );

  return {
    /** Client-side routes of the console (e.g. /cases/123) get index.html. */
    spaFallback(request, reply) {
      const path = request.url.split("?")[0] ?? "";
      const wantsHtml = request.method === "GET" && (request.headers.accept ?? "").includes("text/html");
      if (!wantsHtml || /^\/(api|socket\.io|webhooks|docs|assets)(\/|$)/.test(path)) return false;
      if (built()) void reply.header("cache-control", "no-cache").sendFile("index.html");
      else void reply.type("text/html").send(NOT_BUILT);
      return true;
    },
  };
}
