/**
 * The softphone's line against a stand-in for the Twilio Voice SDK and the server: registering,
 * refreshing the token on time, going offline, a call from ringing to wrap-up, and click-to-call.
 * Timers are Vitest's fake ones.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../agent-console/src/api/client.ts";
import * as voiceApi from "../../agent-console/src/softphone/api.ts";
import {
  answer,
  callCase,
  ensureSoftphone,
  hangUp,
  reject,
  setRecordingPaused,
  startSoftphone,
  stopSoftphone,
  toggleMute,
} from "../../agent-console/src/softphone/engine.ts";
import { UNREACHABLE_MESSAGE } from "../../agent-console/src/softphone/errors.ts";
import { displayStatus } from "../../agent-console/src/softphone/machine.ts";
import { softphoneState } from "../../agent-console/src/softphone/store.ts";
import { useSession } from "../../agent-console/src/state/session-store.ts";

const sdk = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => void;
  class Emitter {
    private listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
      return true;
    }
  }
  class FakeCall extends Emitter {
    muted = false;
    customParameters: Map<string, string>;
    parameters: Record<string, string>;
    constructor(custom: Record<string, string>, parameters: Record<string, string> = {}) {
      super();
      this.customParameters = new Map(Object.entries(custom));
      this.parameters = parameters;
    }
    accept = () => this.emit("accept");
    reject = () => this.emit("reject");
    disconnect = () => this.emit("disconnect");
    mute(muted = true) {
      this.muted = muted;
      this.emit("mute", muted);
    }
    isMuted() {
      return this.muted;
    }
  }
  class FakeDevice extends Emitter {
    static isSupported = true;
    static created: FakeDevice[] = [];
    state = "unregistered";
    tokens: string[];
    options: Record<string, unknown>;
    connected: { params: Record<string, string> }[] = [];
    destroyed = false;
    constructor(token: string, options: Record<string, unknown>) {
      super();
      this.tokens = [token];
      this.options = options;
      FakeDevice.created.push(this);
    }
    /** Like the SDK without a network: waits until told it registered. */
    register() {
      this.state = "registering";
      return new Promise<void>(() => {});
    }
    registered() {
      this.state = "registered";
      this.emit("registered");
    }
    updateToken(token: string) {
      this.tokens.push(token);
    }
    async connect(options: { params: Record<string, string> }) {
      this.connected.push(options);
      return new FakeCall(options.params);
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return { FakeCall, FakeDevice };
});

vi.mock("@twilio/voice-sdk", () => ({ Device: sdk.FakeDevice }));
vi.mock("../../agent-console/src/softphone/api.ts", () => ({
  fetchVoiceToken: vi.fn(),
  startCaseCall: vi.fn(),
  setCaseRecording: vi.fn(),
  wrapUpOfCase: vi.fn(),
}));

const api = vi.mocked(voiceApi);
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const HOUR = 3_600_000;
const CASE_ID = "5b0f6a52-3d47-4b58-9b7e-0f1c2d3e4f50";

const token = (name: string, expiresAt: number) => ({
  token: name,
  identity: "agent-1",
  expiresAt: new Date(expiresAt).toISOString(),
});
const device = () => sdk.FakeDevice.created.at(-1)!;
/** Lets pending promises (token fetch, SDK import) settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

async function readyLine() {
  api.fetchVoiceToken.mockResolvedValueOnce(token("t1", T0 + HOUR));
  await startSoftphone();
  await settle();
  device().registered();
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  sdk.FakeDevice.created = [];
  api.wrapUpOfCase.mockResolvedValue({ seconds: 30, source: "default" });
});
afterEach(() => {
  stopSoftphone();
  vi.useRealTimers();
  vi.resetAllMocks();
});

describe("softphone line", () => {
  it("registers with the agent's token and refreshes it five minutes before it expires", async () => {
    await readyLine();
    expect(device().tokens).toEqual(["t1"]);
    expect(device().options.tokenRefreshMs).toBe(5 * 60_000);
    expect(displayStatus(softphoneState())).toBe("ready");

    api.fetchVoiceToken.mockResolvedValueOnce(token("t2", T0 + 2 * HOUR));
    await vi.advanceTimersByTimeAsync(55 * 60_000 - 1);
    expect(device().tokens).toEqual(["t1"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(device().tokens).toEqual(["t1", "t2"]);
    expect(api.fetchVoiceToken).toHaveBeenCalledTimes(2);

    // The SDK's own warning refreshes at once; a failure is retried after 5 s.
    api.fetchVoiceToken.mockRejectedValueOnce(new ApiError(503, { error: "unavailable", message: "down" }));
    api.fetchVoiceToken.mockResolvedValueOnce(token("t3", T0 + 3 * HOUR));
    device().emit("tokenWillExpire");
    await settle();
    expect(device().tokens).toEqual(["t1", "t2"]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(device().tokens).toEqual(["t1", "t2", "t3"]);
    expect(softphoneState().line.status).toBe("ready");
  });

  it("says browser calling is not configured when the server answers 409, without loading the SDK", async () => {
    const reason = "Browser calling is not configured: set TWILIO_API_KEY_SID …";
    api.fetchVoiceToken.mockRejectedValueOnce(new ApiError(409, { error: "CONFLICT", message: reason }));
    await startSoftphone();
    expect(softphoneState().line).toEqual({ status: "unconfigured", reason });
    expect(sdk.FakeDevice.created).toHaveLength(0);
  });

  it("goes offline when Twilio cannot be reached, and comes back when it registers", async () => {
    api.fetchVoiceToken.mockResolvedValueOnce(token("t1", T0 + HOUR));
    await startSoftphone();
    await settle();
    expect(softphoneState().line.status).toBe("connecting");
    device().emit("error", { code: 31005, message: "WebSocket closed" });
    expect(softphoneState().line).toEqual({ status: "offline", reason: UNREACHABLE_MESSAGE });
    device().registered();
    expect(softphoneState().line.status).toBe("ready");
  });

  it("goes offline when registering hangs for 15 s", async () => {
    api.fetchVoiceToken.mockResolvedValueOnce(token("t1", T0 + HOUR));
    await startSoftphone();
    await settle();
    await vi.advanceTimersByTimeAsync(14_999);
    expect(softphoneState().line.status).toBe("connecting");
    await vi.advanceTimersByTimeAsync(1);
    expect(softphoneState().line).toEqual({ status: "offline", reason: UNREACHABLE_MESSAGE });
  });

  it("keeps one line for the whole session, whichever page asks, and stops it on sign-out", async () => {
    ensureSoftphone();
    expect(api.fetchVoiceToken).not.toHaveBeenCalled();
    useSession.getState().signedIn({
      agent: { id: "agent-1", email: "sol@example.com", name: "Sol", role: "agent", timeZone: null },
      expiresAt: new Date(T0 + HOUR).toISOString(),
    });
    api.fetchVoiceToken.mockResolvedValue(token("t1", T0 + HOUR));
    ensureSoftphone();
    ensureSoftphone();
    await settle();
    expect(api.fetchVoiceToken).toHaveBeenCalledTimes(1);
    expect(sdk.FakeDevice.created).toHaveLength(1);
    useSession.getState().clear();
    expect(device().destroyed).toBe(true);
    expect(softphoneState().line.status).toBe("loading");
  });

  it("forgets the line on stop", async () => {
    await readyLine();
    const line = device();
    stopSoftphone();
    expect(line.destroyed).toBe(true);
    expect(softphoneState().line.status).toBe("loading");
  });
});

describe("softphone calls", () => {
  it("rings with the case, is answered, muted, recorded, hung up and wrapped up", async () => {
    await readyLine();
    api.wrapUpOfCase.mockResolvedValueOnce({ seconds: 20, source: "queue" });
    const call = new sdk.FakeCall({ caseId: CASE_ID }, { From: "+14155550123" });
    device().emit("incoming", call);
    await settle();
    expect(api.wrapUpOfCase).toHaveBeenCalledWith(CASE_ID);
    expect(softphoneState().call).toMatchObject({
      phase: "ringing",
      call: { direction: "incoming", caseId: CASE_ID, remote: "+14155550123", campaign: false },
    });

    // A second call while this one rings is turned away.
    const second = new sdk.FakeCall({ caseId: "another" });
    const rejected = vi.fn();
    second.on("reject", rejected);
    device().emit("incoming", second);
    expect(rejected).toHaveBeenCalled();

    answer();
    expect(softphoneState().call).toMatchObject({ phase: "active", answeredAt: T0, muted: false });
    toggleMute();
    expect(softphoneState().call).toMatchObject({ muted: true });
    api.setCaseRecording.mockResolvedValueOnce({ callSid: "CA1", recording: "paused" });
    await setRecordingPaused(true);
    expect(api.setCaseRecording).toHaveBeenCalledWith(CASE_ID, "pause");
    expect(softphoneState().call).toMatchObject({ recordingPaused: true });

    await vi.advanceTimersByTimeAsync(90_000);
    hangUp();
    expect(softphoneState().call).toMatchObject({ phase: "wrap-up", endsAt: T0 + 110_000 });
    await vi.advanceTimersByTimeAsync(19_999);
    expect(softphoneState().call.phase).toBe("wrap-up");
    await vi.advanceTimersByTimeAsync(1);
    expect(softphoneState().call).toEqual({ phase: "idle" });
  });

  it("answers a call without a case by itself, as a campaign call whose customer is already on the line", async () => {
    await readyLine();
    const call = new sdk.FakeCall({}, { From: "+14155550100" });
    const accepted = vi.fn();
    call.on("accept", accepted);
    device().emit("incoming", call);
    expect(accepted).toHaveBeenCalledOnce();
    expect(softphoneState().call).toMatchObject({ phase: "active", call: { caseId: null, campaign: true } });
    hangUp();
    expect(softphoneState().call.phase).not.toBe("active");
  });

  it("leaves a call with a case ringing until the agent answers, and a rejected one needs no wrap-up", async () => {
    await readyLine();
    const call = new sdk.FakeCall({ caseId: CASE_ID }, { From: "+14155550123" });
    const accepted = vi.fn();
    call.on("accept", accepted);
    device().emit("incoming", call);
    expect(softphoneState().call).toMatchObject({
      phase: "ringing",
      call: { caseId: CASE_ID, campaign: false },
    });
    expect(accepted).not.toHaveBeenCalled();
    reject();
    expect(softphoneState().call).toEqual({ phase: "idle" });
  });

  it("says the microphone is blocked when answering fails for it", async () => {
    await readyLine();
    const call = new sdk.FakeCall({ caseId: CASE_ID });
    device().emit("incoming", call);
    call.emit("disconnect");
    call.emit("error", { code: 31401, message: "Permission denied" });
    expect(softphoneState().call).toEqual({ phase: "idle" });
    expect(softphoneState().notice).toMatchObject({ kind: "microphone" });
  });

  it("calls a case's customer with the parameters the server gives", async () => {
    await readyLine();
    const params = { To: "+14155550142", caseId: CASE_ID };
    api.startCaseCall.mockResolvedValueOnce({ mode: "browser", to: params.To, callerId: "+1415", params });
    await expect(callCase(CASE_ID)).resolves.toEqual({ mode: "browser" });
    expect(api.startCaseCall).toHaveBeenCalledWith(CASE_ID);
    expect(device().connected).toEqual([{ params }]);
    expect(softphoneState().call).toMatchObject({
      phase: "dialing",
      call: { direction: "outgoing", caseId: CASE_ID, remote: params.To },
    });
    await expect(callCase(CASE_ID)).rejects.toThrow("Finish the current call first.");
  });

  it("refuses to call while offline, and passes on the phone-first mode", async () => {
    api.fetchVoiceToken.mockResolvedValueOnce(token("t1", T0 + HOUR));
    await startSoftphone();
    await settle();
    device().emit("error", { code: 31005 });
    await expect(callCase(CASE_ID)).rejects.toThrow(UNREACHABLE_MESSAGE);
    expect(api.startCaseCall).not.toHaveBeenCalled();

    stopSoftphone();
    api.fetchVoiceToken.mockRejectedValueOnce(new ApiError(409, { error: "CONFLICT", message: "off" }));
    await startSoftphone();
    api.startCaseCall.mockResolvedValueOnce({
      mode: "phone",
      to: "+14155550142",
      callerId: "+14155550100",
      agentPhone: "+14155550177",
      callSid: "CA2",
    });
    await expect(callCase(CASE_ID)).resolves.toEqual({
      mode: "phone",
      message: "Twilio is ringing your phone (+14155550177); answer it to be put through to +14155550142.",
    });
  });
});
