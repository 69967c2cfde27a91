/**
 * `/set-password?token=…`, where an invitation or a reset link lands: greets the person, takes the
 * new password twice, shows the policy's reason when the server refuses one, and signs them in —
 * through the second-factor step when their account or role needs it.
 */
import { Alert, Button, Center, Loader, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { describePasswordLink, setPasswordWithLink } from "../api/auth.ts";
import { errorMessage } from "../api/client.ts";
import type { LoginChallenge } from "../api/types.ts";
import { BrandMark } from "../components/brand-mark.tsx";
import { navigate } from "../lib/router.ts";
import { useFormAction } from "../security/use-form-action.ts";
import { CodeStep, EnrolStep } from "./sign-in-second-factor.tsx";

const toConsole = () => navigate({ name: "inbox" }, { replace: true });

function PasswordForm({ token, onChallenge }: { token: string; onChallenge: (c: LoginChallenge) => void }) {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const mismatch = confirm.length > 0 && confirm !== password;
  const { error, pending, submit } = useFormAction(
    async () => {
      const challenge = await setPasswordWithLink(token, password);
      if (challenge) onChallenge(challenge);
      else toConsole();
    },
    { keepPendingOnSuccess: true },
  );
  return (
    <form onSubmit={submit} noValidate aria-label="Choose a password">
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light" role="alert" title="Could not set the password">
            {error}
          </Alert>
        )}
        <PasswordInput
          label="New password"
          description="At least 12 characters and hard to guess: a phrase of unrelated words works well"
          name="new-password"
          autoComplete="new-password"
          required
          withAsterisk={false}
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <PasswordInput
          label="Repeat the password"
          name="confirm-password"
          autoComplete="new-password"
          required
          withAsterisk={false}
          value={confirm}
          error={mismatch ? "The two passwords are not the same" : undefined}
          onChange={(e) => setConfirm(e.currentTarget.value)}
        />
        <Button type="submit" loading={pending} disabled={!password || confirm !== password} fullWidth>
          Set password and sign in
        </Button>
      </Stack>
    </form>
  );
}

type LinkInfo = Awaited<ReturnType<typeof describePasswordLink>>;

/**
 * Who the link is for, read once. Not a cached query: the console clears its query cache when it
 * learns nobody is signed in, which happens on this page while the link is being read.
 */
function usePasswordLink(token: string) {
  const [link, setLink] = useState<{ data?: LinkInfo; error?: unknown }>({});
  useEffect(() => {
    if (!token) return;
    let current = true;
    describePasswordLink(token).then(
      (data) => current && setLink({ data }),
      (error: unknown) => current && setLink({ error }),
    );
    return () => {
      current = false;
    };
  }, [token]);
  return link;
}

export function SetPasswordPage() {
  const token = new URLSearchParams(window.location.search).get("token") ?? "";
  const link = usePasswordLink(token);
  const [challenge, setChallenge] = useState<LoginChallenge | null>(null);

  let body: React.ReactNode;
  if (!token || link.error)
    body = (
      <Alert color="red" variant="light" role="alert" title="This link cannot be used">
        {token ? errorMessage(link.error) : "The link has no token. Open it again from the mail, whole."}
      </Alert>
    );
  else if (!link.data) body = <Loader aria-label="Checking the link" />;
  else if (challenge)
    body = challenge.enrolRequired ? (
      <EnrolStep challenge={challenge} onRestart={toConsole} />
    ) : (
      <CodeStep challenge={challenge} onRestart={toConsole} />
    );
  else
    body = (
      <Stack gap="md">
        <Text>
          {link.data.purpose === "invite" ? "Welcome" : "Hello"}, {link.data.name}.{" "}
          {link.data.purpose === "invite"
            ? "Choose the password you will sign in with."
            : "Choose a new password. Setting it signs you out everywhere else."}
        </Text>
        <Text fz="sm" c="dimmed">
          Signing in as {link.data.email}
        </Text>
        <PasswordForm token={token} onChallenge={setChallenge} />
      </Stack>
    );

  return (
    <Center mih="100%" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" radius="lg" w={440} maw="100%">
        <Stack gap="md">
          <BrandMark size="lg" />
          <Title order={1} fz="h3">
            {link.data?.purpose === "reset" ? "Reset your password" : "Choose your password"}
          </Title>
          {body}
        </Stack>
      </Paper>
    </Center>
  );
}
