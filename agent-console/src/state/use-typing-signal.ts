/**
 * Tells the customer the agent is typing: one `isTyping: true` when typing starts, `false` after
 * a pause or on send, rather than an event per keystroke.
 */
import { useCallback, useEffect, useRef } from "react";
import { agentSocket } from "../api/socket.ts";

const IDLE_MS = 3_000;

export function useTypingSignal(caseId: string, enabled: boolean): { typed(): void; stopped(): void } {
  const typing = useRef(false);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const stopped = useCallback(() => {
    clearTimeout(idleTimer.current);
    if (!typing.current) return;
    typing.current = false;
    agentSocket()?.volatile.emit("typing", { caseId, isTyping: false });
  }, [caseId]);

  const typed = useCallback(() => {
    if (!enabled) return;
    if (!typing.current) {
      typing.current = true;
      agentSocket()?.volatile.emit("typing", { caseId, isTyping: true });
    }
    clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopped, IDLE_MS);
  }, [caseId, enabled, stopped]);

  // Leaving the case (or turning the signal off) ends the indicator on the customer's side.
  useEffect(() => stopped, [stopped]);
  useEffect(() => {
    if (!enabled) stopped();
  }, [enabled, stopped]);

  return { typed, stopped };
}
