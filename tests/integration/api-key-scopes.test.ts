/**
 * API key scopes, route by route over the app's own route table: for every route a signed-in
 * person may call, a key lacking the route's scope gets 403, a key holding only that scope gets past
 * the access check (whatever the route then answers, never 5xx), and a people-only route refuses
 * every key. Public routes answer keys as they answer anyone.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY_SCOPES, type ApiKeyScope } from "../../db/schema/integrations.ts";
import { apiKeyScopeOf } from "../../server/http/api-key-scope.ts";
import { EVERY_ROUTE_ENV, matrixRoutes } from "../../server/http/route-matrix.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";

/** Third-party and static routes: public by prefix, nothing of ours to check. */
const NOT_OURS = /^\/(docs|assets)(\/|$)/;

function pathOf(url: string): string {
  return url
    .replace(/:id\b/g, randomUUID())
    .replace(/:queue\b/g, "realtime")
    .replace(/:[A-Za-z]+/g, "scope-probe")
    .replace(/\*$/, "scope-probe");
}

describe("API key scopes, route by route", () => {
  let app: TestApp;
  /** Per scope: a key holding only it, and a key holding every other scope. */
  const only = new Map<ApiKeyScope, string>();
  const allBut = new Map<ApiKeyScope, string>();
  let every: string;

  const createKey = async (name: string, scopes: readonly ApiKeyScope[]) => {
    const created = await app.admin.post("/api/admin/api-keys", { name, scopes });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.secret as string;
  };

  beforeAll(async () => {
    app = await startTestApp({ env: EVERY_ROUTE_ENV });
    for (const scope of API_KEY_SCOPES) {
      only.set(scope, await createKey(`only ${scope}`, [scope]));
      allBut.set(
        scope,
        await createKey(
          `all but ${scope}`,
          API_KEY_SCOPES.filter((other) => other !== scope),
        ),
      );
    }
    every = await createKey("every scope", API_KEY_SCOPES);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function probe(method: string, url: string, secret: string) {
    const hasBody = method !== "GET" && method !== "DELETE";
    const response = await fetch(`${app.url}${pathOf(url)}`, {
      method,
      headers: {
        accept: "application/json",
        authorization: `Bearer ${secret}`,
        ...(hasBody ? { "content-type": "application/json" } : {}),
      },
      ...(hasBody ? { body: "{}" } : {}),
      redirect: "manual",
    });
    const text = await response.text();
    let message = "";
    try {
      message = String(JSON.parse(text).message ?? "");
    } catch {
      // Not JSON (a page): no message.
    }
    return { status: response.status, message };
  }

  it("derives the scopes the README lists", () => {
    expect(apiKeyScopeOf("GET", "/api/cases/:id")).toBe("cases:read");
    expect(apiKeyScopeOf("POST", "/api/cases/:id/replies")).toBe("cases:write");
    expect(apiKeyScopeOf("GET", "/api/views")).toBe("cases:read");
    expect(apiKeyScopeOf("PUT", "/api/views/:id")).toBe("cases:write");
    expect(apiKeyScopeOf("PATCH", "/api/contacts/:id")).toBe("contacts");
    expect(apiKeyScopeOf("GET", "/api/metrics/live")).toBe("reports");
    expect(apiKeyScopeOf("GET", "/api/reports/dispositions")).toBe("reports");
    expect(apiKeyScopeOf("GET", "/api/sla/board")).toBe("reports");
    expect(apiKeyScopeOf("GET", "/api/queues")).toBe("admin");
    for (const url of ["/api/me", "/api/me/presence", "/api/auth/session", "/api/offers/:id/accept"])
      expect(apiKeyScopeOf("GET", url)).toBe("person");
  });

  it("enforces each route's scope for every route a person may call", async () => {
    const routes = matrixRoutes(app.app.routeAccess).filter(
      (route) => route.access !== "public" && !NOT_OURS.test(route.url),
    );
    const wrong: string[] = [];
    const counts = { scoped: 0, personOnly: 0 };
    for (const route of routes) {
      const needed = route.apiScope;
      const name = `${route.method} ${route.url}`;
      if (!needed) {
        wrong.push(`${name}: no scope derived`);
        continue;
      }
      if (needed === "person") {
        counts.personOnly += 1;
        const refused = await probe(route.method, route.url, every);
        if (refused.status !== 403 || !refused.message.startsWith("API keys cannot"))
          wrong.push(
            `${name} with every scope: ${refused.status} ${refused.message}, expected 403 "API keys cannot …"`,
          );
        continue;
      }
      counts.scoped += 1;
      const lacking = await probe(route.method, route.url, allBut.get(needed)!);
      if (lacking.status !== 403 || !lacking.message.includes(`'${needed}' scope`))
        wrong.push(`${name} without ${needed}: ${lacking.status} ${lacking.message}, expected 403`);
      const holding = await probe(route.method, route.url, only.get(needed)!);
      if (holding.status === 401 || holding.status === 403 || holding.status >= 500)
        wrong.push(
          `${name} with only ${needed}: ${holding.status} ${holding.message}, expected past the check`,
        );
    }
    console.log(
      `api key scopes: ${counts.scoped} scoped routes × 2 keys, ${counts.personOnly} people-only routes, ${wrong.length} wrong`,
    );
    expect(counts.scoped).toBeGreaterThan(100);
    expect(counts.personOnly).toBeGreaterThan(15);
    expect(wrong).toEqual([]);
  });

  it("leaves public routes as they are for a key", async () => {
    for (const url of ["/health", "/api/chat/widget"]) {
      const answer = await probe("GET", url, only.get("reports")!);
      expect(answer.status, url).toBe(200);
    }
  });
});
