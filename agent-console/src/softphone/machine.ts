/**
 * The softphone's state as plain data: whether the browser line can take calls, and the call on it
 * from ringing to wrap-up. Everything here is a pure function of the previous state and an event,
 * so the transitions are testable without a browser or the Twilio SDK.
 */

/** The line: can this browser take and place calls right now. */
export type LineState =
  /** Asking the server for a token. */
  | { status: "loading" }
  /** The server has no browser calling; `reason` is its explanation. */
  | { status: "unconfigured"; reason: string }
  /** Registering with Twilio. */
  | { status: "connecting" }
  /** Registered: incoming calls ring here. */
  | { status: "ready" }
  /** Not registered; `reason` says why, in words a person can act on. */
  | { status: "offline"; reason: string };

export interface CallInfo {
  direction: "incoming" | "outgoing";
  /** The case the call belongs to (the `caseId` custom parameter), when there is one. */
  caseId: string | null;
  /** The other party's number or client name as Twilio gives it. */
  remote: string | null;
  /** An outbound campaign call: Twilio rings the agent first, then dials the record's number. */
  campaign: boolean;
}

export interface WrapUp {
  seconds: number;
  /** Whether the time is the case's queue setting or the console's default. */
  source: "queue" | "default";
}

export type CallState =
  | { phase: "idle" }
  | { phase: "ringing"; call: CallInfo; since: number }
  | { phase: "dialing"; call: CallInfo; since: number }
  | {
      phase: "active";
      call: CallInfo;
      answeredAt: number;
      muted: boolean;
      recordingPaused: boolean;
    }
  /**
   * The caller is parked with music on the server (a customer's call to us only); the browser leg
   * has ended, and resuming rings this browser again for the same case, answered at once.
   */
  | { phase: "held"; call: CallInfo; answeredAt: number; heldAt: number }
  | { phase: "wrap-up"; call: CallInfo; endedAt: number; endsAt: number; wrapUp: WrapUp };

export interface Notice {
  kind: "microphone" | "unreachable" | "token" | "call" | "other";
  message: string;
}

export interface SoftphoneState {
  line: LineState;
  call: CallState;
  /** Wrap-up time for the current call, once known (looked up from its case's queue). */
  wrapUp: WrapUp | null;
  /** The last problem worth telling the agent about, until dismissed or resolved. */
  notice: Notice | null;
}

export type SoftphoneEvent =
  | { type: "token-requested" }
  | { type: "token-refused"; reason: string }
  | { type: "registering" }
  | { type: "registered" }
  | { type: "unreachable"; reason: string }
  | { type: "incoming"; call: CallInfo; at: number }
  | { type: "dialing"; call: CallInfo; at: number }
  | { type: "accepted"; at: number }
  | { type: "muted"; muted: boolean }
  | { type: "recording"; paused: boolean }
  | { type: "wrap-up-known"; wrapUp: WrapUp }
  /** The agent put the caller on hold (shown at once; `hold-failed` undoes it). */
  | { type: "held"; at: number }
  | { type: "hold-failed" }
  /** The call ended: hung up by either side, rejected, cancelled or failed. */
  | { type: "ended"; at: number }
  | { type: "tick"; at: number }
  | { type: "wrap-up-finished" }
  | { type: "notice"; notice: Notice }
  | { type: "dismiss-notice" }
  | { type: "reset" };

/** Used when the case has no queue, the queue sets no wrap-up time, or the lookup failed. */
export const DEFAULT_WRAP_UP: WrapUp = { seconds: 30, source: "default" };

export const initialSoftphoneState: SoftphoneState = {
  line: { status: "loading" },
  call: { phase: "idle" },
  wrapUp: null,
  notice: null,
};

/** The one word the header shows. */
export type DisplayStatus =
  | "loading"
  | "unconfigured"
  | "connecting"
  | "offline"
  | "ready"
  | "ringing"
  | "dialing"
  | "on-call"
  | "on-hold"
  | "wrap-up";

export function displayStatus(state: SoftphoneState): DisplayStatus {
  switch (state.call.phase) {
    case "ringing":
      return "ringing";
    case "dialing":
      return "dialing";
    case "active":
      return "on-call";
    case "held":
      return "on-hold";
    case "wrap-up":
      return "wrap-up";
    default:
      return state.line.status;
  }
}

/** Whether a new call may start: nothing ringing or connected (wrap-up may be cut short by one). */
export function lineFree(state: SoftphoneState): boolean {
  return state.call.phase === "idle" || state.call.phase === "wrap-up";
}

/** A call ringing this browser for the case whose caller is on hold: the caller coming back. */
export function isResuming(state: SoftphoneState, caseId: string | null): boolean {
  return state.call.phase === "held" && caseId !== null && state.call.call.caseId === caseId;
}

function startWrapUp(state: SoftphoneState, call: CallInfo, at: number): SoftphoneState {
  const wrapUp = state.wrapUp ?? DEFAULT_WRAP_UP;
  if (wrapUp.seconds <= 0) return { ...state, call: { phase: "idle" }, wrapUp: null };
  return {
    ...state,
    call: { phase: "wrap-up", call, endedAt: at, endsAt: at + wrapUp.seconds * 1000, wrapUp },
  };
}

const idle = (state: SoftphoneState): SoftphoneState => ({ ...state, call: { phase: "idle" }, wrapUp: null });

/** How one kind of event changes the state, given that event. */
type Handlers = {
  [Type in SoftphoneEvent["type"]]: (
    state: SoftphoneState,
    event: Extract<SoftphoneEvent, { type: Type }>,
  ) => SoftphoneState;
};

/** A call starting: ringing here or dialing out, on a free line (or the held caller coming back). */
function callStarting(
  state: SoftphoneState,
  event: Extract<SoftphoneEvent, { type: "incoming" | "dialing" }>,
) {
  if (event.type === "incoming" && isResuming(state, event.call.caseId))
    return { ...state, call: { phase: "ringing" as const, call: event.call, since: event.at } };
  if (!lineFree(state)) return state;
  return {
    ...state,
    call: {
      phase: event.type === "incoming" ? ("ringing" as const) : ("dialing" as const),
      call: event.call,
      since: event.at,
    },
    wrapUp: null,
    notice: state.notice?.kind === "call" ? null : state.notice,
  };
}

/** The line's events: token, registration, reachability. */
const lineHandlers: Pick<
  Handlers,
  "token-requested" | "token-refused" | "registering" | "registered" | "unreachable"
> = {
  "token-requested": (state) =>
    state.line.status === "ready" ? state : { ...state, line: { status: "loading" } },
  "token-refused": (state, event) => ({ ...state, line: { status: "unconfigured", reason: event.reason } }),
  // A token refresh re-registers a ready line; it stays usable meanwhile.
  registering: (state) =>
    state.line.status === "ready" ? state : { ...state, line: { status: "connecting" } },
  registered: (state) => ({
    ...state,
    line: { status: "ready" },
    notice: state.notice?.kind === "unreachable" ? null : state.notice,
  }),
  unreachable: (state, event) =>
    // The SDK reports every failed reconnection attempt; only the first changes anything.
    state.line.status === "offline" && state.line.reason === event.reason
      ? state
      : { ...state, line: { status: "offline", reason: event.reason } },
};

/** A connected call's events: answered, muted, recording paused, held and back. */
const connectedHandlers: Pick<Handlers, "accepted" | "muted" | "recording" | "held" | "hold-failed"> = {
  accepted: (state, event) =>
    state.call.phase !== "ringing" && state.call.phase !== "dialing"
      ? state
      : {
          ...state,
          call: {
            phase: "active",
            call: state.call.call,
            answeredAt: event.at,
            muted: false,
            recordingPaused: false,
          },
        },
  muted: (state, event) =>
    state.call.phase === "active" ? { ...state, call: { ...state.call, muted: event.muted } } : state,
  recording: (state, event) =>
    state.call.phase === "active"
      ? { ...state, call: { ...state.call, recordingPaused: event.paused } }
      : state,
  held: (state, event) =>
    state.call.phase === "active"
      ? {
          ...state,
          call: { phase: "held", call: state.call.call, answeredAt: state.call.answeredAt, heldAt: event.at },
        }
      : state,
  "hold-failed": (state) =>
    state.call.phase === "held"
      ? {
          ...state,
          call: {
            phase: "active",
            call: state.call.call,
            answeredAt: state.call.answeredAt,
            muted: false,
            recordingPaused: false,
          },
        }
      : state,
};

/** A call's end and its wrap-up. */
const endingHandlers: Pick<Handlers, "wrap-up-known" | "ended" | "tick" | "wrap-up-finished"> = {
  "wrap-up-known": (state, event) => {
    if (state.call.phase === "wrap-up")
      return startWrapUp({ ...state, wrapUp: event.wrapUp }, state.call.call, state.call.endedAt);
    if (state.call.phase === "idle") return state;
    return { ...state, wrapUp: event.wrapUp };
  },
  ended: (state, event) => {
    // The browser leg ends when the caller is parked: the call goes on, held.
    if (state.call.phase === "held") return state;
    if (state.call.phase === "active") return startWrapUp(state, state.call.call, event.at);
    // Never connected (rejected, missed, cancelled, failed): nothing to wrap up.
    if (state.call.phase === "ringing" || state.call.phase === "dialing") return idle(state);
    return state;
  },
  tick: (state, event) =>
    state.call.phase === "wrap-up" && event.at >= state.call.endsAt ? idle(state) : state,
  "wrap-up-finished": (state) => (state.call.phase === "wrap-up" ? idle(state) : state),
};

const handlers: Handlers = {
  ...lineHandlers,
  incoming: callStarting,
  dialing: callStarting,
  ...connectedHandlers,
  ...endingHandlers,
  notice: (state, event) => ({ ...state, notice: event.notice }),
  "dismiss-notice": (state) => ({ ...state, notice: null }),
  reset: () => initialSoftphoneState,
};

export function softphoneReducer(state: SoftphoneState, event: SoftphoneEvent): SoftphoneState {
  // One handler per event type; the cast only restates that `event` is the handler's own type.
  return (handlers[event.type] as (state: SoftphoneState, event: SoftphoneEvent) => SoftphoneState)(
    state,
    event,
  );
}
