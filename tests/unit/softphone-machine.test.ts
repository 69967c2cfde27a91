/** The softphone's states: the line coming up or failing, a call from ringing to wrap-up, and what is ignored. */
import { describe, expect, it } from "vitest";
import {
  type CallInfo,
  DEFAULT_WRAP_UP,
  displayStatus,
  initialSoftphoneState,
  lineFree,
  type SoftphoneEvent,
  type SoftphoneState,
  softphoneReducer,
} from "../../agent-console/src/softphone/machine.ts";

const run = (events: SoftphoneEvent[], from: SoftphoneState = initialSoftphoneState) =>
  events.reduce(softphoneReducer, from);

const incoming: CallInfo = {
  direction: "incoming",
  caseId: "case-1",
  remote: "+14155550123",
  campaign: false,
};
const ready = run([{ type: "registering" }, { type: "registered" }]);
const T0 = 1_000_000;

describe("softphone line", () => {
  it("starts loading and is ready once registered", () => {
    expect(displayStatus(initialSoftphoneState)).toBe("loading");
    expect(displayStatus(run([{ type: "registering" }]))).toBe("connecting");
    expect(displayStatus(ready)).toBe("ready");
  });

  it("explains when the server has no browser calling", () => {
    const state = run([{ type: "token-refused", reason: "Browser calling is not configured" }]);
    expect(state.line).toEqual({ status: "unconfigured", reason: "Browser calling is not configured" });
    expect(displayStatus(state)).toBe("unconfigured");
  });

  it("goes offline when Twilio cannot be reached and recovers when it registers later", () => {
    const offline = run([{ type: "registering" }, { type: "unreachable", reason: "cannot reach Twilio" }]);
    expect(offline.line).toEqual({ status: "offline", reason: "cannot reach Twilio" });
    expect(run([{ type: "unreachable", reason: "cannot reach Twilio" }], offline)).toBe(offline);
    const noticed = run([{ type: "notice", notice: { kind: "unreachable", message: "x" } }], offline);
    expect(run([{ type: "registered" }], noticed)).toMatchObject({ line: { status: "ready" }, notice: null });
  });

  it("stays ready while a token refresh re-registers", () => {
    expect(run([{ type: "registering" }, { type: "token-requested" }], ready).line.status).toBe("ready");
  });
});

describe("softphone call", () => {
  it("rings, is answered, muted, and wraps up for the queue's time after hang-up", () => {
    let state = run([{ type: "incoming", call: incoming, at: T0 }], ready);
    expect(displayStatus(state)).toBe("ringing");
    expect(lineFree(state)).toBe(false);
    state = run(
      [
        { type: "wrap-up-known", wrapUp: { seconds: 45, source: "queue" } },
        { type: "accepted", at: T0 + 5_000 },
        { type: "muted", muted: true },
        { type: "recording", paused: true },
      ],
      state,
    );
    expect(state.call).toEqual({
      phase: "active",
      call: incoming,
      answeredAt: T0 + 5_000,
      muted: true,
      recordingPaused: true,
    });
    expect(displayStatus(state)).toBe("on-call");
    state = run([{ type: "ended", at: T0 + 65_000 }], state);
    expect(state.call).toEqual({
      phase: "wrap-up",
      call: incoming,
      endedAt: T0 + 65_000,
      endsAt: T0 + 110_000,
      wrapUp: { seconds: 45, source: "queue" },
    });
    expect(lineFree(state)).toBe(true);
    expect(run([{ type: "tick", at: T0 + 109_999 }], state).call.phase).toBe("wrap-up");
    const done = run([{ type: "tick", at: T0 + 110_000 }], state);
    expect(done.call).toEqual({ phase: "idle" });
    expect(displayStatus(done)).toBe("ready");
  });

  it("uses the default wrap-up when the queue's time is not known", () => {
    const state = run(
      [
        { type: "dialing", call: { ...incoming, direction: "outgoing" }, at: T0 },
        { type: "accepted", at: T0 },
        { type: "ended", at: T0 + 10_000 },
      ],
      ready,
    );
    expect(state.call).toMatchObject({ phase: "wrap-up", wrapUp: DEFAULT_WRAP_UP, endsAt: T0 + 40_000 });
  });

  it("restarts the countdown when the queue's time arrives after hang-up", () => {
    const wrapping = run(
      [
        { type: "incoming", call: incoming, at: T0 },
        { type: "accepted", at: T0 },
        { type: "ended", at: T0 + 1_000 },
        { type: "wrap-up-known", wrapUp: { seconds: 10, source: "queue" } },
      ],
      ready,
    );
    expect(wrapping.call).toMatchObject({ phase: "wrap-up", endsAt: T0 + 11_000 });
  });

  it("skips wrap-up for a call that was never answered", () => {
    const outgoing: CallInfo = { ...incoming, direction: "outgoing" };
    const rejected = run(
      [
        { type: "incoming", call: incoming, at: T0 },
        { type: "ended", at: T0 + 1 },
      ],
      ready,
    );
    expect(rejected.call).toEqual({ phase: "idle" });
    const failed = run(
      [
        { type: "dialing", call: outgoing, at: T0 },
        { type: "ended", at: T0 + 1 },
      ],
      ready,
    );
    expect(failed.call).toEqual({ phase: "idle" });
  });

  it("lets the agent end wrap-up early, and a new call cut it short", () => {
    const wrapping = run(
      [
        { type: "incoming", call: incoming, at: T0 },
        { type: "accepted", at: T0 },
        { type: "ended", at: T0 },
      ],
      ready,
    );
    expect(run([{ type: "wrap-up-finished" }], wrapping).call).toEqual({ phase: "idle" });
    const next = run([{ type: "incoming", call: { ...incoming, caseId: "case-2" }, at: T0 + 2 }], wrapping);
    expect(next.call).toMatchObject({ phase: "ringing", call: { caseId: "case-2" } });
    expect(next.wrapUp).toBeNull();
  });

  it("ignores a second call while one rings or is connected, and stray events when idle", () => {
    const ringing = run([{ type: "incoming", call: incoming, at: T0 }], ready);
    expect(run([{ type: "incoming", call: { ...incoming, caseId: "other" }, at: T0 + 1 }], ringing)).toBe(
      ringing,
    );
    for (const event of [
      { type: "accepted", at: T0 },
      { type: "muted", muted: true },
      { type: "ended", at: T0 },
      { type: "tick", at: T0 },
      { type: "wrap-up-known", wrapUp: DEFAULT_WRAP_UP },
    ] satisfies SoftphoneEvent[])
      expect(softphoneReducer(ready, event), event.type).toBe(ready);
  });

  it("keeps a notice until dismissed, and reset forgets everything", () => {
    const noticed = run(
      [
        { type: "notice", notice: { kind: "microphone", message: "Microphone blocked" } },
        { type: "registered" },
      ],
      ready,
    );
    expect(noticed.notice?.kind).toBe("microphone");
    expect(run([{ type: "dismiss-notice" }], noticed).notice).toBeNull();
    expect(run([{ type: "reset" }], noticed)).toEqual(initialSoftphoneState);
  });
});

describe("softphone hold", () => {
  const onCall = run(
    [
      { type: "incoming", call: incoming, at: T0 },
      { type: "accepted", at: T0 + 1000 },
    ],
    ready,
  );

  it("keeps the call held when the browser leg ends, and takes the same case's call back", () => {
    const held = run(
      [
        { type: "held", at: T0 + 5000 },
        { type: "ended", at: T0 + 5100 },
      ],
      onCall,
    );
    expect(held.call).toMatchObject({ phase: "held", heldAt: T0 + 5000, answeredAt: T0 + 1000 });
    expect(displayStatus(held)).toBe("on-hold");
    expect(lineFree(held)).toBe(false);
    // Another case's call does not take the line from the held caller.
    const other = run([{ type: "incoming", call: { ...incoming, caseId: "case-2" }, at: T0 + 6000 }], held);
    expect(other.call.phase).toBe("held");
    const back = run(
      [
        { type: "incoming", call: incoming, at: T0 + 9000 },
        { type: "accepted", at: T0 + 9500 },
      ],
      held,
    );
    expect(back.call).toMatchObject({ phase: "active", call: { caseId: "case-1" } });
  });

  it("returns to the call when the server refuses the hold", () => {
    const state = run([{ type: "held", at: T0 + 5000 }, { type: "hold-failed" }], onCall);
    expect(state.call).toMatchObject({ phase: "active", answeredAt: T0 + 1000 });
  });
});
