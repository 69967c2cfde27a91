/**
 * The sign-in page's steps after a right password, when a second factor is due: the code (or a
 * recovery code), or — when the role requires a second factor and none is set up — enrolling one
 * right there, which completes the sign-in once the recovery codes are saved.
 */

import { Alert, Button, Loader, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { completeSignIn, signInWithCode } from "../api/auth.ts";
import { errorMessage } from "../api/client.ts";
import type { LoginChallenge, LoginResponse } from "../api/types.ts";
import { CodeField, RecoveryCodesStep, SecretStep } from "../security/enrol-steps.tsx";
import { enrolWithChallenge, type TwoFactorSetup } from "../security/two-factor-api.ts";
import { useFormAction } from "../security/use-form-action.ts";

export function CodeStep(props: { challenge: LoginChallenge; onRestart: () => void }) {
  const [code, setCode] = useState("");
  const { error, pending, submit } = useFormAction(() => signInWithCode(props.challenge.token, code.trim()), {
    keepPendingOnSuccess: true,
    onError: () => setCode(""),
  });

  return (
    <form onSubmit={submit} noValidate aria-label="Two-factor code">
      <Stack gap="md">
        <Text fz="sm">Enter the 6-digit code from your authenticator app, or a recovery code.</Text>
        {error && (
          <Alert color="red" variant="light" role="alert" title="Could not sign in">
            {error}
          </Alert>
        )}
        <CodeField value={code} onChange={setCode} recoveryAllowed autoFocus />
        <Button type="submit" loading={pending} disabled={!code.trim()} fullWidth>
          Verify
        </Button>
        <Button variant="subtle" color="gray" size="xs" onClick={props.onRestart}>
          Start again with the password
        </Button>
      </Stack>
    </form>
  );
}

export function EnrolStep(props: { challenge: LoginChallenge; onRestart: () => void }) {
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [done, setDone] = useState<{ codes: string[]; session: LoginResponse } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const token = props.challenge.token;

  useEffect(() => {
    enrolWithChallenge.setup(token).then(setSetup, (failure) => setError(errorMessage(failure)));
  }, [token]);

  if (done)
    return (
      <RecoveryCodesStep
        codes={done.codes}
        doneLabel="Continue to the console"
        onDone={() => completeSignIn(done.session)}
      />
    );
  return (
    <Stack gap="md">
      <Alert color="blue" variant="light" title="Set up two-factor sign-in">
        Your role requires a second step at sign-in. Set it up now to continue.
      </Alert>
      {error && (
        <Alert color="red" variant="light" role="alert">
          {error}
        </Alert>
      )}
      {setup ? (
        <SecretStep
          setup={setup}
          onCancel={props.onRestart}
          onConfirm={async (code) => {
            const answer = await enrolWithChallenge.enable(token, code);
            setDone({ codes: answer.recoveryCodes, session: answer.session });
          }}
        />
      ) : (
        !error && <Loader size="sm" />
      )}
      {error && (
        <Button variant="subtle" color="gray" size="xs" onClick={props.onRestart}>
          Start again with the password
        </Button>
      )}
    </Stack>
  );
}
