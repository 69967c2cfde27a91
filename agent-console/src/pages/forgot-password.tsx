/**
 * "Forgot password?" on the sign-in page: asks for a reset link by mail. The answer is the same
 * whether or not the address has an account, so the page never tells who works here.
 */

import { Alert, Button, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { requestPasswordReset } from "../api/auth.ts";
import { BrandMark } from "../components/brand-mark.tsx";
import { useFormAction } from "../security/use-form-action.ts";
import { SignInEmailField } from "./sign-in-email-field.tsx";

export function ForgotPasswordForm({ email: initial, onBack }: { email: string; onBack: () => void }) {
  const [email, setEmail] = useState(initial);
  const [sent, setSent] = useState<string | null>(null);
  const { error, pending, submit } = useFormAction(async () => {
    setSent(await requestPasswordReset(email.trim()));
  });

  return (
    <form onSubmit={submit} aria-labelledby="forgot-title" noValidate>
      <Stack gap="md">
        <BrandMark size="lg" />
        <Title order={1} fz="h3" id="forgot-title">
          Reset your password
        </Title>
        {sent ? (
          <Alert color="green" variant="light" role="status" title="Check your mail">
            {sent}
          </Alert>
        ) : (
          <>
            <Text fz="sm" c="dimmed">
              Enter the email address you sign in with. We will mail you a link to choose a new password.
            </Text>
            {error && (
              <Alert color="red" variant="light" role="alert" title="Could not send the link">
                {error}
              </Alert>
            )}
            <SignInEmailField value={email} onChange={setEmail} />
            <Button type="submit" loading={pending} disabled={!email.trim()} fullWidth>
              Send reset link
            </Button>
          </>
        )}
        <Button variant="subtle" color="gray" size="xs" onClick={onBack}>
          Back to sign in
        </Button>
      </Stack>
    </form>
  );
}
