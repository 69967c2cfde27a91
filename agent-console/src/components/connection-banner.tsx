/**
 * A banner across the workspace while the live connection is down, and a short note once it is
 * back and everything was read again: an agent must never believe they are receiving offers when
 * they are not.
 */
import { Alert, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { useLive } from "../state/live-store.ts";

const RESYNCED_NOTE_MS = 4_000;

export function ConnectionBanner() {
  const interrupted = useLive((s) => s.interrupted);
  const connection = useLive((s) => s.connection);
  const resyncedAt = useLive((s) => s.resyncedAt);
  const [showResynced, setShowResynced] = useState(false);

  useEffect(() => {
    if (!resyncedAt) return;
    setShowResynced(true);
    const timer = setTimeout(() => setShowResynced(false), RESYNCED_NOTE_MS);
    return () => clearTimeout(timer);
  }, [resyncedAt]);

  if (interrupted)
    return (
      <Alert
        color="red"
        variant="filled"
        radius={0}
        py={6}
        role="alert"
        data-testid="connection-banner"
        title={connection === "connected" ? "Catching up…" : "Connection lost"}
      >
        <Text fz="sm">
          {connection === "connected"
            ? "Reading your cases and offers again."
            : "Reconnecting… New offers and messages will appear as soon as the connection is back."}
        </Text>
      </Alert>
    );
  if (showResynced)
    return (
      <Alert color="green" variant="light" radius={0} py={6} role="status" data-testid="connection-restored">
        <Text fz="sm">Back online — your cases and offers are up to date.</Text>
      </Alert>
    );
  return null;
}
