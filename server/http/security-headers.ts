/**
 * Browser security headers on every response (@fastify/helmet): a strict Content-Security-Policy for
 * the console, the status page and the API docs (scripts only from this origin, no plugins, no
 * framing by other sites, forms only to this origin), no Referer (status links carry a token),
 * HSTS when PUBLIC_URL is https, and resources readable only by our own pages — except the chat
 * widget's script, which customers' sites load.
 */
import fastifyHelmet from "@fastify/helmet";
import type { FastifyInstance, FastifyReply } from "fastify";

/** Twilio's signalling, insights and ringtone hosts, which the console's softphone talks to. */
const TWILIO = ["https://*.twilio.com", "wss://*.twilio.com"];

export function contentSecurityPolicy(https: boolean) {
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      // Mantine and the status page set style attributes and <style> blocks; styles run no code.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      fontSrc: ["'self'", "data:"],
      connectSrc: ["'self'", ...TWILIO],
      mediaSrc: ["'self'", "blob:", "https://sdk.twilio.com"],
      workerSrc: ["'self'", "blob:"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      ...(https ? { upgradeInsecureRequests: [] } : {}),
    },
  };
}

export async function installSecurityHeaders(app: FastifyInstance, publicUrl: string): Promise<void> {
  const https = publicUrl.startsWith("https://");
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: contentSecurityPolicy(https),
    // HSTS only means something over https; subdomains are the owner's business, not ours.
    hsts: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    referrerPolicy: { policy: "no-referrer" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    frameguard: { action: "deny" },
  });
}

/** Lets other sites load this response (the chat widget's script on customers' pages). */
export function allowCrossOriginLoad(reply: FastifyReply): FastifyReply {
  return reply.header("cross-origin-resource-policy", "cross-origin");
}

/**
 * Lets this one page load images from `origin` too (the status page's logo, which an admin hosts
 * elsewhere): the policy helmet set is widened for this response only.
 */
export function allowImagesFrom(reply: FastifyReply, origin: string): FastifyReply {
  const policy = reply.getHeader("content-security-policy");
  if (typeof policy !== "string") return reply;
  return reply.header(
    "content-security-policy",
    policy.replace(
      /(^|;)\s*img-src([^;]*)/,
      (_all, start: string, sources: string) => `${start}img-src${sources} ${origin}`,
    ),
  );
}
