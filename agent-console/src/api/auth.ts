/** Signing in and out. The token goes to the session store; the socket follows the store. */
import { useSession } from "../state/session-store.ts";
import { api } from "./client.ts";
import type { LoginResponse } from "./types.ts";

export async function signIn(email: string, password: string): Promise<void> {
  const session = await api.post<LoginResponse>("/api/auth/login", { email, password });
  useSession.getState().signedIn(session.token, session.agent);
}

export async function signOut(): Promise<void> {
  try {
    await api.post<null>("/api/auth/logout");
  } catch {
    // Already expired or unreachable: forgetting the token locally is what matters.
  }
  useSession.getState().clear();
}
