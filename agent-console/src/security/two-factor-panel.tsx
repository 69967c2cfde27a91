/**
 * "Two-factor sign-in", for everyone signed in (opened from the header's user menu): turn it on
 * (secret, confirming code, recovery codes shown once), get new recovery codes, or turn it off with
 * the password and a code.
 */

import { Alert, Badge, Button, Group, Loader, Modal, PasswordInput, Stack, Text } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { CodeField, RecoveryCodesStep, SecretStep } from "./enrol-steps.tsx";
import { type TwoFactorSetup, type TwoFactorStatus, twoFactorApi } from "./two-factor-api.ts";
import { useFormAction } from "./use-form-action.ts";

const STATUS_KEY = ["me", "two-factor"] as const;

type Step =
  | { kind: "status" }
  | { kind: "secret"; setup: TwoFactorSetup }
  | { kind: "codes"; codes: string[] };

/** A small form proving a factor (and the password, when asked) before a change. */
function ProveForm(props: {
  withPassword?: boolean;
  submitLabel: string;
  color?: string;
  onSubmit: (input: { password: string; code: string }) => Promise<void>;
}) {
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const { error, pending, submit } = useFormAction(() => props.onSubmit({ password, code: code.trim() }));
  return (
    <form onSubmit={submit} noValidate aria-label={props.submitLabel}>
      <Stack gap="xs">
        {error && (
          <Alert color="red" variant="light" role="alert">
            {error}
          </Alert>
        )}
        {props.withPassword && (
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
        )}
        <CodeField value={code} onChange={setCode} recoveryAllowed />
        <Button
          type="submit"
          variant="light"
          color={props.color}
          loading={pending}
          disabled={!code.trim() || (props.withPassword === true && !password)}
        >
          {props.submitLabel}
        </Button>
      </Stack>
    </form>
  );
}

function EnabledView(props: {
  status: TwoFactorStatus;
  onCodes: (codes: string[]) => void;
  onOff: () => void;
}) {
  const { status } = props;
  return (
    <Stack gap="md">
      <Text fz="sm">
        Signing in asks for a code from your authenticator app after your password. {status.recoveryCodesLeft}{" "}
        recovery code{status.recoveryCodesLeft === 1 ? "" : "s"} left.
      </Text>
      <Stack gap={4}>
        <Text fw={600} fz="sm">
          New recovery codes
        </Text>
        <Text fz="xs" c="dimmed">
          The old ones stop working.
        </Text>
        <ProveForm
          submitLabel="Show new recovery codes"
          onSubmit={async ({ code }) =>
            props.onCodes((await twoFactorApi.newRecoveryCodes(code)).recoveryCodes)
          }
        />
      </Stack>
      <Stack gap={4}>
        <Text fw={600} fz="sm">
          Turn off
        </Text>
        {status.required ? (
          <Text fz="xs" c="dimmed">
            Your role requires two-factor sign-in, so it stays on.
          </Text>
        ) : (
          <ProveForm
            withPassword
            color="red"
            submitLabel="Turn off two-factor sign-in"
            onSubmit={async ({ password, code }) => {
              await twoFactorApi.disable(password, code);
              props.onOff();
            }}
          />
        )}
      </Stack>
    </Stack>
  );
}

function PanelBody() {
  const client = useQueryClient();
  const status = useQuery({ queryKey: STATUS_KEY, queryFn: twoFactorApi.status });
  const [step, setStep] = useState<Step>({ kind: "status" });
  const [error, setError] = useState<string | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: STATUS_KEY });

  if (step.kind === "secret")
    return (
      <SecretStep
        setup={step.setup}
        onCancel={() => setStep({ kind: "status" })}
        onConfirm={async (code) => {
          setStep({ kind: "codes", codes: (await twoFactorApi.enable(code)).recoveryCodes });
          refresh();
        }}
      />
    );
  if (step.kind === "codes")
    return <RecoveryCodesStep codes={step.codes} onDone={() => setStep({ kind: "status" })} />;
  if (!status.data)
    return status.error ? <Alert color="red">{errorMessage(status.error)}</Alert> : <Loader />;
  if (status.data.enabled)
    return (
      <EnabledView
        status={status.data}
        onCodes={(codes) => setStep({ kind: "codes", codes })}
        onOff={refresh}
      />
    );

  async function start() {
    setError(null);
    try {
      setStep({ kind: "secret", setup: await twoFactorApi.setup() });
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }
  return (
    <Stack gap="sm">
      <Text fz="sm">
        Protect your account with a second step at sign-in: a 6-digit code from an authenticator app on your
        phone.
        {status.data.required ? " Your role requires it." : ""}
      </Text>
      {error && (
        <Alert color="red" variant="light" role="alert">
          {error}
        </Alert>
      )}
      <Button onClick={() => void start()}>Set up two-factor sign-in</Button>
    </Stack>
  );
}

export function TwoFactorDialog(props: { opened: boolean; onClose: () => void }) {
  const status = useQuery({ queryKey: STATUS_KEY, queryFn: twoFactorApi.status, enabled: props.opened });
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      size="lg"
      title={
        <Group gap="xs">
          <Text fw={700}>Two-factor sign-in</Text>
          {status.data && (
            <Badge color={status.data.enabled ? "teal" : "gray"} variant="light">
              {status.data.enabled ? "On" : "Off"}
            </Badge>
          )}
        </Group>
      }
    >
      {props.opened && <PanelBody />}
    </Modal>
  );
}
