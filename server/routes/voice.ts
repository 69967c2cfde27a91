/**
 * What the agent console asks of the phone channels: a token for taking and placing calls in the
 * browser, click-to-call from a case, pausing the recording while a card number is read out, and
 * the SMS segment counter under the reply box.
 */
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { AppError } from "../../cases/errors.ts";
import { countSegments } from "../../channels/sms/segments.ts";
import { assertCaseCallControl } from "../../channels/voice/call-control.ts";
import { HOLD_ACTIONS, setCallHold } from "../../channels/voice/call-hold.ts";
import { startClickToCall } from "../../channels/voice/click-to-call.ts";
import { RECORDING_ACTIONS, setCallRecording } from "../../channels/voice/recording-control.ts";
import type { VoiceDeps } from "../../channels/voice/voice-deps.ts";
import { type BrowserCallingSettings, voiceAccessToken } from "../../channels/voice/voice-token.ts";
import { currentAgent, hasRole } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import { interactionSchema } from "../http/views.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

/** The services this module uses. */
type VoiceServices = Pick<Services, "clock" | "db">;

export interface VoiceRouteOptions {
  /** Null when Twilio is not configured. */
  voice: VoiceDeps | null;
  /** Null when browser calling is not configured. */
  browserCalling: BrowserCallingSettings | null;
}

const NO_TWILIO = "Calls need Twilio: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and restart.";
const NO_BROWSER_CALLING =
  "Browser calling is not configured: set TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID (a TwiML app whose voice URL is this server's /webhooks/twilio/voice/outbound) and restart.";

const clickToCallSchema = z.discriminatedUnion("mode", [
  z
    .object({
      mode: z.literal("browser"),
      to: z.string(),
      callerId: z.string(),
      params: z.object({ To: z.string(), caseId: z.uuid() }),
    })
    .describe("Place the call with the Voice SDK: device.connect({ params })"),
  z
    .object({
      mode: z.literal("phone"),
      to: z.string(),
      callerId: z.string(),
      agentPhone: z.string(),
      callSid: z.string(),
      interaction: interactionSchema,
    })
    .describe("Twilio rings the agent's phone first, then dials the customer"),
]);

/** The voice channel, or a 409 saying how to configure Twilio. */
function requireVoice(voice: VoiceDeps | null): VoiceDeps {
  if (!voice) throw new AppError("CONFLICT", NO_TWILIO);
  return voice;
}

/** Only the case's agent, or a supervisor, controls its live call. */
function assertCallControl(
  services: VoiceServices,
  request: FastifyRequest<{ Params: { id: string } }>,
  what: string,
): Promise<void> {
  const me = currentAgent(request);
  return assertCaseCallControl(
    services.db,
    request.params.id,
    { id: me.id, isSupervisor: hasRole(me, "supervisor") },
    what,
  );
}

/** Placing calls: the browser's Voice token and click-to-call from a case. */
function callPlacingRoutes(app: ZodApp, services: VoiceServices, options: VoiceRouteOptions): void {
  const { voice, browserCalling } = options;
  app.get(
    "/api/voice/token",
    {
      config: { access: "agent" },
      schema: {
        tags: ["voice"],
        summary: "A Twilio Voice access token for taking and placing calls in the browser",
        description: "409 says what to configure when browser calling is off.",
        response: responses(
          { 200: z.object({ token: z.string(), identity: z.string(), expiresAt: isoDate }) },
          [409],
        ),
      },
    },
    async (request) => {
      if (!browserCalling)
        throw new AppError("CONFLICT", voice ? NO_BROWSER_CALLING : `${NO_TWILIO} ${NO_BROWSER_CALLING}`);
      return voiceAccessToken(browserCalling, currentAgent(request).id, services.clock());
    },
  );

  app.post(
    "/api/cases/:id/call",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["voice"],
        summary: "Call the case's customer from our number",
        description:
          "With browser calling the answer says what to pass to the Voice SDK; otherwise Twilio rings the number's fallback phone first and then the customer. The call is recorded on the case.",
        params: idParam,
        response: responses({ 201: clickToCallSchema }, [404, 409]),
      },
    },
    async (request, reply) => {
      const call = await startClickToCall(requireVoice(voice), {
        caseId: request.params.id,
        agentId: currentAgent(request).id,
      });
      return reply.code(201).send(call);
    },
  );
}

/** The live call of a case: pausing its recording, holding its caller. */
function callControlRoutes(app: ZodApp, services: VoiceServices, voice: VoiceDeps | null): void {
  app.post(
    "/api/cases/:id/call/recording",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["voice"],
        summary: "Pause or resume the recording of the case's live call",
        description:
          "Pause while the customer reads out card details; the paused part is not recorded at all.",
        params: idParam,
        body: z.object({ action: z.enum(RECORDING_ACTIONS) }),
        response: responses(
          { 200: z.object({ callSid: z.string(), recording: z.enum(["paused", "in-progress"]) }) },
          [404, 409],
        ),
      },
    },
    async (request) => {
      const deps = requireVoice(voice);
      await assertCallControl(services, request, "its call recording");
      return setCallRecording(deps, { caseId: request.params.id, action: request.body.action });
    },
  );

  app.post(
    "/api/cases/:id/call/hold",
    {
      config: { access: "agent", worksCase: true },
      schema: {
        tags: ["voice"],
        summary: "Put the caller of the case's live call on hold, or take them off it",
        description:
          "Hold parks a customer who called in with the hold music and frees the agent's line; resume rings " +
          "the case's agent again and puts the caller through. Calls the agent placed cannot be held (409).",
        params: idParam,
        body: z.object({ action: z.enum(HOLD_ACTIONS) }),
        response: responses({ 200: z.object({ callSid: z.string(), held: z.boolean() }) }, [404, 409]),
      },
    },
    async (request) => {
      const deps = requireVoice(voice);
      await assertCallControl(services, request, "its call");
      return setCallHold(deps, { caseId: request.params.id, action: request.body.action });
    },
  );
}

/** The SMS segment counter under the reply box. */
function smsSegmentRoutes(app: ZodApp): void {
  app.post(
    "/api/sms/segments",
    {
      config: { access: "agent" },
      schema: {
        tags: ["sms"],
        summary: "How many SMS segments a text costs, and room left in the last one",
        description:
          "GSM-7 texts fit 160 characters in one segment, 153 per segment when split (extension characters such as € count 2); any other character makes the text UCS-2: 70, then 67.",
        body: z.object({ body: z.string().max(20_000) }),
        response: responses({
          200: z.object({
            encoding: z.enum(["GSM-7", "UCS-2"]),
            segments: z.number().int(),
            charactersUsed: z.number().int(),
            charactersLeftInSegment: z.number().int(),
          }),
        }),
      },
    },
    async (request) => countSegments(request.body.body),
  );
}

export function voiceRoutes(app: ZodApp, services: VoiceServices, options: VoiceRouteOptions): void {
  callPlacingRoutes(app, services, options);
  callControlRoutes(app, services, options.voice);
  smsSegmentRoutes(app);
}
