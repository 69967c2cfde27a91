/**
 * Single sign-on on the sign-in page: the button that starts it (when an admin or the environment
 * has set it up), and the reason a refused single sign-on came back with, in words.
 */
import { Button, Divider } from "@mantine/core";
import { useEffect, useState } from "react";
import { api } from "../api/client.ts";

/** The sign-in page's own copy of the reasons the callback gives (server/auth/sso/sso-accounts.ts). */
function refusalText(reason: string, email: string | null): string {
  const account = email ? `the Switchboard account for ${email}` : "your Switchboard account";
  switch (reason) {
    case "no_account":
      return `No Switchboard account for ${email ?? "you"}; ask an admin to invite you.`;
    case "deactivated":
      return `${capitalise(account)} is deactivated; ask an admin if you still need it.`;
    case "email_unverified":
      return `Your identity provider has not verified ${email ?? "your email address"}, so it cannot be matched to a Switchboard account. Verify it there, or ask an admin.`;
    case "linked_elsewhere":
      return `${capitalise(account)} is linked to another person at your identity provider; ask an admin.`;
    case "provider_refused":
      return "The sign-in was cancelled or refused at your identity provider.";
    case "unavailable":
      return "Your identity provider could not be reached. Try again in a moment, or sign in with your password.";
    case "not_configured":
      return "Single sign-on is not set up here; sign in with your email and password.";
    default:
      return "Single sign-on did not complete; try again.";
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The refusal in the address bar, read once when the page opens; the address is cleaned so a reload
 * does not show it again.
 */
let taken: string | null | undefined;

export function takeSsoRefusal(): string | null {
  // Read once per page load: a second render (React's strict mode) finds the address cleaned.
  if (taken !== undefined) return taken;
  taken = readSsoRefusal();
  return taken;
}

function readSsoRefusal(): string | null {
  const params = new URLSearchParams(window.location.search);
  const reason = params.get("sso_error");
  if (!reason) return null;
  const email = params.get("sso_email");
  params.delete("sso_error");
  params.delete("sso_email");
  const rest = params.toString();
  window.history.replaceState(null, "", `${window.location.pathname}${rest ? `?${rest}` : ""}`);
  return refusalText(reason, email);
}

type SsoInfo = { enabled: boolean; label: string | null };

export function SsoButton() {
  // Asked with a plain request, not the query cache: the console clears that cache on sign-out,
  // which is exactly when this page opens.
  const [info, setInfo] = useState<SsoInfo | null>(null);
  useEffect(() => {
    let live = true;
    api
      .get<SsoInfo>("/api/auth/oidc")
      .then((answer) => live && setInfo(answer))
      .catch(() => {
        // Without the answer the page offers the password form alone.
      });
    return () => {
      live = false;
    };
  }, []);
  if (!info?.enabled) return null;
  return (
    <>
      <Divider label="or" labelPosition="center" />
      {/* A plain link: the server redirects to the provider, and the provider back to the console. */}
      <Button component="a" href="/api/auth/oidc/start" variant="default" fullWidth>
        {info.label ?? "Sign in with single sign-on"}
      </Button>
    </>
  );
}
