/**
 * How much of the agent's capacity each channel uses, as the router counts it (cases held and
 * offered; for voice, live calls, campaign calls included), against their per-channel limit.
 */
import { Group, Text, Tooltip } from "@mantine/core";
import { useMe, useMyLoad } from "../api/queries.ts";
import type { CapacityChannel } from "../api/types.ts";
import { CHANNEL_LABEL } from "../lib/format.ts";

// WhatsApp counts against the SMS capacity.
const ORDER: CapacityChannel[] = ["chat", "email", "sms", "voice"];

export function CapacityMeter() {
  const me = useMe().data;
  const capacity = me?.capacity;
  // Capacity matters while offers come in; away, the header has the reason to show instead.
  const shown = !!capacity && me?.presence === "available";
  const load = useMyLoad(shown).data;
  if (!shown || !load) return null;
  const used = (channel: CapacityChannel) => load[channel] ?? 0;

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
