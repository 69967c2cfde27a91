/**
 * The browser line: a Twilio Voice SDK Device registered as this agent, its calls, and the token
 * that keeps it signed in. The SDK is loaded on first use, so the console's main bundle does not
 * carry it. One line per tab for the whole session; every change is reported to the store as a
 * machine event.
 */
import type { Call, Device } from "@twilio/voice-sdk";
import { ApiError, errorMessage } from "../api/client.ts";
import { signedInAgentId, useSession } from "../state/session-store.ts";
import {
  fetchVoiceToken,
  setCaseHold,
  setCaseRecording,
  startCaseCall,
  type VoiceToken,
  wrapUpOfCase,
} from "./api.ts";
import { describeSoftphoneError, isLineError, UNREACHABLE_MESSAGE } from "./errors.ts";
import { type CallInfo, isResuming, lineFree } from "./machine.ts";
import { dispatch, softphoneState, useSoftphoneStore } from "./store.ts";
import { REGISTER_TIMEOUT_MS, retryDelay, sdkRefreshLead, tokenRefreshDelay } from "./timing.ts";

let device: Device | null = null;
let current: Call | null = null;
/** Bumped by every start and stop, so late answers of an earlier start are ignored. */
let generation = 0;
let tokenFailures = 0;
let refreshing: Promise<void> | null = null;
type Timer = ReturnType<typeof setTimeout> | undefined;
const timers: { refresh: Timer; register: Timer; wrapUp: Timer } = {
  refresh: undefined,
  register: undefined,
  wrapUp: undefined,
};
let unsubscribe: (() => void) | null = null;
let permission: PermissionStatus | null = null;

function clearTimer(name: keyof typeof timers): void {
  clearTimeout(timers[name]);
  timers[name] = undefined;
}

function isRefused(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 409;
}

/** Reports a device or call error: line errors change the line, the rest become a notice. */
function report(error: unknown): void {
  const notice = describeSoftphoneError(error);
  if (isLineError(notice)) {
    if (device?.state !== "registered" || notice.kind === "token")
      dispatch({ type: "unreachable", reason: notice.message });
    return;
  }
  dispatch({ type: "notice", notice });
}

function scheduleRefresh(gen: number, delayMs: number): void {
  clearTimer("refresh");
  timers.refresh = setTimeout(() => {
    if (gen === generation) void refreshToken(gen);
  }, delayMs);
}

/** Fetches a new token and hands it to the Device; on failure tries again with backoff. */
function refreshToken(gen: number): Promise<void> {
  refreshing ??= (async () => {
    try {
      const token = await fetchVoiceToken();
      if (gen !== generation) return;
      tokenFailures = 0;
      device?.updateToken(token.token);
      scheduleRefresh(gen, tokenRefreshDelay(Date.parse(token.expiresAt), Date.now()));
    } catch (error) {
      if (gen !== generation) return;
      if (isRefused(error)) {
        // Browser calling was switched off on the server.
        teardown();
        dispatch({ type: "token-refused", reason: error.message });
        return;
      }
      tokenFailures += 1;
      scheduleRefresh(gen, retryDelay(tokenFailures));
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function lookUpWrapUp(caseId: string | null): Promise<void> {
  const wrapUp = await wrapUpOfCase(caseId);
  const call = softphoneState().call;
  if (call.phase !== "idle" && call.call.caseId === caseId) dispatch({ type: "wrap-up-known", wrapUp });
}

function attach(call: Call): void {
  current = call;
  const ended = () => {
    if (current !== call) return;
    current = null;
    dispatch({ type: "ended", at: Date.now() });
  };
  call.on("accept", () => dispatch({ type: "accepted", at: Date.now() }));
  call.on("mute", (muted: boolean) => dispatch({ type: "muted", muted }));
  call.on("disconnect", ended);
  call.on("cancel", ended);
  call.on("reject", ended);
  call.on("error", (error: unknown) => {
    const notice = describeSoftphoneError(error);
    dispatch({
      type: "notice",
      notice: notice.kind === "unreachable" ? { ...notice, kind: "call" } : notice,
    });
  });
}

function onIncoming(call: Call): void {
  const caseId = call.customParameters.get("caseId") ?? null;
  const resuming = isResuming(softphoneState(), caseId);
  if (current || (!lineFree(softphoneState()) && !resuming)) {
    call.reject();
    return;
  }
  const info: CallInfo = {
    direction: "incoming",
    caseId,
    remote: call.parameters.From ?? null,
    // Campaign calls ring the agent first and carry no case.
    campaign: !caseId,
  };
  attach(call);
  dispatch({ type: "incoming", call: info, at: Date.now() });
  // Answered without a click: the held caller coming back to this agent, and a campaign call, whose
  // customer has already said hello (a dialer must put them through within 2 s or it is abandoned).
  if (resuming || info.campaign) call.accept();
  void lookUpWrapUp(caseId);
}

/** Tells the agent up front when the browser already blocks the microphone. */
async function watchMicrophonePermission(gen: number): Promise<void> {
  try {
    const status = await navigator.permissions.query({ name: "microphone" as PermissionName });
    if (gen !== generation) return;
    permission = status;
    const check = () => {
      if (status.state === "denied")
        dispatch({ type: "notice", notice: describeSoftphoneError({ name: "NotAllowedError" }) });
      else if (softphoneState().notice?.kind === "microphone") dispatch({ type: "dismiss-notice" });
    };
    status.onchange = check;
    check();
  } catch {
    // Browsers without the Permissions API for microphones report a denial when a call starts.
  }
}

function watchWrapUp(): () => void {
  return useSoftphoneStore.subscribe((state, previous) => {
    if (state.call === previous.call) return;
    clearTimer("wrapUp");
    if (state.call.phase !== "wrap-up") return;
    const endsAt = state.call.endsAt;
    timers.wrapUp = setTimeout(
      () => dispatch({ type: "tick", at: Math.max(Date.now(), endsAt) }),
      Math.max(0, endsAt - Date.now()),
    );
  });
}

function teardown(): void {
  for (const name of Object.keys(timers) as (keyof typeof timers)[]) clearTimer(name);
  unsubscribe?.();
  unsubscribe = null;
  if (permission) permission.onchange = null;
  permission = null;
  const old = device;
  device = null;
  current = null;
  try {
    old?.destroy();
  } catch {
    // A device that never connected has nothing to tear down.
  }
}

async function createDevice(gen: number, token: VoiceToken): Promise<void> {
  const { Device } = await import("@twilio/voice-sdk");
  if (gen !== generation) return;
  if (!Device.isSupported) {
    dispatch({ type: "unreachable", reason: "This browser cannot take calls: it has no WebRTC support." });
    return;
  }
  const expiresAt = Date.parse(token.expiresAt);
  const created = new Device(token.token, {
    closeProtection: "A call is in progress. Leaving this page hangs it up.",
    codecPreferences: ["opus", "pcmu"] as Call.Codec[],
    logLevel: "silent",
    tokenRefreshMs: sdkRefreshLead(expiresAt, Date.now()),
  });
  device = created;
  created.on("registering", () => dispatch({ type: "registering" }));
  created.on("registered", () => {
    clearTimer("register");
    dispatch({ type: "registered" });
  });
  created.on("unregistered", () => {
    if (device === created) dispatch({ type: "unreachable", reason: UNREACHABLE_MESSAGE });
  });
  created.on("error", (error: unknown) => report(error));
  created.on("incoming", onIncoming);
  created.on("tokenWillExpire", () => void refreshToken(gen));
  scheduleRefresh(gen, tokenRefreshDelay(expiresAt, Date.now()));

  dispatch({ type: "registering" });
  // Without an answer by then, say so; the SDK keeps retrying and a later registration clears it.
  timers.register = setTimeout(() => {
    if (device === created && created.state !== "registered")
      dispatch({ type: "unreachable", reason: UNREACHABLE_MESSAGE });
  }, REGISTER_TIMEOUT_MS);
  created.register().catch((error: unknown) => {
    if (device === created) report(error);
  });
}

/** Fetches a token and registers this browser as the agent's line. */
export async function startSoftphone(): Promise<void> {
  teardown();
  const gen = ++generation;
  dispatch({ type: "reset" });
  dispatch({ type: "token-requested" });
  unsubscribe = watchWrapUp();
  let token: VoiceToken;
  try {
    token = await fetchVoiceToken();
  } catch (error) {
    if (gen !== generation) return;
    if (isRefused(error)) {
      dispatch({ type: "token-refused", reason: error.message });
      return;
    }
    tokenFailures += 1;
    dispatch({
      type: "unreachable",
      reason: `Softphone offline: no calling token from the server (${errorMessage(error)})`,
    });
    timers.refresh = setTimeout(() => {
      if (gen === generation) void startSoftphone();
    }, retryDelay(tokenFailures));
    return;
  }
  if (gen !== generation) return;
  tokenFailures = 0;
  void watchMicrophonePermission(gen);
  try {
    await createDevice(gen, token);
  } catch (error) {
    if (gen !== generation) return;
    // The SDK chunk could not be loaded, or the Device refused its options.
    dispatch({ type: "unreachable", reason: `Softphone offline: ${errorMessage(error)}` });
  }
}

let sessionWatch: (() => void) | null = null;

/**
 * Starts the line once per signed-in session, however many headers ask (each page has its own, and
 * moving between pages must not drop a call); the session ending stops it.
 */
export function ensureSoftphone(): void {
  if (sessionWatch || !signedInAgentId(useSession.getState())) return;
  sessionWatch = useSession.subscribe((state, previous) => {
    if (signedInAgentId(state) !== signedInAgentId(previous)) stopSoftphone();
  });
  void startSoftphone();
}

/** Hangs up, unregisters and forgets the line. */
export function stopSoftphone(): void {
  sessionWatch?.();
  sessionWatch = null;
  generation += 1;
  current?.disconnect();
  teardown();
  dispatch({ type: "reset" });
}

export function answer(): void {
  current?.accept();
}

export function reject(): void {
  current?.reject();
}

export function hangUp(): void {
  current?.disconnect();
}

export function toggleMute(): void {
  if (current) current.mute(!current.isMuted());
}

export function finishWrapUp(): void {
  dispatch({ type: "wrap-up-finished" });
}

export function dismissNotice(): void {
  dispatch({ type: "dismiss-notice" });
}

/** Parks the caller of the current call with music, or brings them back (the server rings this browser). */
export async function setOnHold(hold: boolean): Promise<void> {
  const call = softphoneState().call;
  const caseId = call.phase === "active" || call.phase === "held" ? call.call.caseId : null;
  if (!caseId) return;
  if (hold) {
    if (call.phase !== "active") return;
    // Held before the request: the browser leg ends as soon as the server parks the caller.
    dispatch({ type: "held", at: Date.now() });
    try {
      await setCaseHold(caseId, "hold");
    } catch (error) {
      dispatch({ type: "hold-failed" });
      throw error;
    }
    return;
  }
  if (call.phase === "held") await setCaseHold(caseId, "resume");
}

/** Pauses or resumes the recording of the current call's case. */
export async function setRecordingPaused(paused: boolean): Promise<void> {
  const call = softphoneState().call;
  if (call.phase !== "active" || !call.call.caseId) return;
  const result = await setCaseRecording(call.call.caseId, paused ? "pause" : "resume");
  dispatch({ type: "recording", paused: result.recording === "paused" });
}

export type CallStart = { mode: "browser" } | { mode: "phone"; message: string };

/**
 * Calls the customer of a case: in the browser when this line is up, otherwise (no browser
 * calling on the server) Twilio rings the agent's own phone first.
 */
export async function callCase(caseId: string): Promise<CallStart> {
  const state = softphoneState();
  if (!lineFree(state)) throw new Error("Finish the current call first.");
  if (state.line.status === "offline") throw new Error(state.line.reason);
  if (state.line.status === "loading" || state.line.status === "connecting")
    throw new Error("The softphone is still connecting to Twilio. Try again in a moment.");
  const started = await startCaseCall(caseId);
  if (started.mode === "phone")
    return {
      mode: "phone",
      message: `Twilio is ringing your phone (${started.agentPhone}); answer it to be put through to ${started.to}.`,
    };
  if (!device)
    throw new Error("Browser calling is not set up in this console. Reload the page and try again.");
  dispatch({
    type: "dialing",
    call: { direction: "outgoing", caseId, remote: started.to, campaign: false },
    at: Date.now(),
  });
  void lookUpWrapUp(caseId);
  try {
    attach(await device.connect({ params: started.params }));
  } catch (error) {
    dispatch({ type: "ended", at: Date.now() });
    report(error);
    throw new Error(describeSoftphoneError(error).message);
  }
  return { mode: "browser" };
}
