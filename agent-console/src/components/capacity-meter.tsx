/**
 * How much of the agent's capacity each channel uses: cases assigned to them (or waiting on the
 * customer), as the router counts them, against their per-channel limit.
 */
import { Group, Text, Tooltip } from "@mantine/core";
import { useCaseList, useMe } from "../api/queries.ts";
import type { Channel } from "../api/types.ts";
import { CHANNEL_LABEL } from "../lib/format.ts";

const ORDER: Channel[] = ["chat", "email", "sms", "voice"];

export function CapacityMeter() {
  const me = useMe().data;
  const capacity = me?.capacity;
  const mine = useCaseList("mine").data?.items;
  // Capacity matters while offers come in; away, the header has the reason to show instead.
  if (!capacity || me?.presence !== "available") return null;
  const used = (channel: Channel) =>
    (mine ?? []).filter(
      (item) =>
        item.channel === channel && (item.state === "assigned" || item.state === "waiting_on_customer"),
    ).length;

  return (
    <Group
      gap={10}
      wrap="nowrap"
      role="group"
      aria-label="Capacity in use"
      data-testid="capacity"
      visibleFrom="lg"
    >
      {ORDER.filter((channel) => capacity[channel] > 0).map((channel) => {
        const inUse = used(channel);
        const full = inUse >= capacity[channel];
        return (
          <Tooltip key={channel} label={`${CHANNEL_LABEL[channel]}: ${inUse} of ${capacity[channel]} in use`}>
            <Text
              fz="xs"
              c={full ? "red.7" : "dimmed"}
              fw={full ? 700 : 500}
              style={{ whiteSpace: "nowrap" }}
            >
              {CHANNEL_LABEL[channel]} {inUse}/{capacity[channel]}
            </Text>
          </Tooltip>
        );
      })}
    </Group>
  );
}
