import { Badge } from "@mantine/core";
import type { Channel } from "../api/types.ts";
import { CHANNEL_COLOR, CHANNEL_LABEL } from "../lib/format.ts";

export function ChannelBadge({ channel, size = "sm" }: { channel: Channel; size?: "xs" | "sm" | "md" }) {
  return (
    <Badge size={size} variant="light" color={CHANNEL_COLOR[channel]} radius="sm">
      {CHANNEL_LABEL[channel]}
    </Badge>
  );
}
