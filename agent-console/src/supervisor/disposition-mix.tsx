/** Why customers got in touch today: cases resolved since midnight per disposition code. */
import { Group, Progress, Skeleton, Stack, Text } from "@mantine/core";
import { WallPanel } from "./panel.tsx";
import { useDispositionsToday } from "./queries.ts";

export function DispositionMix() {
  const counts = useDispositionsToday();
  const rows = counts.data ?? [];
  const total = rows.reduce((sum, row) => sum + row.cases, 0);
  return (
    <WallPanel
      title="Contact reasons today"
      label="Contact reasons today"
      aside={total ? `${total} ${total === 1 ? "case" : "cases"} resolved since midnight` : undefined}
    >
      {counts.isPending ? (
        <Skeleton h={60} />
      ) : rows.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No case resolved yet today.
        </Text>
      ) : (
        <Stack gap={6} data-testid="disposition-mix">
          {rows.map((row) => (
            <div key={row.dispositionId ?? "none"} data-testid="disposition-mix-row">
              <Group justify="space-between" gap="xs">
                <Text fz="sm" c={row.label ? undefined : "dimmed"}>
                  {row.label ?? "No disposition given"}
                </Text>
                <Text fz="sm" fw={600}>
                  {row.cases}
                </Text>
              </Group>
              <Progress
                value={(row.cases / total) * 100}
                size="sm"
                color={row.label ? "indigo" : "gray"}
                aria-label={`${row.label ?? "No disposition given"}: ${row.cases} of ${total}`}
              />
            </div>
          ))}
        </Stack>
      )}
    </WallPanel>
  );
}
