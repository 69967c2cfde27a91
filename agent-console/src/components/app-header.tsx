import { Avatar, Button, Divider, Group, Menu, Text, UnstyledButton } from "@mantine/core";
import { useState } from "react";
import { signOut } from "../api/auth.ts";
import { useMe } from "../api/queries.ts";
import { TwoFactorDialog } from "../security/two-factor-panel.tsx";
import { SoftphoneWidget } from "../softphone/softphone-widget.tsx";
import { useSession } from "../state/session-store.ts";
import { AreaNav } from "../supervisor/area-nav.tsx";
import { BrandMark } from "./brand-mark.tsx";
import { CapacityMeter } from "./capacity-meter.tsx";
import { ConnectionBadge } from "./connection-badge.tsx";
import { NotificationBell } from "./notification-bell.tsx";
import { PresenceSwitch } from "./presence-switch.tsx";
import { TimeZoneDialog } from "./time-zone-dialog.tsx";

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
  const [securityOpen, setSecurityOpen] = useState(false);
  const [zoneOpen, setZoneOpen] = useState(false);

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="md" wrap="nowrap">
        <BrandMark compact />
        <ConnectionBadge />
        <AreaNav role={agent?.role} />
      </Group>
      <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
        <SoftphoneWidget />
        <CapacityMeter />
        <PresenceSwitch />
        <NotificationBell />
        <Divider orientation="vertical" visibleFrom="lg" />
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <UnstyledButton
              aria-label="Your account"
              title={agent ? `${agent.name} (${agent.email})` : undefined}
            >
              <Group gap={8} wrap="nowrap">
                <Avatar size={30} radius="xl" color="indigo" variant="light" aria-hidden>
                  {agent ? initials(agent.name) : ""}
                </Avatar>
                {/* On a tablet the initials stand for the name (its full form is the title). */}
                <Text fz="sm" fw={600} lh={1.2} data-testid="agent-name" visibleFrom="lg">
                  {agent?.name}
                </Text>
              </Group>
            </UnstyledButton>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{agent?.email}</Menu.Label>
            <Menu.Item onClick={() => setZoneOpen(true)}>
              Time zone
              <Text component="span" fz="xs" c="dimmed" ml={6}>
                {agent?.timeZone ?? "this browser's"}
              </Text>
            </Menu.Item>
            <Menu.Item onClick={() => setSecurityOpen(true)}>Two-factor sign-in</Menu.Item>
          </Menu.Dropdown>
        </Menu>
        <TwoFactorDialog opened={securityOpen} onClose={() => setSecurityOpen(false)} />
        <TimeZoneDialog opened={zoneOpen} onClose={() => setZoneOpen(false)} />
        <Button variant="subtle" color="gray" size="xs" onClick={() => void signOut()}>
          Sign out
        </Button>
      </Group>
    </Group>
  );
}
