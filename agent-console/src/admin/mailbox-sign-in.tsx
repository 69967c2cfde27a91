/**
 * How a mailbox signs in: a password in its server URLs, or OAuth 2.0 with Microsoft 365 or Google.
 * An OAuth mailbox is connected (and reconnected after the provider refuses its grant) by opening the
 * provider's sign-in page; the provider sends the browser back here with how it ended.
 */
import { Alert, Anchor, Badge, Group, SegmentedControl, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatTime } from "../lib/format.ts";
import { send } from "./http.ts";
import type { Mailbox } from "./types.ts";

export type MailOauthProvider = "microsoft" | "google";

interface ProvidersAnswer {
  items: { provider: MailOauthProvider; label: string }[];
  redirectUri: string;
}

export function useMailOauthProviders() {
  return useQuery({
    queryKey: ["admin", "mailbox-oauth-providers"],
    queryFn: () => send<ProvidersAnswer>("GET", "/api/mailboxes/oauth/providers"),
    staleTime: 60_000,
  });
}

/** Password or one of the OAuth providers this server has an app for. */
export function SignInChoice(props: {
  value: MailOauthProvider | "password";
  onChange: (next: MailOauthProvider | "password") => void;
}) {
  const providers = useMailOauthProviders().data;
  const data = [
    { value: "password", label: "Password" },
    ...(providers?.items ?? []).map((item) => ({ value: item.provider, label: item.label })),
  ];
  return (
    <Stack gap={4}>
      <Text fz="sm" fw={500}>
        Sign in with
      </Text>
      <SegmentedControl
        data={data}
        value={props.value}
        onChange={(next) => props.onChange(next as MailOauthProvider | "password")}
        aria-label="Sign in with"
      />
      {providers && !providers.items.length ? (
        <Text fz="xs" c="dimmed">
          Microsoft 365 and Google mailboxes sign in with OAuth: set MAIL_OAUTH_MICROSOFT_* or
          MAIL_OAUTH_GOOGLE_* on the server to offer them here.
        </Text>
      ) : null}
    </Stack>
  );
}

const PROVIDER_LABEL: Record<MailOauthProvider, string> = { microsoft: "Microsoft 365", google: "Google" };

/** The mailbox list's sign-in cell: password, or the OAuth grant's state with Connect / Reconnect. */
export function MailboxSignInCell({ mailbox }: { mailbox: Mailbox }) {
  if (mailbox.fromEnv) return <Text fz="xs">Password (environment)</Text>;
  if (!mailbox.oauth) return <Text fz="xs">Password</Text>;
  const { provider, connected, connectedAt, error } = mailbox.oauth;
  const start = `/api/mailboxes/${mailbox.id}/oauth/start`;
  return (
    <Stack gap={2}>
      <Group gap={6}>
        <Text fz="xs">{PROVIDER_LABEL[provider]}</Text>
        <Badge size="xs" color={connected ? "green" : error ? "red" : "gray"} variant="light">
          {connected ? "connected" : error ? "refused" : "not connected"}
        </Badge>
      </Group>
      {error ? (
        <Text fz="xs" c="red">
          The provider refused the sign-in ({error}).
        </Text>
      ) : connected && connectedAt ? (
        <Text fz="xs" c="dimmed">
          since {formatTime(connectedAt)}
        </Text>
      ) : null}
      {connected ? null : (
        <Anchor href={start} fz="xs" fw={600}>
          {error ? "Reconnect" : `Connect with ${PROVIDER_LABEL[provider]}`}
        </Anchor>
      )}
    </Stack>
  );
}

/** What the provider's redirect back said: connected, or why not. Read once from the address. */
export function MailboxOauthResult({ mailboxes }: { mailboxes: Mailbox[] }) {
  const [params] = useState(() => new URLSearchParams(window.location.search));
  const [open, setOpen] = useState(true);
  const connected = params.get("mailboxConnected");
  const error = params.get("mailboxOauthError");
  if (!open || (!connected && !error)) return null;
  const name = mailboxes.find((mailbox) => mailbox.id === connected)?.name ?? "The mailbox";
  return (
    <Alert
      mb="md"
      color={error ? "red" : "green"}
      title={error ? "The mailbox was not connected" : `${name} is connected`}
      withCloseButton
      onClose={() => {
        setOpen(false);
        window.history.replaceState(null, "", window.location.pathname);
      }}
    >
      {error
        ? `${error} Try Connect again; if it keeps failing, check the app's redirect URI and permissions at the provider.`
        : "Mail is fetched and sent with its sign-in from now on; the first fetch starts within seconds."}
    </Alert>
  );
}
