/** One interaction on the timeline: customer on the left, agent on the right, notes highlighted. */
import { Anchor, Box, Group, Stack, Text } from "@mantine/core";
import type { MouseEvent } from "react";
import type { Interaction } from "../api/types.ts";
import { CHANNEL_LABEL, DELIVERY_LABEL, formatDuration, formatTime, withLocalTimes } from "../lib/format.ts";
import { navigate, pathOf } from "../lib/router.ts";
import { ScheduledReply } from "./send-later.tsx";
import classes from "./timeline-entry.module.css";

function DeliveryStatus({ interaction, customerZone }: { interaction: Interaction; customerZone?: string }) {
  if (interaction.status === "scheduled")
    return <ScheduledReply interaction={interaction} customerZone={customerZone} />;
  const failed = interaction.status === "failed";
  return (
    <Text
      component="span"
      fz="xs"
      c={failed ? "red.7" : interaction.status === "delivered" ? "teal.7" : "dimmed"}
      data-testid="delivery-status"
    >
      {DELIVERY_LABEL[interaction.status]}
      {failed && interaction.statusReason ? `: ${withLocalTimes(interaction.statusReason)}` : ""}
    </Text>
  );
}

interface Recording {
  sid?: string;
  url?: string | null;
  durationSeconds?: number | null;
}

/** A call's recordings (and a voicemail's), as links the browser can play. */
function CallRecordings({ metadata }: { metadata: Record<string, unknown> }) {
  const recordings: Recording[] = [
    ...(Array.isArray(metadata.recordings) ? (metadata.recordings as Recording[]) : []),
    ...(metadata.recording && typeof metadata.recording === "object"
      ? [metadata.recording as Recording]
      : []),
  ].filter((recording) => recording.url);
  if (!recordings.length) return null;
  return (
    <Stack gap={2} mt={4}>
      {recordings.map((recording, index) => (
        <Anchor key={recording.sid ?? index} href={recording.url!} target="_blank" rel="noreferrer" fz="xs">
          Recording {recordings.length > 1 ? index + 1 : ""}
          {recording.durationSeconds ? ` (${formatDuration(recording.durationSeconds * 1000)})` : ""}
        </Anchor>
      ))}
    </Stack>
  );
}

type FromCase = { id: string; number: number } | undefined;

/** A change of state, as a dimmed line across the timeline. */
function StatusEventLine({ interaction, fromCase }: { interaction: Interaction; fromCase: FromCase }) {
  return (
    <div
      className={classes.event}
      data-testid="timeline-entry"
      data-kind="status_event"
      data-other-case={fromCase ? "" : undefined}
    >
      <Text fz="xs" c="dimmed">
        {fromCase ? `#${fromCase.number}: ` : ""}
        {interaction.body} · {formatTime(interaction.createdAt)}
      </Text>
    </div>
  );
}

/** The bubble's content: a note or call label, the text, a call's recordings, an email's CC. */
function EntryBubble({ interaction, side }: { interaction: Interaction; side: "customer" | "agent" }) {
  const isNote = interaction.kind === "note";
  const cc = Array.isArray(interaction.metadata?.cc) ? (interaction.metadata.cc as string[]) : [];
  return (
    <div className={classes.bubble} data-note={isNote || undefined} data-side={side}>
      {isNote && (
        <Text fz={11} fw={700} tt="uppercase" c="yellow.9" lts={0.4} mb={2}>
          Internal note
        </Text>
      )}
      {interaction.kind === "call" && (
        <Text fz={11} fw={700} tt="uppercase" c="dimmed" lts={0.4} mb={2}>
          Call
        </Text>
      )}
      <Text fz="sm" className={classes.body}>
        {interaction.body}
      </Text>
      {interaction.kind === "call" && interaction.metadata && (
        <CallRecordings metadata={interaction.metadata} />
      )}
      {cc.length > 0 && (
        <Text fz="xs" c="dimmed" mt={4}>
          CC: {cc.join(", ")}
        </Text>
      )}
    </div>
  );
}

/** The link to the other case an entry of the combined timeline belongs to. */
function OtherCaseLink({ fromCase }: { fromCase: NonNullable<FromCase> }) {
  return (
    <Anchor
      href={pathOf({ name: "case", caseId: fromCase.id })}
      fz="xs"
      mr={4}
      onClick={(event: MouseEvent) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate({ name: "case", caseId: fromCase.id });
      }}
    >
      #{fromCase.number}
    </Anchor>
  );
}

export function TimelineEntry({
  interaction,
  customerName,
  showChannel = false,
  fromCase,
  customerZone,
}: {
  interaction: Interaction;
  customerName: string;
  /** The customer's zone: a scheduled reply's time is shown in it and in the viewer's. */
  customerZone?: string;
  showChannel?: boolean;
  /** Set when the entry belongs to another of the customer's cases, shown on the combined timeline. */
  fromCase?: FromCase;
}) {
  if (interaction.kind === "status_event")
    return <StatusEventLine interaction={interaction} fromCase={fromCase} />;

  const side = interaction.direction === "inbound" ? "customer" : "agent";
  const who = side === "customer" ? customerName : (interaction.author?.name ?? "Agent");

  return (
    <Box
      component="article"
      className={classes.row}
      data-side={side}
      data-testid="timeline-entry"
      data-kind={interaction.kind}
      data-direction={interaction.direction}
      data-other-case={fromCase ? "" : undefined}
      style={fromCase ? { opacity: 0.75 } : undefined}
    >
      <EntryBubble interaction={interaction} side={side} />
      <Group gap={6} className={classes.meta} justify={side === "customer" ? "flex-start" : "flex-end"}>
        <Text component="span" fz="xs" c="dimmed">
          {fromCase && <OtherCaseLink fromCase={fromCase} />}
          {who}
          {showChannel || fromCase ? ` · ${CHANNEL_LABEL[interaction.channel]}` : ""} ·{" "}
          <time dateTime={interaction.createdAt}>{formatTime(interaction.createdAt)}</time>
        </Text>
        {side === "agent" && interaction.kind === "message" && (
          <DeliveryStatus interaction={interaction} customerZone={customerZone} />
        )}
      </Group>
    </Box>
  );
}
