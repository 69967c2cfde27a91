/**
 * The softphone in the console header: a button showing the line's state (offline, ready, ringing,
 * on call, wrap-up) that opens a drawer with the call controls. It opens by itself when a call rings.
 * Without browser calling on the server it shrinks to a note saying so.
 */
import { Box, Button, Drawer, Popover, Stack, Text, VisuallyHidden } from "@mantine/core";
import { useEffect, useState } from "react";
import { useNow } from "../lib/use-now.ts";
import { signedInAgentId, useSession } from "../state/session-store.ts";
import { ensureSoftphone } from "./engine.ts";
import type { DisplayStatus } from "./machine.ts";
import { SoftphonePanel } from "./softphone-panel.tsx";
import { elapsedSeconds, formatClock, wrapUpRemaining } from "./timing.ts";
import { useSoftphone } from "./use-softphone.ts";

const COLOR: Record<DisplayStatus, string> = {
  loading: "gray",
  unconfigured: "gray",
  connecting: "orange",
  offline: "red",
  ready: "green",
  ringing: "teal",
  dialing: "teal",
  "on-call": "blue",
  "on-hold": "orange",
  "wrap-up": "violet",
};

/** Said by screen readers when the state changes (the button's own text also carries the timers). */
const ANNOUNCE: Record<DisplayStatus, string> = {
  loading: "Softphone connecting",
  unconfigured: "Softphone not configured",
  connecting: "Softphone connecting",
  offline: "Softphone offline",
  ready: "Softphone ready",
  ringing: "Incoming call",
  dialing: "Calling",
  "on-call": "On call",
  "on-hold": "Caller on hold",
  "wrap-up": "Call ended, wrap-up",
};

function ButtonLabel() {
  const { status, current: call } = useSoftphone();
  const ticking = call.phase === "active" || call.phase === "wrap-up";
  const now = useNow(ticking ? 1_000 : 60_000);
  switch (status) {
    case "loading":
    case "connecting":
      return "Phone connecting…";
    case "offline":
      return "Phone offline";
    case "ready":
      return "Phone ready";
    case "ringing":
      return "Incoming call";
    case "dialing":
      return "Calling…";
    case "on-call":
      return call.phase === "active"
        ? `On call ${formatClock(elapsedSeconds(call.answeredAt, now))}`
        : "On call";
    case "on-hold":
      return "Caller on hold";
    case "wrap-up":
      return call.phase === "wrap-up"
        ? `Wrap-up ${formatClock(wrapUpRemaining(call.endsAt, now))}`
        : "Wrap-up";
    default:
      return "Phone";
  }
}

function NotConfigured({ reason }: { reason: string }) {
  return (
    <Popover width={320} position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <Button
          size="xs"
          variant="subtle"
          color="gray"
          data-testid="softphone-button"
          data-state="unconfigured"
          aria-label="Softphone: not configured"
        >
          Phone off
        </Button>
      </Popover.Target>
      <Popover.Dropdown data-testid="softphone-unconfigured">
        <Stack gap={6}>
          <Text fz="sm" fw={600}>
            Softphone not configured
          </Text>
          <Text fz="sm">
            Calls cannot be taken in this browser: browser calling is not set up on this server.
          </Text>
          <Text fz="xs" c="dimmed">
            For an administrator: {reason}
          </Text>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/** `compact` (a phone's header): a smaller button, and no note about a line that cannot take calls. */
export function SoftphoneWidget({ compact = false }: { compact?: boolean }) {
  const { status, line } = useSoftphone();
  const [opened, setOpened] = useState(false);

  const session = useSession(signedInAgentId);
  // The line outlives this widget: pages each render their own header.
  useEffect(() => {
    if (session) ensureSoftphone();
  }, [session]);

  // A ringing call comes to the agent; they should not have to look for it.
  useEffect(() => {
    if (status === "ringing") setOpened(true);
  }, [status]);

  if (line.status === "unconfigured") return compact ? null : <NotConfigured reason={line.reason} />;

  return (
    <>
      <Button
        size={compact ? "compact-xs" : "xs"}
        variant={status === "ringing" ? "filled" : "light"}
        color={COLOR[status]}
        onClick={() => setOpened(true)}
        data-testid="softphone-button"
        data-state={status}
        aria-haspopup="dialog"
        leftSection={
          <Box
            aria-hidden
            w={8}
            h={8}
            style={{ borderRadius: "50%", background: `var(--mantine-color-${COLOR[status]}-6)` }}
          />
        }
      >
        <ButtonLabel />
      </Button>
      <VisuallyHidden role="status">{ANNOUNCE[status]}</VisuallyHidden>
      <Drawer
        opened={opened}
        onClose={() => setOpened(false)}
        position="right"
        size="sm"
        title="Softphone"
        data-testid="softphone-drawer"
      >
        <SoftphonePanel />
      </Drawer>
    </>
  );
}
