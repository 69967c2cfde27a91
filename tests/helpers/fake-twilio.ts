/**
 * A local HTTP server playing the parts of api.twilio.com that Switchboard calls: Messages.json,
 * Calls.json, Calls/{Sid}.json and Calls/{Sid}/Recordings/{Sid}.json. It checks Basic auth like
 * Twilio (401 with Twilio's error body), answers with realistic resources, can be told to fail the
 * next request, records every request, and fires signed callbacks at the app like Twilio does.
 * Also here: signing and posting Twilio webhooks to the app, and the webhook fixtures.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import twilio from "twilio";
import { countSegments } from "../../channels/sms/segments.ts";
import type { Config } from "../../server/config.ts";

export const TEST_ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
export const TEST_AUTH_TOKEN = "test-twilio-auth-token-0123456789";
export const BROWSER_CALLING_ENV = {
  TWILIO_API_KEY_SID: `SK${"fedcba9876543210".repeat(2)}`,
  TWILIO_API_KEY_SECRET: "test-api-key-secret-0123456789",
  TWILIO_TWIML_APP_SID: `AP${"00112233445566778899aabbccddeeff"}`,
};

export const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString("hex")}`;

export type TwilioResource = "message" | "call" | "call-update" | "recording-update" | "unknown";

export interface FakeTwilioRequest {
  method: string;
  path: string;
  resource: TwilioResource;
  /** The SID in the path (call, recording), when there is one. */
  pathSid?: string;
  params: Record<string, string>;
  authorized: boolean;
  /** The SID of the resource answered, for creates. */
  sid?: string;
}

export interface TwilioFailure {
  /** The HTTP status answered; with `drop`, none (the connection is cut). */
  status: number;
  /** Cut the connection without answering, as a reset or a dying proxy does. */
  drop?: boolean;
  code?: number;
  message?: string;
  /** Only a request like this fails (default: the next authorised one, whatever it is). */
  when?: (request: FakeTwilioRequest) => boolean;
}

export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  /** Environment that points the app at this server. */
  env: Record<string, string>;
  requests: FakeTwilioRequest[];
  of(resource: TwilioResource): FakeTwilioRequest[];
  /** The next request to the API (or the next one `when` picks) fails like this. */
  failNext(failure: TwilioFailure): void;
  waitForRequest(
    predicate: (request: FakeTwilioRequest) => boolean,
    timeoutMs?: number,
  ): Promise<FakeTwilioRequest>;
  /** Callbacks to `publicUrl` are delivered to `reachableUrl` (nothing listens on a test app's PUBLIC_URL). */
  routeCallbacks(publicUrl: string, reachableUrl: string): void;
  /** Posts a callback to a URL we were given (a StatusCallback), signed over that URL as Twilio does. */
  callback(url: string, params: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const API_PREFIX = /^\/2010-04-01\/Accounts\/([^/]+)\/(.+)$/;

function twilioDate(at = new Date()): string {
  return at.toUTCString().replace("GMT", "+0000");
}

function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let raw = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", () => {
      const params: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(raw))
        params[key] = key in params ? `${params[key]} ${value}` : value;
      resolve(params);
    });
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function errorBody(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export async function startFakeTwilio(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? TEST_ACCOUNT_SID;
  const authToken = options.authToken ?? TEST_AUTH_TOKEN;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  const requests: FakeTwilioRequest[] = [];
  const failures: TwilioFailure[] = [];
  const waiters = new Set<() => void>();
  const routes: [string, string][] = [];
  const base = `/2010-04-01/Accounts/${accountSid}`;

  const answer = (entry: FakeTwilioRequest, response: ServerResponse) => {
    const now = twilioDate();
    const p = entry.params;
    switch (entry.resource) {
      case "message": {
        const sid = newSid(p.MediaUrl ? "MM" : "SM");
        entry.sid = sid;
        return sendJson(response, 201, {
          account_sid: accountSid,
          api_version: "2010-04-01",
          body: p.Body ?? "",
          date_created: now,
          date_sent: null,
          date_updated: now,
          direction: "outbound-api",
          error_code: null,
          error_message: null,
          from: p.From ?? null,
          messaging_service_sid: p.MessagingServiceSid ?? null,
          num_media: "0",
          num_segments: String(Math.max(1, countSegments(p.Body ?? "").segments)),
          price: null,
          price_unit: "USD",
          sid,
          status: "queued",
          subresource_uris: { media: `${base}/Messages/${sid}/Media.json` },
          to: p.To,
          uri: `${base}/Messages/${sid}.json`,
        });
      }
      case "call":
      case "call-update": {
        const sid = entry.pathSid ?? newSid("CA");
        entry.sid = sid;
        return sendJson(response, entry.resource === "call" ? 201 : 200, {
          account_sid: accountSid,
          answered_by: null,
          api_version: "2010-04-01",
          caller_name: null,
          date_created: now,
          date_updated: now,
          direction: "outbound-api",
          duration: null,
          end_time: null,
          forwarded_from: null,
          from: p.From ?? "+14155550100",
          parent_call_sid: null,
          phone_number_sid: null,
          price: null,
          price_unit: "USD",
          sid,
          start_time: null,
          status: entry.resource === "call" ? "queued" : "in-progress",
          to: p.To ?? "+14155552671",
          uri: `${base}/Calls/${sid}.json`,
        });
      }
      case "recording-update":
        return sendJson(response, 200, {
          account_sid: accountSid,
          call_sid: entry.pathSid,
          sid: newSid("RE"),
          status: p.Status,
          date_updated: now,
          uri: `${base}/Calls/${entry.pathSid}/Recordings/Twilio.CURRENT.json`,
        });
      default:
        return sendJson(response, 404, errorBody(404, 20404, "The requested resource was not found"));
    }
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://fake-twilio");
    const params = request.method === "POST" ? await readForm(request) : {};
    const match = API_PREFIX.exec(url.pathname);
    const rest = match?.[2] ?? "";
    let resource: TwilioResource = "unknown";
    let pathSid: string | undefined;
    if (rest === "Messages.json") resource = "message";
    else if (rest === "Calls.json") resource = "call";
    else if (/^Calls\/CA[0-9a-f]{32}\.json$/.test(rest)) {
      resource = "call-update";
      pathSid = rest.slice(6, 40);
    } else if (/^Calls\/CA[0-9a-f]{32}\/Recordings\/[^/]+\.json$/.test(rest)) {
      resource = "recording-update";
      pathSid = rest.slice(6, 40);
    }
    const authorized = request.headers.authorization === expectedAuth && match?.[1] === accountSid;
    const entry: FakeTwilioRequest = {
      method: request.method ?? "GET",
      path: url.pathname,
      resource,
      ...(pathSid ? { pathSid } : {}),
      params,
      authorized,
    };
    requests.push(entry);
    for (const wake of [...waiters]) wake();
    if (!authorized) return sendJson(response, 401, errorBody(401, 20003, "Authenticate"));
    const index = failures.findIndex((candidate) => !candidate.when || candidate.when(entry));
    const failure = index >= 0 ? failures.splice(index, 1)[0] : undefined;
    if (failure?.drop) return void request.socket.destroy();
    if (failure)
      return sendJson(
        response,
        failure.status,
        errorBody(failure.status, failure.code ?? failure.status * 100, failure.message ?? "Failed as told"),
      );
    answer(entry, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  return {
    url,
    accountSid,
    authToken,
    env: { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_API_BASE_URL: url },
    requests,
    of: (resource) => requests.filter((entry) => entry.resource === resource && entry.authorized),
    failNext: (failure) => void failures.push(failure),
    waitForRequest(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.find(predicate);
          if (!found) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no matching Twilio request; saw: ${requests.map((r) => `${r.method} ${r.path}`).join(", ")}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        if (!check()) waiters.add(wake);
      });
    },
    routeCallbacks: (publicUrl, reachableUrl) => void routes.push([publicUrl, reachableUrl]),
    async callback(target, params) {
      const signature = twilio.getExpectedTwilioSignature(authToken, target, params);
      const route = routes.find(([publicUrl]) => target.startsWith(publicUrl));
      const reachable = route ? route[1] + target.slice(route[0].length) : target;
      const response = await fetch(reachable, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
        body: new URLSearchParams(params).toString(),
      });
      return { status: response.status, body: await response.text() };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An SMS the fake accepted, tied to our interaction through the status callback URL we gave. */
export interface SentSms {
  sid: string;
  interactionId: string;
  to: string;
  from: string;
  body: string;
}

/** The SMS messages the fake accepted (refused and cut ones are left out), in the order sent. */
export function sentSms(fake: FakeTwilio): SentSms[] {
  return fake
    .of("message")
    .filter((request) => request.sid)
    .map((request) => ({
      sid: request.sid!,
      interactionId:
        new URL(request.params.StatusCallback ?? "http://x/").searchParams.get("interaction") ?? "",
      to: request.params.To ?? "",
      from: request.params.From ?? "",
      body: request.params.Body ?? "",
    }));
}

/** A webhook body as Twilio sends it (tests/fixtures/twilio/<name>.json), with fields replaced. */
export function twilioFixture(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  const path = new URL(`../fixtures/twilio/${name}.json`, import.meta.url);
  return { ...(JSON.parse(readFileSync(path, "utf8")) as Record<string, string>), ...overrides };
}

/** One of the message status callbacks in sms-status-callbacks.json. */
export function smsStatusFixture(
  status: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const all = JSON.parse(
    readFileSync(new URL("../fixtures/twilio/sms-status-callbacks.json", import.meta.url), "utf8"),
  ) as Record<string, Record<string, string>>;
  if (!all[status]) throw new Error(`no status callback fixture for '${status}'`);
  return { ...all[status], ...overrides };
}

export interface WebhookResponse {
  status: number;
  body: string;
  contentType: string | null;
}

/**
 * Posts a Twilio webhook to the app, signed over PUBLIC_URL + path the way Twilio signs the URL it
 * calls. `signature: null` leaves the header out; a string sends that signature instead.
 */
export async function postTwilioWebhook(
  app: { url: string; config: Pick<Config, "publicUrl"> },
  path: string,
  params: Record<string, string>,
  options: { signature?: string | null; authToken?: string } = {},
): Promise<WebhookResponse> {
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(
          options.authToken ?? TEST_AUTH_TOKEN,
          app.config.publicUrl + path,
          params,
        )
      : options.signature;
  const response = await fetch(app.url + path, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(signature === null ? {} : { "x-twilio-signature": signature }),
    },
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: response.status,
    body: await response.text(),
    contentType: response.headers.get("content-type"),
  };
}
