/**
 * Every route and method of the app's own route table (hidden ones too) gets bad input: bodies of
 * the wrong type or missing fields, ids that are not ids, query values of the wrong type, no
 * credentials, unsigned Twilio webhooks — then fast-check bodies shaped like its schema. Never a
 * 5xx; every 4xx is `{ error, message, details? }`; a refused request writes nothing.
 * FUZZ_SEED and FUZZ_RUNS reproduce or widen a run; the seed is printed with the counts.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../../cases/ingest.ts";
import { queryRows } from "../../db/rows.ts";
import { CONSOLE_DIST } from "../../server/routes/web.ts";
import { type Api, type ApiResponse, createApi } from "../helpers/api.ts";
import { BROWSER_CALLING_ENV, TEST_AUTH_TOKEN } from "../helpers/fake-twilio.ts";
import { formFor, fuzzBody, queryFor } from "../helpers/fuzz-values.ts";
import { fillPath, propertiesOf, type RouteEntry, routeRecorder } from "../helpers/route-table.ts";
import { startTwilioApp, type TwilioTestApp } from "../helpers/twilio-app.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 1234);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
/** A checkout without `npm run build` answers /widget.js with a deliberate 503 (server/routes/web.ts). */
const UNBUILT = existsSync(`${CONSOLE_DIST}/widget.js`) ? [] : ["GET /widget.js", "HEAD /widget.js"];

/** What the admin never sends: it would end the session the rest of the test uses. */
const SPARED = new Set(["POST /api/auth/logout"]);
/** Rows a refused request may write by design: failed sign-ins are counted for rate limiting. */
const COUNTED_ON_REFUSAL = new Set(["login_failures", "security_events"]);

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Bodies of the wrong type or missing every field, an empty or broken one, one nested too deep. */
const WRONG_BODIES = [
  "[]",
  '"x"',
  "42",
  "1e400",
  "true",
  "null",
  "{}",
  "",
  "{",
  `${"[".repeat(40)}${"]".repeat(40)}`,
];
const BAD_PARAMS = ["not-a-uuid", randomUUID(), "x".repeat(99), "y".repeat(2000), "\u0000"];
const BAD_QUERY_VALUES = [["x"], ["1", "2"], [""], ["z".repeat(2000)], ["\u0000"], ["-1"]];
/**
 * Well-formed dates PostgreSQL cannot hold (it has no year 0; JavaScript writes year 10000 with six
 * digits): the first date key gets the first, the others the second, so a from/to pair is in order.
 */
const EDGE_DATES = [
  ["0000-06-01T00:00:00Z", "0000-06-02T00:00:00Z"],
  ["9999-12-31T12:00:00Z", "9999-12-31T23:59:59-14:00"],
];

interface Sent {
  label: string;
  method: string;
  path: string;
  body?: string;
  /** A page for people (hidden from the API docs): its 4xx is an HTML page, not JSON. */
  page?: boolean;
}

interface Tally {
  routes: number;
  requests: number;
  classes: Record<string, number>;
}

/** The list a route's first parameter picks from: `/api/outbound/lists` for `/api/outbound/lists/:id/records`. */
const collectionOf = (url: string) => url.split("/:")[0]!;

/** The first id (a UUID) in a list answer, whatever its shape. */
function firstId(body: unknown): string | undefined {
  if (Array.isArray(body)) return body.map(firstId).find(Boolean);
  if (!body || typeof body !== "object") return undefined;
  const { id } = body as { id?: unknown };
  if (typeof id === "string" && /^[0-9a-f-]{36}$/.test(id)) return id;
  return Object.values(body).map(firstId).find(Boolean);
}

const isWebhook = (route: RouteEntry) => route.url.startsWith("/webhooks/twilio");
const keyOf = (route: RouteEntry) => `${route.method} ${route.url}`;

function isErrorBody(body: unknown): boolean {
  const shape = body as { error?: unknown; message?: unknown } | null;
  return typeof shape?.error === "string" && typeof shape.message === "string";
}

function isPage(sent: Sent, response: ApiResponse): boolean {
  return sent.page === true && (response.headers.get("content-type") ?? "").startsWith("text/html");
}

/** Counts the answer and notes what breaks the rule: no 5xx, and a 4xx says what went wrong. */
function judge(tally: Tally, failures: string[], sent: Sent, response: ApiResponse): boolean {
  tally.requests += 1;
  const status = response.status;
  const statusClass = `${Math.floor(status / 100)}xx`;
  tally.classes[statusClass] = (tally.classes[statusClass] ?? 0) + 1;
  const what = `${sent.label}: ${sent.method} ${sent.path.slice(0, 120)} ${sent.body?.slice(0, 200) ?? ""}`;
  const shown = JSON.stringify(response.body)?.slice(0, 200);
  if (status >= 500) failures.push(`${what} → ${status} ${shown}`);
  else if (status >= 400 && sent.method !== "HEAD" && !isErrorBody(response.body) && !isPage(sent, response))
    failures.push(`${what} → ${status} without { error, message }: ${shown}`);
  else return true;
  return false;
}

/** Requests of one route with bad input, its other parts well-formed. */
function badInputs(route: RouteEntry, param: (name: string) => string): Sent[] {
  const sent: Sent[] = [];
  const path = fillPath(route.url, param);
  const { method, hidden: page } = route;
  const emptyBody = BODY_METHODS.has(method) ? "{}" : undefined;
  if (BODY_METHODS.has(method))
    for (const body of WRONG_BODIES) sent.push({ label: "wrong body", method, path, body, page });
  if (route.params.length)
    for (const bad of BAD_PARAMS)
      sent.push({ label: "bad param", method, path: fillPath(route.url, () => bad), body: emptyBody, page });
  const queryKeys = Object.keys(propertiesOf(route.query));
  if (queryKeys.length)
    for (const values of BAD_QUERY_VALUES) {
      const query = new URLSearchParams(queryKeys.flatMap((key) => values.map((value) => [key, value])));
      sent.push({ label: "bad query", method, path: `${path}?${query}`, body: emptyBody, page });
    }
  const dateKeys = Object.entries(propertiesOf(route.query))
    .filter(([, property]) => property.format === "date-time")
    .map(([key]) => key);
  if (dateKeys.length)
    for (const [first, rest] of EDGE_DATES) {
      const query = new URLSearchParams(dateKeys.map((key, index) => [key, index === 0 ? first! : rest!]));
      sent.push({ label: "edge date", method, path: `${path}?${query}`, body: emptyBody, page });
    }
  return sent;
}

describe("every route, generated from the route table", () => {
  const recorder = routeRecorder();
  let twilioApp: TwilioTestApp;
  let routes: RouteEntry[] = [];
  const realIds: Record<string, string> = {};
  const tally: Tally = { routes: 0, requests: 0, classes: {} };

  const send = (client: Api, sent: Sent) => client.request(sent.method, sent.path, sent.body);

  /** Row counts of every table but those a refusal may write, in one statement. */
  const tableCounts = async (): Promise<string> => {
    const db = twilioApp.app.services.db;
    const tables = await queryRows<{ name: string }>(
      db,
      sql`select table_name as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    const union = tables
      .filter(({ name }) => !COUNTED_ON_REFUSAL.has(name))
      .map(({ name }) => `select '${name}' as name, count(*)::int as n from "${name}"`)
      .join(" union all ");
    const rows = await queryRows<{ name: string; n: number }>(db, sql.raw(union));
    return rows.map((row) => `${row.name}=${row.n}`).join(" ");
  };

  /**
   * A well-formed value for a path parameter: the id of a row of the route's collection where one
   * is known (never for DELETE: the fixtures stay), else an id nothing has.
   */
  const paramFor = (route: RouteEntry) => (name: string) => {
    if (name === "*") return "x";
    if (name === "token") return "no-such-status-token";
    if (name === "queue") return "routing";
    const real = realIds[collectionOf(route.url)];
    return real && route.method !== "DELETE" ? real : randomUUID();
  };

  /** Learns an id of the route's collection from its list (rows the fuzz created count too). */
  const discoverId = async (route: RouteEntry) => {
    const collection = collectionOf(route.url);
    if (!route.params.length || realIds[collection]) return;
    const listed = await twilioApp.app.admin.get(collection);
    const id = listed.status === 200 ? firstId(listed.body) : undefined;
    if (id) realIds[collection] = id;
  };

  beforeAll(async () => {
    twilioApp = await startTwilioApp({ env: BROWSER_CALLING_ENV, onRoute: recorder.onRoute });
    routes = recorder.routes();
    tally.routes = routes.length;
    const { app } = twilioApp;
    const queued = await ingest(app.services.cases, {
      channel: "sms",
      externalId: "SM-api-fuzz-1",
      from: { kind: "phone", address: "+14155550177" },
      body: "Queued case",
    });
    realIds["/api/cases"] = queued.case.id;
    realIds["/api/contacts"] = queued.case.contactId;
    // Not the admin: a fuzzed PATCH could take away the role or the session the test runs on.
    realIds["/api/agents"] = (await app.createAgent()).id;
    realIds["/api/skills"] = (await app.admin.post("/api/skills", { name: "Spanish" })).body.id;
    realIds["/api/queues"] = (await app.admin.post("/api/queues", { name: "Billing" })).body.id;
  }, 120_000);

  afterAll(async () => {
    console.log(
      `api fuzz: ${tally.routes} routes, ${tally.requests} requests, ` +
        ["2xx", "3xx", "4xx", "5xx"].map((c) => `${c} ${tally.classes[c] ?? 0}`).join(", ") +
        `, seed ${SEED}, ${RUNS} runs a route`,
    );
    await twilioApp?.close();
  });

  it("covers every route the app has, hidden ones included", () => {
    const urls = new Set(routes.map((route) => route.url));
    for (const url of ["/api/cases/:id", "/webhooks/twilio/voice", "/status/:token", "/health"])
      expect(urls).toContain(url);
    expect(routes.some((route) => route.hidden)).toBe(true);
  });

  it("answers bad input as the admin with a 4xx, and a refused request writes nothing", async () => {
    const { admin } = twilioApp.app;
    const failures: string[] = [];
    let before = await tableCounts();
    for (const route of routes) {
      if (SPARED.has(keyOf(route)) || UNBUILT.includes(keyOf(route)) || isWebhook(route)) continue;
      for (const sent of badInputs(route, paramFor(route))) {
        const response = await send(admin, sent);
        const after = await tableCounts();
        if (judge(tally, failures, sent, response) && response.status >= 400 && after !== before)
          failures.push(`${sent.label}: ${sent.method} ${sent.path} → ${response.status} wrote rows`);
        before = after;
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it("refuses anonymous callers on every route that is not public", async () => {
    const anonymous = createApi(twilioApp.app.url);
    const failures: string[] = [];
    for (const route of routes) {
      if (UNBUILT.includes(keyOf(route))) continue;
      const sent: Sent = {
        label: "anonymous",
        page: route.hidden,
        method: route.method,
        path: fillPath(route.url, paramFor(route)),
        body: BODY_METHODS.has(route.method) ? "{}" : undefined,
      };
      const response = await send(anonymous, sent);
      judge(tally, failures, sent, response);
      const refused = [401, 403, 404].includes(response.status);
      if (route.access !== "public" && !refused) failures.push(`${keyOf(route)} → ${response.status}`);
      if (isWebhook(route) && response.status !== 403)
        failures.push(`unsigned ${keyOf(route)} → ${response.status}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it("never answers a fuzzed JSON body or query with a 5xx", async () => {
    const { admin } = twilioApp.app;
    const failures: string[] = [];
    for (const route of routes) {
      const fuzzed = route.body || Object.keys(propertiesOf(route.query)).length;
      if (!fuzzed || route.method === "HEAD" || SPARED.has(keyOf(route)) || isWebhook(route)) continue;
      await discoverId(route);
      const path = fillPath(route.url, paramFor(route));
      const bodies = route.body
        ? fuzzBody(route.body).map((body) => JSON.stringify(body))
        : fc.constant(undefined);
      const known = failures.length;
      const result = await fc.check(
        fc.asyncProperty(bodies, queryFor(route.query), async (body, query) => {
          const sent: Sent = {
            label: "fuzz",
            method: route.method,
            path: path + query,
            body,
            page: route.hidden,
          };
          return judge(tally, failures, sent, await send(admin, sent));
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (result.failed && failures.length === known)
        failures.push(`fuzz ${keyOf(route)}: ${String(result.errorInstance)}`);
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it("takes only signed Twilio webhooks, and never answers a signed fuzzed form with a 5xx", async () => {
    const { app } = twilioApp;
    const failures: string[] = [];
    for (const route of routes.filter(isWebhook)) {
      for (const body of WRONG_BODIES) {
        const sent: Sent = { label: "unsigned JSON webhook", method: route.method, path: route.url, body };
        const response = await send(createApi(app.url), sent);
        if (judge(tally, failures, sent, response) && response.status >= 200 && response.status < 400)
          failures.push(`${sent.label}: ${keyOf(route)} ${body} → ${response.status}`);
      }
      const result = await fc.check(
        fc.asyncProperty(
          formFor(route.body ?? {}),
          queryFor(route.query),
          fc.boolean(),
          async (form, query, signed) => {
            const path = route.url + query;
            const response = await postForm(app, path, form, signed);
            const sent: Sent = { label: "webhook", method: route.method, path, body: JSON.stringify(form) };
            judge(tally, failures, sent, response);
            return response.status < 500 && (signed || response.status === 403);
          },
        ),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (result.failed)
        failures.push(`webhook ${keyOf(route)}: ${JSON.stringify(result.counterexample)?.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

/** Posts a form as Twilio does, signed over PUBLIC_URL + path, or with a signature one character off. */
async function postForm(
  app: TwilioTestApp["app"],
  path: string,
  form: Record<string, string>,
  signed: boolean,
): Promise<ApiResponse> {
  const signature = twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, app.config.publicUrl + path, form);
  const response = await fetch(app.url + path, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": signed ? signature : `${signature}x`,
    },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // TwiML, not JSON.
  }
  return { status: response.status, body, headers: response.headers };
}
