/** Links between the inbox, the supervisor wall and the admin pages, as far as the role allows. */
import { Button, Group, Menu } from "@mantine/core";
import type { MouseEvent } from "react";
import { navigate, type Route, useRoute } from "../lib/router.ts";

type Area = "inbox" | "outbound" | "supervisor" | "admin";

const AREAS: { area: Area; label: string; route: Route; roles: string[] }[] = [
  { area: "inbox", label: "Inbox", route: { name: "inbox" }, roles: ["agent", "supervisor", "admin"] },
  {
    area: "outbound",
    label: "Outbound",
    route: { name: "outbound", section: "" },
    roles: ["agent", "supervisor", "admin"],
  },
  {
    area: "supervisor",
    label: "Supervisor",
    route: { name: "supervisor", section: "" },
    roles: ["supervisor", "admin"],
  },
  { area: "admin", label: "Admin", route: { name: "admin", section: "" }, roles: ["admin"] },
];

function useAreas(role: string | undefined) {
  const route = useRoute();
  const current: Area =
    route.name === "supervisor" || route.name === "admin" || route.name === "outbound" ? route.name : "inbox";
  const shown = AREAS.filter((item) => role && item.roles.includes(role));
  return { current, shown: shown.length < 2 ? [] : shown };
}

function follow(event: MouseEvent<HTMLAnchorElement>, route: Route) {
  if (event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(route);
}

/** The same links as menu items, for a header too narrow to hold them (a tablet, a phone). */
export function AreaMenuItems({ role }: { role: string | undefined }) {
  const { current, shown } = useAreas(role);
  if (shown.length === 0) return null;
  return (
    <>
      <Menu.Label>Areas</Menu.Label>
      {shown.map((item) => (
        <Menu.Item
          key={item.area}
          component="a"
          href={item.area === "inbox" ? "/" : `/${item.area}`}
          aria-current={current === item.area ? "page" : undefined}
          fw={current === item.area ? 700 : undefined}
          onClick={(event: MouseEvent<HTMLAnchorElement>) => follow(event, item.route)}
        >
          {item.label}
        </Menu.Item>
      ))}
      <Menu.Divider />
    </>
  );
}

export function AreaNav({ role }: { role: string | undefined }) {
  const { current, shown } = useAreas(role);
  if (shown.length === 0) return null;

  return (
    <Group component="nav" aria-label="Areas" gap={4} wrap="nowrap">
      {shown.map((item) => (
        <Button
          key={item.area}
          component="a"
          href={item.area === "inbox" ? "/" : `/${item.area}`}
          size="compact-sm"
          variant={current === item.area ? "light" : "subtle"}
          color={current === item.area ? "indigo" : "gray"}
          aria-current={current === item.area ? "page" : undefined}
          onClick={(event: MouseEvent<HTMLAnchorElement>) => follow(event, item.route)}
        >
          {item.label}
        </Button>
      ))}
    </Group>
  );
}
