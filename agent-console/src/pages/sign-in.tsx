import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { signIn } from "../api/auth.ts";
import { errorMessage } from "../api/client.ts";
import type { LoginChallenge } from "../api/types.ts";
import { BrandMark } from "../components/brand-mark.tsx";
import { ForgotPasswordForm } from "./forgot-password.tsx";
import { SignInEmailField } from "./sign-in-email-field.tsx";
import { CodeStep, EnrolStep } from "./sign-in-second-factor.tsx";
import { SsoButton, takeSsoRefusal } from "./sign-in-sso.tsx";

function SignInTitle() {
  return (
    <>
      <BrandMark size="lg" />
      <div>
        <Title order={1} fz="h3" id="sign-in-title">
          Sign in
        </Title>
        <Text c="dimmed" fz="sm">
          to the agent console
        </Text>
      </div>
    </>
  );
}

export function SignInPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // A single sign-on the provider or Switchboard refused comes back here with its reason.
  const [error, setError] = useState<string | null>(takeSsoRefusal);
  const [pending, setPending] = useState(false);
  const [challenge, setChallenge] = useState<LoginChallenge | null>(null);
  const [forgot, setForgot] = useState(false);
  const restart = () => {
    setChallenge(null);
    setPassword("");
    setPending(false);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setPending(true);
    try {
      const next = await signIn(email.trim(), password);
      if (next) {
        setChallenge(next);
        setPending(false);
      }
    } catch (failure) {
      setError(errorMessage(failure));
      setPending(false);
    }
  }

  return (
    <Center mih="100%" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" radius="lg" w={400} maw="100%">
        {forgot ? (
          <ForgotPasswordForm email={email} onBack={() => setForgot(false)} />
        ) : challenge ? (
          <Stack gap="md">
            <SignInTitle />
            {challenge.enrolRequired ? (
              <EnrolStep challenge={challenge} onRestart={restart} />
            ) : (
              <CodeStep challenge={challenge} onRestart={restart} />
            )}
          </Stack>
        ) : (
          <form onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
            <Stack gap="md">
              <SignInTitle />
              {error && (
                <Alert color="red" variant="light" role="alert" title="Could not sign in">
                  {error}
                </Alert>
              )}
              <SignInEmailField value={email} onChange={setEmail} />
              <PasswordInput
                label="Password"
                name="password"
                autoComplete="current-password"
                required
                withAsterisk={false}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button type="submit" loading={pending} disabled={!email.trim() || !password} fullWidth mt="xs">
                Sign in
              </Button>
              <Button variant="subtle" size="xs" onClick={() => setForgot(true)}>
                Forgot password?
              </Button>
              <SsoButton />
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  );
}
