/** One incoming conversation reserved for this agent: who, what, how long they waited, and time to answer. */
import { Alert, Badge, Button, Group, Paper, Progress, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useQueues } from "../api/queries.ts";
import { answerOffer } from "../api/socket.ts";
import type { Offer } from "../api/types.ts";
import { contactName, formatDuration, PRIORITY_COLOR } from "../lib/format.ts";
import { useNow } from "../lib/use-now.ts";
import { ChannelBadge } from "./channel-badge.tsx";

interface OfferCardProps {
  offer: Offer & { receivedAt: number };
  onAccepted(caseId: string): void;
  onGone(offerId: string): void;
}

/** Accepting or rejecting over the socket: which answer is pending, and why the server refused. */
function useOfferAnswer({ offer, onAccepted, onGone }: OfferCardProps) {
  const [pending, setPending] = useState<"accept" | "reject" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function answer(kind: "accept" | "reject") {
    setPending(kind);
    setError(null);
    const result = await answerOffer(kind === "accept" ? "offer.accept" : "offer.reject", offer.offerId);
    setPending(null);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    onGone(offer.offerId);
    if (kind === "accept") onAccepted(result.caseId ?? offer.caseId);
  }

  return { pending, error, answer };
}

/** Channel and priority, the case number, the customer and the subject. */
function OfferSummary({ offer, titleId }: { offer: OfferCardProps["offer"]; titleId: string }) {
  return (
    <>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap={6} wrap="nowrap">
          <ChannelBadge channel={offer.channel} />
          {offer.priority !== "normal" && (
            <Badge size="sm" variant="light" color={PRIORITY_COLOR[offer.priority]} radius="sm">
              {offer.priority}
            </Badge>
          )}
        </Group>
        <Text fz="xs" c="dimmed">
          #{offer.caseNumber}
        </Text>
      </Group>
      <div>
        <Text fw={600} fz="sm" id={titleId}>
          {contactName(offer.contact)}
        </Text>
        <Text fz="sm" lineClamp={2} c="gray.7">
          {offer.subject || "(no subject)"}
        </Text>
      </div>
    </>
  );
}

/** How long the customer waited, and the time left to answer as text and as a bar. */
function OfferClock({ offer, now }: { offer: OfferCardProps["offer"]; now: number }) {
  const queueName = useQueues().data?.find((queue) => queue.id === offer.queueId)?.name;
  const expiresAt = Date.parse(offer.expiresAt);
  const remaining = Math.max(0, expiresAt - now);
  // The window as this console saw it; the server's clock decides, this only draws the bar.
  const window = Math.max(1, expiresAt - Math.min(offer.receivedAt, expiresAt - 1));

  return (
    <>
      <Group justify="space-between" gap="xs">
        <Text fz="xs" c="dimmed" data-testid="offer-waited">
          {queueName ? `${queueName} · ` : ""}waited {formatDuration(now - Date.parse(offer.waitingSince))}
        </Text>
        <Text fz="xs" fw={600} c={remaining < 10_000 ? "red.7" : "gray.7"} aria-live="off">
          {remaining === 0 ? "Expired" : `${Math.ceil(remaining / 1000)}s to answer`}
        </Text>
      </Group>
      <Progress
        value={(remaining / window) * 100}
        color={remaining < 10_000 ? "red" : "indigo"}
        size="xs"
        aria-label="Time left to answer"
        transitionDuration={450}
      />
    </>
  );
}

export function OfferCard(props: OfferCardProps) {
  const { offer } = props;
  const now = useNow(500);
  const { pending, error, answer } = useOfferAnswer(props);
  // One clock for the countdown and the buttons, so "Expired" and the disabled buttons agree.
  const expired = Date.parse(offer.expiresAt) <= now;
  const titleId = `offer-${offer.offerId}-title`;

  return (
    <Paper
      component="article"
      aria-labelledby={titleId}
      data-testid="offer-card"
      data-offer-id={offer.offerId}
      withBorder
      shadow="sm"
      p="sm"
      radius="md"
      style={{ borderLeft: "4px solid var(--mantine-color-indigo-6)" }}
    >
      <Stack gap={8}>
        <OfferSummary offer={offer} titleId={titleId} />
        <OfferClock offer={offer} now={now} />
        {error && (
          <Alert color="red" variant="light" p="xs" role="alert">
            <Text fz="xs">{error}</Text>
          </Alert>
        )}
        <Group grow gap="xs">
          <Button
            size="xs"
            color="green"
            onClick={() => void answer("accept")}
            loading={pending === "accept"}
            disabled={expired || pending === "reject"}
            aria-describedby={titleId}
          >
            Accept
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => void answer("reject")}
            loading={pending === "reject"}
            disabled={expired || pending === "accept"}
            aria-describedby={titleId}
          >
            Reject
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
