/** The customer's satisfaction rating as the team reads it: stars, the comment, and when. */
import { Group, Text, Tooltip } from "@mantine/core";
import type { CaseSummary } from "../api/types.ts";
import { formatAgo, formatDateTime, formatTime } from "../lib/format.ts";
import { useNow } from "../lib/use-now.ts";
import classes from "./timeline-entry.module.css";

export type Csat = NonNullable<CaseSummary["csat"]>;

/** "★★★★☆": filled stars for the rating, of five. */
export function stars(rating: number): string {
  return "★".repeat(rating) + "☆".repeat(5 - rating);
}

/** Red for 1–2 (the inbox's `low`), amber for 3, teal for 4–5. */
export function csatColor(rating: number): string {
  return rating <= 2 ? "red.7" : rating === 3 ? "yellow.8" : "teal.7";
}

/** The full date and time of the rating in the viewer's zone, for a tooltip. */
const localInstant = formatDateTime;

/** "★★★★☆ 4/5 · 'quick and kind' · rated 3 min ago", for the case header. */
export function CsatSummary({ csat }: { csat: Csat }) {
  const now = useNow(30_000);
  return (
    <Group gap={6} wrap="nowrap" data-testid="case-csat" aria-label={`Customer rating ${csat.rating} of 5`}>
      <Text component="span" fz="sm" c={csatColor(csat.rating)} lts={1} aria-hidden>
        {stars(csat.rating)}
      </Text>
      <Text component="span" fz="sm" fw={600}>
        {csat.rating}/5
      </Text>
      {csat.comment && (
        <Text component="span" fz="sm" c="dimmed" lineClamp={1} maw={320} title={csat.comment}>
          · ‘{csat.comment}’
        </Text>
      )}
      <Tooltip label={localInstant(csat.at)}>
        <Text component="time" dateTime={csat.at} fz="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
          · rated {formatAgo(csat.at, now)}
        </Text>
      </Tooltip>
    </Group>
  );
}

/** The rating as an entry of the timeline, at the time it was given. */
export function CsatTimelineEntry({ csat, customerName }: { csat: Csat; customerName: string }) {
  return (
    <div className={classes.event} data-testid="timeline-entry" data-kind="csat">
      <Text fz="xs" c="dimmed">
        {customerName} rated the case{" "}
        <Text component="span" fz="xs" c={csatColor(csat.rating)} aria-hidden>
          {stars(csat.rating)}
        </Text>{" "}
        <Text component="span" fz="xs" fw={600} c="dark">
          {csat.rating}/5
        </Text>
        {csat.comment ? ` · “${csat.comment}”` : ""} · <time dateTime={csat.at}>{formatTime(csat.at)}</time>
      </Text>
    </div>
  );
}
