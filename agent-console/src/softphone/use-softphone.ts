/** The softphone for components: its state and what can be done with it. */
import { useShallow } from "zustand/react/shallow";
import {
  answer,
  callCase,
  dismissNotice,
  finishWrapUp,
  hangUp,
  reject,
  setOnHold,
  setRecordingPaused,
  startSoftphone,
  toggleMute,
} from "./engine.ts";
import { displayStatus, lineFree } from "./machine.ts";
import { useSoftphoneStore } from "./store.ts";

const actions = {
  /** Calls the customer of a case (POST /api/cases/:id/call, then the Voice SDK in the browser). */
  call: callCase,
  answer,
  reject,
  hangUp,
  toggleMute,
  setRecordingPaused,
  /** Parks a caller who called in with music, or brings them back. */
  setOnHold,
  finishWrapUp,
  dismissNotice,
  /** Starts the line again from a fresh token. */
  retry: startSoftphone,
};

export function useSoftphone() {
  const state = useSoftphoneStore(
    useShallow((s) => ({ line: s.line, call: s.call, wrapUp: s.wrapUp, notice: s.notice })),
  );
  // `call` is the action; the call on the line is `current`.
  return {
    line: state.line,
    current: state.call,
    wrapUp: state.wrapUp,
    notice: state.notice,
    status: displayStatus(state),
    lineFree: lineFree(state),
    ...actions,
  };
}
