/**
 * Signing in and out. The server keeps the session in an HttpOnly cookie that every tab of this
 * browser shares; the console keeps only who signed in, and the socket follows that.
 */
import { useSession } from "../state/session-store.ts";
import { ApiError, api } from "./client.ts";
import type { ChallengeAnswer, LoginChallenge, LoginResponse, SessionAnswer } from "./types.ts";

/** Tells the browser's other tabs that the shared cookie changed hands. Carries no token. */
const tabs = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("switchboard.session");

type TabMessage = { type: "signedIn"; agentId: string } | { type: "signedOut" };

/**
 * Signs in with the password. When a second factor is due the answer is the challenge for the next
 * step (a code, or enrolment), and nobody is signed in yet.
 */
export async function signIn(email: string, password: string): Promise<LoginChallenge | null> {
  const answer = await api.post<LoginResponse | ChallengeAnswer>("/api/auth/login", { email, password });
  if ("challenge" in answer) return answer.challenge;
  completeSignIn(answer);
  return null;
}

/**
 * Chooses a password with a one-time link (an invitation or a reset) and signs in, or answers the
 * second-factor challenge the account needs, as a sign-in with the password does.
 */
export async function setPasswordWithLink(token: string, password: string): Promise<LoginChallenge | null> {
  const answer = await api.post<LoginResponse | ChallengeAnswer>("/api/auth/password/set", {
    token,
    password,
  });
  if ("challenge" in answer) return answer.challenge;
  completeSignIn(answer);
  return null;
}

/** Who a one-time password link is for; an ApiError saying to ask for a new one when it cannot be used. */
export function describePasswordLink(token: string) {
  return api.get<{ name: string; email: string; purpose: "invite" | "reset"; expiresAt: string }>(
    `/api/auth/password/token?token=${encodeURIComponent(token)}`,
  );
}

/** Asks for a reset link; the answer says the same whether or not the address has an account. */
export async function requestPasswordReset(email: string): Promise<string> {
  return (await api.post<{ message: string }>("/api/auth/password/reset", { email })).message;
}

/** Completes a challenged sign-in with a code from the authenticator app or a recovery code. */
export async function signInWithCode(challengeToken: string, code: string): Promise<void> {
  completeSignIn(await api.post<LoginResponse>("/api/auth/login/2fa", { challengeToken, code }));
}

/**
 * Enters the console with a session the server has set as the cookie. The answer's token is for
 * API clients; the console leaves it to the cookie.
 */
export function completeSignIn({ agent, expiresAt }: SessionAnswer): void {
  useSession.getState().signedIn({ agent, expiresAt });
  tabs?.postMessage({ type: "signedIn", agentId: agent.id } satisfies TabMessage);
}

/**
 * Asks the server whether this browser's cookie is a live session: on start, so a reload or a
 * second tab opens signed in. A 401 means the sign-in page.
 */
export async function resumeSession(): Promise<void> {
  try {
    useSession.getState().signedIn(await api.get<SessionAnswer>("/api/auth/session"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) useSession.getState().clear();
    else throw error;
  }
}

export async function signOut(): Promise<void> {
  try {
    await api.post<null>("/api/auth/logout");
  } catch {
    // Already expired or unreachable: forgetting the session locally is what matters.
  }
  useSession.getState().clear();
  tabs?.postMessage({ type: "signedOut" } satisfies TabMessage);
}

/**
 * Keeps this tab on the cookie's session when another tab signs out or signs in as someone else:
 * otherwise this tab would show one agent while its requests carry another's cookie.
 */
export function followOtherTabs(): () => void {
  if (!tabs) return () => undefined;
  const listener = (event: MessageEvent<TabMessage>) => {
    const session = useSession.getState();
    if (event.data.type === "signedIn" && session.agent?.id === event.data.agentId) return;
    // Through the sign-in page, so nothing of the previous agent's stays on screen or in caches.
    session.clear();
    if (event.data.type === "signedIn") void resumeSession().catch(() => undefined);
  };
  tabs.addEventListener("message", listener);
  return () => tabs.removeEventListener("message", listener);
}
