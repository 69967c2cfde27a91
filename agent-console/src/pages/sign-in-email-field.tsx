/** The email field of the sign-in and forgot-password forms: the address people sign in with. */
import { TextInput } from "@mantine/core";

export function SignInEmailField({ value, onChange }: { value: string; onChange(value: string): void }) {
  return (
    <TextInput
      label="Email"
      type="email"
      name="email"
      autoComplete="username"
      required
      withAsterisk={false}
      autoFocus
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
