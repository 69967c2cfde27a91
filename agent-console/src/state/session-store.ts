/**
 * Who is signed in. The bearer token lives in memory and in sessionStorage, so a reload keeps the
 * session but closing the tab ends it; the server's HttpOnly cookie is never read by script.
 */
import { create } from "zustand";
import type { Agent } from "../api/types.ts";

const STORAGE_KEY = "switchboard.token";

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

interface SessionState {
  token: string | null;
  /** Filled by sign-in, then replaced by GET /api/me (which adds presence). */
  agent: Pick<Agent, "id" | "email" | "name" | "role"> | null;
  signedIn(token: string, agent: SessionState["agent"]): void;
  /** Forgets the session locally: after sign-out, or when the server answers 401. */
  clear(): void;
}

export const useSession = create<SessionState>((set) => ({
  token: storedToken(),
  agent: null,
  signedIn(token, agent) {
    try {
      sessionStorage.setItem(STORAGE_KEY, token);
    } catch {
      // Private mode without storage: the session lasts until reload.
    }
    set({ token, agent });
  },
  clear() {
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Nothing stored.
    }
    set({ token: null, agent: null });
  },
}));
