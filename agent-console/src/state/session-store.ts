/**
 * Who is signed in: the agent and when the session ends, never the token. The session itself is
 * the server's HttpOnly cookie, which no script can read; every tab of this browser shares it, so
 * a reload or a second tab asks the server who is signed in and opens straight into the console.
 */
import { create } from "zustand";
import type { SessionAnswer } from "../api/types.ts";
import { setViewerZone } from "../lib/viewer-zone.ts";

export type SessionStatus = "checking" | "signedIn" | "signedOut";

interface SessionState {
  /** `checking` until the server has said whether this browser's cookie is a live session. */
  status: SessionStatus;
  /** Filled by sign-in or GET /api/auth/session; GET /api/me adds presence. */
  agent: SessionAnswer["agent"] | null;
  expiresAt: string | null;
  signedIn(session: SessionAnswer): void;
  /** The agent chose another zone for their times (null: the browser's); every page follows. */
  timeZoneChanged(timeZone: string | null): void;
  /** Forgets the session locally: after sign-out, or when the server answers 401. */
  clear(): void;
}

export const useSession = create<SessionState>((set) => ({
  status: "checking",
  agent: null,
  expiresAt: null,
  signedIn(session) {
    setViewerZone(session.agent.timeZone);
    set({ status: "signedIn", agent: session.agent, expiresAt: session.expiresAt });
  },
  timeZoneChanged(timeZone) {
    setViewerZone(timeZone);
    set((state) => (state.agent ? { agent: { ...state.agent, timeZone } } : {}));
  },
  clear() {
    setViewerZone(null);
    set({ status: "signedOut", agent: null, expiresAt: null });
  },
}));

/** The signed-in agent's id, or null: what the socket, the softphone and the queries follow. */
export const signedInAgentId = (state: SessionState) => state.agent?.id ?? null;
