/** The agent's screens (inbox, contacts, macros) and the desktop-notification switch, atop the sidebar. */
import { Button, NavLink, Stack } from "@mantine/core";
import { type MouseEvent, useState } from "react";
import { navigate, pathOf, type Route, useRoute } from "../lib/router.ts";
import { notificationsSupported } from "../state/offer-alert.ts";

function Link({ route, label, active }: { route: Route; label: string; active: boolean }) {
  return (
    <NavLink
      component="a"
      href={pathOf(route)}
      label={label}
      active={active}
      aria-current={active ? "page" : undefined}
      py={6}
      onClick={(event: MouseEvent<HTMLAnchorElement>) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(route);
      }}
    />
  );
}

export function WorkspaceNav() {
  const route = useRoute();
  const [permission, setPermission] = useState(() =>
    notificationsSupported() ? Notification.permission : "denied",
  );
  return (
    <Stack gap={2} mb="sm" component="nav" aria-label="Agent screens">
      <Link route={{ name: "inbox" }} label="Inbox" active={route.name === "inbox"} />
      <Link route={{ name: "contacts" }} label="Contacts" active={route.name === "contacts"} />
      <Link route={{ name: "macros" }} label="Macros" active={route.name === "macros"} />
      {permission === "default" && (
        <Button
          size="compact-xs"
          variant="subtle"
          mt={4}
          title="Show a desktop notification when an offer arrives while this tab is hidden"
          onClick={() => void Notification.requestPermission().then(setPermission)}
        >
          Turn on desktop alerts
        </Button>
      )}
    </Stack>
  );
}
