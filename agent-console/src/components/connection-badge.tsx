/** Whether live updates are flowing; an agent on a dead socket would otherwise miss offers unawares. */
import { Badge } from "@mantine/core";
import { useLive } from "../state/live-store.ts";

const LABEL = {
  connected: "Live",
  connecting: "Connecting…",
  disconnected: "Offline – reconnecting",
} as const;
const COLOR = { connected: "green", connecting: "orange", disconnected: "red" } as const;

export function ConnectionBadge() {
  const connection = useLive((s) => s.connection);
  return (
    <Badge
      variant="dot"
      color={COLOR[connection]}
      size="sm"
      role="status"
      title={connection === "connected" ? "Receiving live updates" : undefined}
    >
      {LABEL[connection]}
    </Badge>
  );
}
