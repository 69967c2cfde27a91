/**
 * The console's header. On a laptop it holds everything; below 1200 px the areas and "Sign out"
 * fold into the account menu, and on a phone presence becomes one labelled menu button, the brand
 * gives way to the sidebar's button and the connection shows only when it is not live.
 */
import { Avatar, Burger, Button, Divider, Group, Menu, Text, UnstyledButton } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { type MouseEvent, useState } from "react";
import { signOut } from "../api/auth.ts";
import { useMe } from "../api/queries.ts";
import { navigate } from "../lib/router.ts";
import { TwoFactorDialog } from "../security/two-factor-panel.tsx";
import { SoftphoneWidget } from "../softphone/softphone-widget.tsx";
import { useLive } from "../state/live-store.ts";
import { useSession } from "../state/session-store.ts";
import { AreaMenuItems, AreaNav } from "../supervisor/area-nav.tsx";
import { BrandMark } from "./brand-mark.tsx";
import { CapacityMeter } from "./capacity-meter.tsx";
import { ConnectionBadge } from "./connection-badge.tsx";
import { NotificationBell } from "./notification-bell.tsx";
import { PresenceSwitch } from "./presence-switch.tsx";
import { TimeZoneDialog } from "./time-zone-dialog.tsx";

/** Widths at which the header changes (Mantine's lg and sm breakpoints). */
export const HEADER_FULL_QUERY = "(min-width: 75em)";
export const PHONE_QUERY = "(max-width: 47.99em)";

/** The workspace's sidebar, which the header's button shows and hides. */
export interface SidebarToggle {
  opened: boolean;
  toggle(): void;
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join("");
}

function AccountMenu({ full }: { full: boolean }) {
  const me = useMe().data;
  const fallback = useSession((s) => s.agent);
  const agent = me ?? fallback;
  const [securityOpen, setSecurityOpen] = useState(false);
  const [zoneOpen, setZoneOpen] = useState(false);
  const openMacros = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate({ name: "macros" });
  };
  return (
    <>
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
          {!full && <AreaMenuItems role={agent?.role} />}
          <Menu.Item component="a" href="/macros" onClick={openMacros}>
            Macros
          </Menu.Item>
          <Menu.Item onClick={() => setZoneOpen(true)}>
            Time zone
            <Text component="span" fz="xs" c="dimmed" ml={6}>
              {agent?.timeZone ?? "this browser's"}
            </Text>
          </Menu.Item>
          <Menu.Item onClick={() => setSecurityOpen(true)}>Two-factor sign-in</Menu.Item>
          {!full && <Menu.Item onClick={() => void signOut()}>Sign out</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
      <TwoFactorDialog opened={securityOpen} onClose={() => setSecurityOpen(false)} />
      <TimeZoneDialog opened={zoneOpen} onClose={() => setZoneOpen(false)} />
    </>
  );
}

export function AppHeader({ sidebar }: { sidebar?: SidebarToggle }) {
  const meRole = useMe().data?.role;
  const signedInRole = useSession((s) => s.agent?.role);
  const role = meRole ?? signedInRole;
  const full = useMediaQuery(HEADER_FULL_QUERY, true, { getInitialValueInEffect: false }) ?? true;
  const phone = useMediaQuery(PHONE_QUERY, false, { getInitialValueInEffect: false }) ?? false;
  const live = useLive((s) => s.connection === "connected");

  return (
    <Group h="100%" px={phone ? "xs" : "md"} justify="space-between" wrap="nowrap" gap="xs">
      <Group gap={phone ? "xs" : "md"} wrap="nowrap" style={{ minWidth: 0 }}>
        {sidebar && (
          <Burger
            size="sm"
            opened={sidebar.opened}
            onClick={sidebar.toggle}
            aria-label={sidebar.opened ? "Hide the sidebar" : "Show the sidebar"}
            aria-expanded={sidebar.opened}
            aria-controls="workspace-sidebar"
          />
        )}
        {!(phone && sidebar) && <BrandMark compact />}
        {(!phone || !live) && <ConnectionBadge />}
        {full && <AreaNav role={role} />}
      </Group>
      <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
        <SoftphoneWidget compact={phone} />
        <CapacityMeter />
        <PresenceSwitch asMenu={phone} />
        <NotificationBell />
        <Divider orientation="vertical" visibleFrom="lg" />
        <AccountMenu full={full} />
        {full && (
          <Button variant="subtle" color="gray" size="xs" onClick={() => void signOut()}>
            Sign out
          </Button>
        )}
      </Group>
    </Group>
  );
}
