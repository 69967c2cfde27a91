/** A form's submit: runs the action, shows its error in words, and says while it is pending. */
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/client.ts";

/**
 * `keepPendingOnSuccess`: the form is leaving (a sign-in completes, a step moves on), so its button
 * stays busy rather than flashing back. `onError` runs after a failure (e.g. to clear a used code).
 */
export function useFormAction(
  action: () => Promise<void>,
  options: { keepPendingOnSuccess?: boolean; onError?: () => void } = {},
) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setPending(true);
    try {
      await action();
      if (!options.keepPendingOnSuccess) setPending(false);
    } catch (failure) {
      setError(errorMessage(failure));
      options.onError?.();
      setPending(false);
    }
  }
  return { error, pending, submit };
}
