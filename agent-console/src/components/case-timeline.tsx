/** The conversation, oldest first; follows new messages unless the agent has scrolled up to read. */
import { Stack, Text } from "@mantine/core";
import { useLayoutEffect, useRef } from "react";
import type { HistoryInteraction } from "../api/queries.ts";
import type { Channel } from "../api/types.ts";
import { type Csat, CsatTimelineEntry } from "./csat-rating.tsx";
import { TimelineEntry } from "./timeline-entry.tsx";

const NEAR_BOTTOM_PX = 120;

export function CaseTimeline({
  interactions,
  customerName,
  channel,
  csat = null,
  customerZone,
}: {
  interactions: HistoryInteraction[];
  customerName: string;
  channel: Channel;
  /** The customer's zone, for scheduled replies' times. */
  customerZone?: string;
  /** The case's rating, shown among the entries at the time it was given. */
  csat?: Csat | null;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls when the number of entries changes.
  useLayoutEffect(() => {
    const element = viewport.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [interactions.length, csat?.at]);

  // The rating goes after the last entry older than it (ISO instants in UTC compare as strings).
  const ratedAfter = csat ? interactions.filter((entry) => entry.createdAt <= csat.at).length : 0;
  const rating = csat && <CsatTimelineEntry key="csat" csat={csat} customerName={customerName} />;

  const entryOf = (interaction: HistoryInteraction) => (
    <TimelineEntry
      key={interaction.id}
      interaction={interaction}
      customerName={customerName}
      showChannel={interaction.channel !== channel}
      fromCase={interaction.fromCase}
      customerZone={customerZone}
    />
  );

  return (
    <div
      ref={viewport}
      role="log"
      aria-label="Conversation"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll it by keyboard (WCAG 2.1.1).
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
      }}
      style={{ flex: 1, overflowY: "auto", padding: "20px 24px", outlineOffset: -2 }}
    >
      {interactions.length === 0 && !csat ? (
        <Text c="dimmed" ta="center" fz="sm" py="xl">
          No messages yet.
        </Text>
      ) : (
        <Stack gap="md">
          {interactions.slice(0, ratedAfter).map(entryOf)}
          {rating}
          {interactions.slice(ratedAfter).map(entryOf)}
        </Stack>
      )}
    </div>
  );
}
