/**
 * The route × role matrix: the README's copy is the one the routes' declarations generate, and
 * every route answers each caller as it says — nobody signed in gets 401, a role below the route's
 * gets 403, and a role it admits gets past the check (whatever the route then answers), never 5xx.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../db/project-root.ts";
import type { AgentRole } from "../../db/schema/agents.ts";
import type { RouteAccess } from "../../server/http/access.ts";
import {
  admits,
  EVERY_ROUTE_ENV,
  MATRIX_BEGIN,
  MATRIX_END,
  matrixRoutes,
  renderRouteMatrix,
} from "../../server/http/route-matrix.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

/** Third-party and static routes: public by prefix, nothing of ours to check. */
const NOT_OURS = /^\/(docs|assets)(\/|$)/;
/** Calls that would end the caller's own session or sign someone in. */
const SESSION_CHANGING = new Set(["POST /api/auth/logout", "POST /api/auth/login"]);

function pathOf(url: string): string {
  return url
    .replace(/:id\b/g, randomUUID())
    .replace(/:queue\b/g, "realtime")
    .replace(/:[A-Za-z]+/g, "matrix-probe")
    .replace(/\*$/, "matrix-probe");
}

describe("route × role matrix", () => {
  let app: TestApp;
  const tokens = new Map<AgentRole | null, string | undefined>();
  beforeAll(async () => {
    app = await startTestApp({ env: EVERY_ROUTE_ENV });
    tokens.set(null, undefined);
    tokens.set("agent", (await app.createAgent({ role: "agent" })).token);
    tokens.set("supervisor", (await app.createAgent({ role: "supervisor" })).token);
    tokens.set("admin", app.admin.token);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("is current in the README (npm run docs:routes regenerates it)", () => {
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    const block = readme.slice(readme.indexOf(MATRIX_BEGIN), readme.indexOf(MATRIX_END) + MATRIX_END.length);
    expect(block).toBe(renderRouteMatrix(app.app.routeAccess));
  });

  async function probe(route: RouteAccess, token: string | undefined): Promise<number> {
    const hasBody = route.method !== "GET" && route.method !== "DELETE";
    const response = await fetch(`${app.url}${pathOf(route.url)}`, {
      method: route.method,
      headers: {
        accept: "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(hasBody ? { "content-type": "application/json" } : {}),
      },
      ...(hasBody ? { body: "{}" } : {}),
      redirect: "manual",
    });
    await response.arrayBuffer();
    return response.status;
  }

  it("answers every route for every caller as the matrix says", async () => {
    const routes = matrixRoutes(app.app.routeAccess).filter(
      (route) => !NOT_OURS.test(route.url) && !SESSION_CHANGING.has(`${route.method} ${route.url}`),
    );
    const wrong: string[] = [];
    let requests = 0;
    for (const route of routes) {
      for (const [role, token] of tokens) {
        const status = await probe(route, token);
        requests += 1;
        const expected = admits(route.access, role) ? "past the check" : role ? 403 : 401;
        const ok =
          status < 500 &&
          (expected === "past the check"
            ? route.proof === "twilio-signature" || (status !== 401 && status !== 403)
            : status === expected);
        if (!ok)
          wrong.push(`${route.method} ${route.url} as ${role ?? "anyone"}: ${status}, expected ${expected}`);
      }
    }
    console.log(
      `route matrix: ${routes.length} routes × 4 callers = ${requests} requests, ${wrong.length} wrong`,
    );
    expect(wrong).toEqual([]);
  });
});
