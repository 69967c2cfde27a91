/**
 * The agent's own time zone, from the account menu: a searchable list of the zones this browser
 * knows, with "Use this browser's zone" first. Saving it re-renders every time on screen in the zone.
 */
import { Alert, Button, Group, Modal, Select, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import { queryKeys } from "../api/query-keys.ts";
import type { Agent } from "../api/types.ts";
import { formatDateTimeWithZone } from "../lib/format.ts";
import { browserTimeZone } from "../lib/viewer-zone.ts";
import { useSession } from "../state/session-store.ts";

/** The Select's value for "no zone of my own". */
const BROWSER = "browser";

/** Every zone this browser can show times in, plus UTC (some browsers leave it out of the list). */
function zoneOptions(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

function useSaveTimeZone(onSaved: () => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (timeZone: string | null) => api.put<Agent>("/api/me/time-zone", { timeZone }),
    onSuccess: (agent) => {
      client.setQueryData(queryKeys.me, agent);
      useSession.getState().timeZoneChanged(agent.timeZone);
      notifications.show({
        color: "green",
        message: `Times are now shown in ${agent.timeZone ?? `this browser's zone (${browserTimeZone()})`}.`,
      });
      onSaved();
    },
  });
}

/** The dialog's body: mounted when it opens, so it starts from the zone saved now. */
function TimeZoneForm({ onClose }: { onClose(): void }) {
  const current = useSession((state) => state.agent?.timeZone ?? null);
  const [choice, setChoice] = useState<string>(current ?? BROWSER);
  const save = useSaveTimeZone(onClose);
  const browser = browserTimeZone();
  const data = useMemo(
    () => [
      { value: BROWSER, label: `Use this browser's zone (${browser})` },
      ...zoneOptions().map((zone) => ({ value: zone, label: zone.replaceAll("_", " ") })),
    ],
    [browser],
  );
  const preview = useMemo(
    () => formatWithZone(new Date().toISOString(), choice === BROWSER ? browser : choice),
    [choice, browser],
  );

  return (
    <Stack gap="sm">
      <Select
        label="Show times in"
        searchable
        data={data}
        value={choice}
        onChange={(value) => setChoice(value ?? BROWSER)}
        limit={60}
        nothingFoundMessage="No zone by that name: try a city such as Paris or New York"
        comboboxProps={{ withinPortal: true }}
        data-autofocus
      />
      <Text fz="sm" c="dimmed" data-testid="time-zone-preview">
        Now: {preview}
      </Text>
      {save.isError && (
        <Alert color="red" title="The zone was not saved">
          {errorMessage(save.error)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button loading={save.isPending} onClick={() => save.mutate(choice === BROWSER ? null : choice)}>
          Save
        </Button>
      </Group>
    </Stack>
  );
}

/** A time in a given zone (not the saved one): the preview of a choice before it is saved. */
function formatWithZone(iso: string, timeZone: string): string {
  try {
    return new Date(iso).toLocaleString(undefined, {
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
      timeZone,
    });
  } catch {
    return formatDateTimeWithZone(iso);
  }
}

export function TimeZoneDialog({ opened, onClose }: { opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Time zone" centered>
      {opened && <TimeZoneForm onClose={onClose} />}
    </Modal>
  );
}
