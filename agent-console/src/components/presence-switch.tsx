/** Available / away / offline, with the reason an agent is away (break, lunch, …) sent to the server. */
import { Box, Button, Group, Menu, SegmentedControl, Select } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { useMe, useSetPresence } from "../api/queries.ts";
import { PRESENCE, type Presence } from "../api/types.ts";

const PRESENCE_LABEL: Record<Presence, string> = { available: "Available", away: "Away", offline: "Offline" };
const PRESENCE_COLOR: Record<Presence, string> = { available: "green", away: "orange", offline: "gray" };
export const AWAY_REASONS = ["Break", "Lunch", "Meeting", "Training", "Coaching", "After-call work"];

function PresenceDot({ presence }: { presence: Presence }) {
  return (
    <Box
      aria-hidden
      w={8}
      h={8}
      style={{
        flexShrink: 0,
        borderRadius: "50%",
        background: `var(--mantine-color-${PRESENCE_COLOR[presence]}-6)`,
      }}
    />
  );
}

/** Each choice keeps its word beside its colour, down to a tablet held upright. */
function PresenceOption({ presence }: { presence: Presence }) {
  return (
    <Group gap={6} wrap="nowrap" justify="center">
      <PresenceDot presence={presence} />
      {PRESENCE_LABEL[presence]}
    </Group>
  );
}

/** The agent's presence as the server has it (or as just asked for), and a way to change it. */
function usePresence() {
  const me = useMe().data;
  const setPresence = useSetPresence();
  const [reason, setReason] = useState<string>(AWAY_REASONS[0]!);
  const value = setPresence.isPending ? setPresence.variables.status : me?.presence;
  const shownReason = me?.presence === "away" && me.presenceReason ? me.presenceReason : reason;

  function change(status: Presence, withReason?: string) {
    if (withReason) setReason(withReason);
    setPresence.mutate(
      { status, ...(status === "away" ? { reason: withReason ?? shownReason } : {}) },
      {
        onError: (error) =>
          notifications.show({ color: "red", title: "Presence not changed", message: errorMessage(error) }),
      },
    );
  }
  return { me, value, shownReason, change };
}

/**
 * On a phone: one button saying the current status in words, opening a menu of the choices
 * (being away is chosen with its reason).
 */
function PresenceMenu() {
  const { me, value, shownReason, change } = usePresence();
  const current = value ?? "offline";
  const said = current === "away" ? `Away (${shownReason})` : PRESENCE_LABEL[current];
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          size="xs"
          variant="default"
          radius="xl"
          disabled={!me}
          aria-label={`Presence: ${said}`}
          title={said}
          leftSection={<PresenceDot presence={current} />}
          data-testid="presence-menu"
        >
          {PRESENCE_LABEL[current]}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<PresenceDot presence="available" />} onClick={() => change("available")}>
          Available
        </Menu.Item>
        <Menu.Label>Away</Menu.Label>
        {AWAY_REASONS.map((reason) => (
          <Menu.Item
            key={reason}
            leftSection={<PresenceDot presence="away" />}
            aria-label={`Away: ${reason}`}
            onClick={() => change("away", reason)}
          >
            {reason}
          </Menu.Item>
        ))}
        <Menu.Item leftSection={<PresenceDot presence="offline" />} onClick={() => change("offline")}>
          Offline
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function PresenceSwitch({ asMenu = false }: { asMenu?: boolean }) {
  if (asMenu) return <PresenceMenu />;
  return <PresenceSegments />;
}

function PresenceSegments() {
  const { me, value, shownReason, change } = usePresence();
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
          label: <PresenceOption presence={presence} />,
        }))}
      />
      {value === "away" && (
        <Select
          size="xs"
          w={120}
          aria-label="Reason for being away"
          data-testid="away-reason"
          data={AWAY_REASONS.includes(shownReason) ? AWAY_REASONS : [shownReason, ...AWAY_REASONS]}
          value={shownReason}
          allowDeselect={false}
          onChange={(next) => {
            if (next) change("away", next);
          }}
        />
      )}
    </Group>
  );
}
