/** Available / away / offline, with the reason an agent is away (break, lunch, …) sent to the server. */
import { Box, Group, SegmentedControl, Select, VisuallyHidden } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { useMe, useSetPresence } from "../api/queries.ts";
import { PRESENCE, type Presence } from "../api/types.ts";

const PRESENCE_LABEL: Record<Presence, string> = { available: "Available", away: "Away", offline: "Offline" };
const PRESENCE_COLOR: Record<Presence, string> = { available: "green", away: "orange", offline: "gray" };
export const AWAY_REASONS = ["Break", "Lunch", "Meeting", "Training", "Coaching", "After-call work"];

/** `compact` (a tablet's header): the coloured dot shows, the word is for screen readers and the tooltip. */
function PresenceOption({ presence, compact }: { presence: Presence; compact: boolean }) {
  return (
    <Group gap={6} wrap="nowrap" justify="center" title={compact ? PRESENCE_LABEL[presence] : undefined}>
      <Box
        aria-hidden
        w={8}
        h={8}
        style={{ borderRadius: "50%", background: `var(--mantine-color-${PRESENCE_COLOR[presence]}-6)` }}
      />
      {compact ? <VisuallyHidden>{PRESENCE_LABEL[presence]}</VisuallyHidden> : PRESENCE_LABEL[presence]}
    </Group>
  );
}

export function PresenceSwitch() {
  const me = useMe().data;
  const setPresence = useSetPresence();
  const compact = useMediaQuery("(max-width: 62em)") ?? false;
  const [reason, setReason] = useState<string>(AWAY_REASONS[0]!);
  const value = setPresence.isPending ? setPresence.variables.status : me?.presence;
  const shownReason = me?.presence === "away" && me.presenceReason ? me.presenceReason : reason;

  function change(status: Presence, withReason?: string) {
    setPresence.mutate(
      { status, ...(status === "away" ? { reason: withReason ?? shownReason } : {}) },
      {
        onError: (error) =>
          notifications.show({ color: "red", title: "Presence not changed", message: errorMessage(error) }),
      },
    );
  }

  return (
    <Group gap={6} wrap="nowrap">
      <SegmentedControl
        role="radiogroup"
        aria-label="Presence"
        size="xs"
        radius="xl"
        name="presence"
        value={value ?? "offline"}
        disabled={!me}
        onChange={(next) => change(next as Presence)}
        data={PRESENCE.map((presence) => ({
          value: presence,
          label: <PresenceOption presence={presence} compact={compact} />,
        }))}
      />
      {value === "away" && (
        <Select
          size="xs"
          w={compact ? 110 : 130}
          aria-label="Reason for being away"
          data-testid="away-reason"
          data={AWAY_REASONS.includes(shownReason) ? AWAY_REASONS : [shownReason, ...AWAY_REASONS]}
          value={shownReason}
          allowDeselect={false}
          onChange={(next) => {
            if (!next) return;
            setReason(next);
            change("away", next);
          }}
        />
      )}
    </Group>
  );
}
