/**
 * "Send later" in the composer — times offered in the customer's zone, each also shown in the
 * agent's — and a scheduled reply on the timeline, with Cancel while it still waits.
 */
import { Button, Group, Menu, Text, TextInput } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { applyInteractionStatus } from "../api/cache.ts";
import { errorMessage, request } from "../api/client.ts";
import type { Interaction } from "../api/types.ts";
import { atCustomerHour, daysToMonday, describeSendAt, instantInZone } from "../lib/send-later-times.ts";

interface SendLaterProps {
  customerZone: string;
  disabled: boolean;
  onPick(sendAt: Date): void;
}

/** The preset times, computed when the menu opens. */
function presets(zone: string, now: Date): Date[] {
  const inAnHour = new Date(Math.ceil((now.getTime() + 60 * 60_000) / 60_000) * 60_000);
  return [
    inAnHour,
    atCustomerHour(now, zone, 1, 9),
    atCustomerHour(now, zone, 1, 14),
    atCustomerHour(now, zone, daysToMonday(now, zone), 9),
  ];
}

export function SendLaterMenu({ customerZone, disabled, onPick }: SendLaterProps) {
  const [custom, setCustom] = useState("");
  const now = new Date();
  const customAt = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(custom);
  const customInstant = customAt
    ? instantInZone(
        Number(customAt[1]),
        Number(customAt[2]),
        Number(customAt[3]),
        Number(customAt[4]),
        Number(customAt[5]),
        customerZone,
      )
    : null;
  return (
    <Menu position="top-end" withinPortal closeOnItemClick>
      <Menu.Target>
        <Button size="sm" variant="default" disabled={disabled} data-testid="send-later">
          Send later
        </Button>
      </Menu.Target>
      <Menu.Dropdown data-testid="send-later-menu">
        <Menu.Label>Customer's time ({customerZone})</Menu.Label>
        {presets(customerZone, now).map((at) => (
          <Menu.Item key={at.toISOString()} onClick={() => onPick(at)}>
            {describeSendAt(at, customerZone, now)}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Group gap={6} px="xs" pb={6} wrap="nowrap">
          <TextInput
            size="xs"
            type="datetime-local"
            aria-label="Send at (customer's time)"
            value={custom}
            onChange={(event) => setCustom(event.currentTarget.value)}
          />
          <Button
            size="compact-xs"
            disabled={!customInstant}
            onClick={() => customInstant && onPick(customInstant)}
          >
            Schedule
          </Button>
        </Group>
        {customInstant && (
          <Text fz="xs" c="dimmed" px="xs" pb={6}>
            {describeSendAt(customInstant, customerZone, now)}
          </Text>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/** A reply waiting for its time: when it leaves, in both zones, and Cancel. */
export function ScheduledReply({
  interaction,
  customerZone,
}: {
  interaction: Interaction;
  customerZone?: string;
}) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const sendAt = interaction.sendAt ? new Date(interaction.sendAt) : null;
  async function cancel() {
    setPending(true);
    try {
      const cancelled = await request<Interaction>(
        "DELETE",
        `/api/cases/${encodeURIComponent(interaction.caseId)}/replies/${encodeURIComponent(interaction.id)}/schedule`,
      );
      applyInteractionStatus(client, {
        caseId: cancelled.caseId,
        interactionId: cancelled.id,
        status: cancelled.status,
        reason: cancelled.statusReason,
      });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setPending(false);
    }
  }
  return (
    <Group gap={6} data-testid="scheduled-reply">
      <Text component="span" fz="xs" c="blue.7" fw={600}>
        Scheduled{sendAt ? `: ${describeSendAt(sendAt, customerZone ?? "UTC")}` : ""}
      </Text>
      <Button size="compact-xs" variant="subtle" color="red" loading={pending} onClick={cancel}>
        Cancel
      </Button>
      {error && (
        <Text component="span" fz="xs" c="red.7" role="alert">
          {error}
        </Text>
      )}
    </Group>
  );
}
