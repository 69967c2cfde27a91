/**
 * The steps of setting up two-factor sign-in, shared by the Security panel and the sign-in page:
 * the secret for the authenticator app (QR code, the secret in groups of four, the otpauth URI) with
 * a code to confirm it, then the recovery codes, shown once.
 */

import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Image,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { groupedSecret, type TwoFactorSetup } from "./two-factor-api.ts";
import { useFormAction } from "./use-form-action.ts";

/** A code field: the 6-digit code from the app, or (where allowed) a recovery code. */
export function CodeField(props: {
  value: string;
  onChange: (value: string) => void;
  recoveryAllowed?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <TextInput
      label={props.recoveryAllowed ? "Code or recovery code" : "6-digit code"}
      name="one-time-code"
      autoComplete="one-time-code"
      inputMode={props.recoveryAllowed ? "text" : "numeric"}
      autoFocus={props.autoFocus}
      required
      withAsterisk={false}
      value={props.value}
      onChange={(event) => props.onChange(event.currentTarget.value)}
    />
  );
}

function useQrCode(uri: string): string | null {
  const [image, setImage] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toDataURL(uri, { margin: 1, width: 180 })
      .then((url) => current && setImage(url))
      .catch(() => current && setImage(null));
    return () => {
      current = false;
    };
  }, [uri]);
  return image;
}

/** Shows the new secret and takes the first code from the app, which turns two-factor sign-in on. */
export function SecretStep(props: {
  setup: TwoFactorSetup;
  onConfirm: (code: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const qr = useQrCode(props.setup.uri);
  const [code, setCode] = useState("");
  const { error, pending, submit } = useFormAction(() => props.onConfirm(code.trim()), {
    keepPendingOnSuccess: true,
  });

  return (
    <form onSubmit={submit} noValidate aria-label="Set up two-factor sign-in">
      <Stack gap="sm">
        <Text fz="sm">
          Scan the QR code with an authenticator app (Google Authenticator, 1Password, Authy…), or type the
          secret into it. Then enter the 6-digit code the app shows.
        </Text>
        <Group align="flex-start" gap="md">
          {qr && <Image src={qr} alt="QR code for the authenticator app" w={140} h={140} radius="sm" />}
          <Stack gap={4} style={{ minWidth: 0, flex: "1 1 200px" }}>
            <Text fz="xs" c="dimmed">
              Secret
            </Text>
            <Code fz="md" data-testid="totp-secret" style={{ wordBreak: "normal" }}>
              {groupedSecret(props.setup.secret)}
            </Code>
            <Text fz="xs" c="dimmed" mt={4}>
              Setup link
            </Text>
            <Code fz="xs" style={{ wordBreak: "break-all" }}>
              {props.setup.uri}
            </Code>
          </Stack>
        </Group>
        {error && (
          <Alert color="red" variant="light" role="alert">
            {error}
          </Alert>
        )}
        <CodeField value={code} onChange={setCode} autoFocus />
        <Group justify="flex-end">
          {props.onCancel && (
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={pending} disabled={!code.trim()}>
            Turn on
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The recovery codes, shown once: the person says they saved them before going on. */
export function RecoveryCodesStep(props: { codes: string[]; onDone: () => void; doneLabel?: string }) {
  const [saved, setSaved] = useState(false);
  return (
    <Stack gap="sm">
      <Alert color="yellow" variant="light" title="Save your recovery codes">
        Each code signs you in once if you lose your phone. They are shown only now: print them or keep them
        in a password manager.
      </Alert>
      <SimpleGrid cols={2} spacing={6} data-testid="recovery-codes">
        {props.codes.map((code) => (
          <Code key={code} fz="sm" ta="center">
            {code}
          </Code>
        ))}
      </SimpleGrid>
      <Checkbox
        label="I have saved them"
        checked={saved}
        onChange={(event) => setSaved(event.currentTarget.checked)}
      />
      <Button onClick={props.onDone} disabled={!saved}>
        {props.doneLabel ?? "Done"}
      </Button>
    </Stack>
  );
}
