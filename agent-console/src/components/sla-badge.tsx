/**
 * The SLA countdown of a case: time left to its nearest due target, amber once at risk, red once
 * breached (with the time since). The status comes from the server's monitor; the clock only counts.
 */
import { Badge } from "@mantine/core";
import { formatDateTime, formatDuration } from "../lib/format.ts";

export function SlaBadge({
  status,
  dueAt,
  now,
  size = "sm",
}: {
  status: string | null | undefined;
  dueAt: string | null | undefined;
  now: number;
  size?: "xs" | "sm";
}) {
  if (!status || !dueAt || status === "met" || status === "met_late") return null;
  const left = Date.parse(dueAt) - now;
  const breached = status === "breached" || left <= 0;
  const color = breached ? "red" : status === "at_risk" ? "yellow" : "gray";
  const text = breached ? `Breached ${formatDuration(-left)} ago` : `${formatDuration(left)} left`;
  return (
    <Badge
      size={size}
      radius="sm"
      color={color}
      variant={breached ? "filled" : "light"}
      data-testid="sla-badge"
      data-sla={breached ? "breached" : status}
      title={`SLA ${breached ? "breached" : status === "at_risk" ? "at risk" : "running"}: due ${formatDateTime(dueAt)}`}
      style={{ fontVariantNumeric: "tabular-nums", flexShrink: 0 }}
    >
      {text}
    </Badge>
  );
}
