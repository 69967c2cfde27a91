/**
 * The one place that builds the Twilio REST client: the real `twilio` package, pointed at another
 * host when TWILIO_API_BASE_URL is set (tests run a local server there). Callers get a small API of
 * the calls we make, with every failure already mapped to TEMPORARY, AUTH or INVALID.
 *
 * The package's REST client (every Twilio API, ~0.2 s to load) is loaded on the first request, not
 * at start-up: most processes start long before they send anything, and many never do.
 */
import type { Twilio } from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import { toAppError } from "./twilio-errors.ts";

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Replaces https://api.twilio.com, e.g. http://127.0.0.1:4010. */
  apiBaseUrl?: string;
}

const TWILIO_API = "https://api.twilio.com";
/** Twilio answers in well under a second; a stuck request must not hold a delivery job for 30 s. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface SentMessage {
  sid: string;
  status: string;
  numSegments: number | null;
}

export interface TwilioApi {
  sendMessage(input: {
    to: string;
    from: string;
    body: string;
    statusCallback: string;
    /** An approved content template (WhatsApp outside the 24-hour window) and its `{{1}}` values. */
    contentSid?: string;
    contentVariables?: Record<string, string>;
    /** Public URLs of pictures or files to attach (MMS, WhatsApp media). */
    mediaUrl?: string[];
  }): Promise<SentMessage>;
  /** Starts a call; Twilio fetches its TwiML from `url` once the callee answers. */
  createCall(input: {
    to: string;
    from: string;
    url: string;
    statusCallback?: string;
    /** Seconds to let it ring. */
    timeoutSeconds?: number;
    /** Ask Twilio whether a person or a machine answered. */
    machineDetection?: boolean;
  }): Promise<{ sid: string }>;
  /** Replaces what a live call is doing with new TwiML. */
  updateCall(callSid: string, twiml: string): Promise<void>;
  /** Pauses or resumes the recording running on a call. */
  setRecording(callSid: string, status: "paused" | "in-progress"): Promise<void>;
}

async function loadClient(settings: TwilioSettings): Promise<Twilio> {
  const { default: twilio } = await import("twilio");
  /** Sends the client's requests to another base URL; everything else (auth, encoding) stays the real client's. */
  class RedirectingRequestClient extends twilio.RequestClient {
    constructor(private readonly baseUrl: string) {
      super({ timeout: REQUEST_TIMEOUT_MS });
    }

    override request<TData>(options: RequestClient.RequestOptions<TData>) {
      const uri = options.uri.startsWith(TWILIO_API)
        ? this.baseUrl + options.uri.slice(TWILIO_API.length)
        : options.uri;
      return super.request<TData>({ ...options, uri });
    }
  }
  return twilio(settings.accountSid, settings.authToken, {
    ...(settings.apiBaseUrl ? { httpClient: new RedirectingRequestClient(settings.apiBaseUrl) } : {}),
    timeout: REQUEST_TIMEOUT_MS,
  });
}

export function createTwilioApi(settings: TwilioSettings): TwilioApi {
  let loaded: Promise<Twilio> | undefined;
  const attempt = async <T>(action: string, call: (client: Twilio) => Promise<T>): Promise<T> => {
    loaded ??= loadClient(settings);
    const client = await loaded;
    try {
      return await call(client);
    } catch (error) {
      throw toAppError(error, action);
    }
  };
  return {
    sendMessage: (input) =>
      attempt(
        input.to.startsWith("whatsapp:") ? "send the WhatsApp message" : "send the SMS",
        async (client) => {
          const { contentSid, contentVariables, mediaUrl, body, ...rest } = input;
          const message = await client.messages.create({
            ...rest,
            // With a content template Twilio takes the words from it; a body would be refused.
            ...(contentSid
              ? {
                  contentSid,
                  ...(contentVariables ? { contentVariables: JSON.stringify(contentVariables) } : {}),
                }
              : { body }),
            ...(mediaUrl?.length ? { mediaUrl } : {}),
          });
          const segments = Number(message.numSegments);
          return {
            sid: message.sid,
            status: message.status,
            numSegments: Number.isFinite(segments) && segments > 0 ? segments : null,
          };
        },
      ),
    createCall: (input) =>
      attempt("start the call", async (client) => {
        const call = await client.calls.create({
          to: input.to,
          from: input.from,
          url: input.url,
          method: "POST",
          ...(input.timeoutSeconds !== undefined ? { timeout: input.timeoutSeconds } : {}),
          ...(input.statusCallback
            ? {
                statusCallback: input.statusCallback,
                statusCallbackMethod: "POST",
                statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
              }
            : {}),
          ...(input.machineDetection ? { machineDetection: "Enable" } : {}),
        });
        return { sid: call.sid };
      }),
    updateCall: (callSid, twiml) =>
      attempt("redirect the call", async (client) => {
        await client.calls(callSid).update({ twiml });
      }),
    setRecording: (callSid, status) =>
      attempt(status === "paused" ? "pause the recording" : "resume the recording", async (client) => {
        await client
          .calls(callSid)
          .recordings("Twilio.CURRENT")
          .update({ status, ...(status === "paused" ? { pauseBehavior: "skip" } : {}) });
      }),
  };
}
