import { Avatar, Button, Divider, Group, Text } from "@mantine/core";
import { signOut } from "../api/auth.ts";
import { useMe } from "../api/queries.ts";
import { SoftphoneWidget } from "../softphone/softphone-widget.tsx";
import { useSession } from "../state/session-store.ts";
import { AreaNav } from "../supervisor/area-nav.tsx";
import { BrandMark } from "./brand-mark.tsx";
import { CapacityMeter } from "./capacity-meter.tsx";
import { ConnectionBadge } from "./connection-badge.tsx";
import { PresenceSwitch } from "./presence-switch.tsx";

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join("");
}

export function AppHeader() {
  const me = useMe().data;
  const fallback = useSession((s) => s.agent);
  const agent = me ?? fallback;

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="md" wrap="nowrap">
        <BrandMark compact />
        <ConnectionBadge />
        <AreaNav role={agent?.role} />
      </Group>
      <Group gap="md" wrap="nowrap" style={{ flexShrink: 0 }}>
        <SoftphoneWidget />
        <CapacityMeter />
        <PresenceSwitch />
        <Divider orientation="vertical" visibleFrom="lg" />
        <Group gap={8} wrap="nowrap" title={agent ? `${agent.name} (${agent.email})` : undefined}>
          <Avatar size={30} radius="xl" color="indigo" variant="light" aria-hidden>
            {agent ? initials(agent.name) : ""}
          </Avatar>
          {/* On a tablet the initials stand for the name (its full form is the title). */}
          <Text fz="sm" fw={600} lh={1.2} data-testid="agent-name" visibleFrom="lg">
            {agent?.name}
          </Text>
        </Group>
        <Button variant="subtle" color="gray" size="xs" onClick={() => void signOut()}>
          Sign out
        </Button>
      </Group>
    </Group>
  );
}
