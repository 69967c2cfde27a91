/** Links between the inbox, the supervisor wall and the admin pages, as far as the role allows. */
import { Button, Group } from "@mantine/core";
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

export function AreaNav({ role }: { role: string | undefined }) {
  const route = useRoute();
  const current: Area =
    route.name === "supervisor" || route.name === "admin" || route.name === "outbound" ? route.name : "inbox";
  const shown = AREAS.filter((item) => role && item.roles.includes(role));
  if (shown.length < 2) return null;

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
          onClick={(event: MouseEvent<HTMLAnchorElement>) => {
            if (event.metaKey || event.ctrlKey || event.shiftKey) return;
            event.preventDefault();
            navigate(item.route);
          }}
        >
          {item.label}
        </Button>
      ))}
    </Group>
  );
}
