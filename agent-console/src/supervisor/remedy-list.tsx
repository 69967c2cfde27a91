/** Ranked remedies for one case or queue, each with its predicted effect and an Apply button. */
import { Badge, Button, Group, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { notifyError } from "../admin/notify.ts";
import { REMEDY_LABEL } from "./format.ts";
import { useApplyRemedy } from "./queries.ts";
import type { Remedy } from "./types.ts";

export function RemedyList({ remedies }: { remedies: Remedy[] }) {
  const apply = useApplyRemedy();
  if (!remedies.length)
    return (
      <Text fz="sm" c="dimmed">
        No remedy to recommend right now.
      </Text>
    );

  return (
    <Stack gap={6} component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }}>
      {remedies.map((remedy, index) => {
        const key = `${remedy.kind}-${remedy.caseId ?? remedy.queueId}-${JSON.stringify(remedy.params)}`;
        const busy = apply.isPending && apply.variables === remedy;
        return (
          <Group
            key={key}
            component="li"
            justify="space-between"
            wrap="nowrap"
            gap="sm"
            data-testid="remedy"
            data-kind={remedy.kind}
          >
            <div style={{ minWidth: 0 }}>
              <Group gap={6} wrap="nowrap">
                <Badge
                  size="xs"
                  variant={index === 0 ? "filled" : "light"}
                  color="indigo"
                  style={{ flexShrink: 0 }}
                >
                  {index === 0 ? "Best" : REMEDY_LABEL[remedy.kind]}
                </Badge>
                <Text fz="sm" fw={600} lineClamp={2}>
                  {remedy.title}
                </Text>
              </Group>
              <Text fz="xs" c="dimmed">
                {remedy.predicted.text}
              </Text>
            </div>
            <Button
              size="compact-sm"
              variant={index === 0 ? "filled" : "default"}
              loading={busy}
              disabled={apply.isPending && !busy}
              aria-label={`Apply: ${remedy.title}`}
              onClick={() =>
                apply.mutate(remedy, {
                  onSuccess: () =>
                    notifications.show({ color: "green", title: "Remedy applied", message: remedy.title }),
                  onError: notifyError("Remedy not applied"),
                })
              }
            >
              Apply
            </Button>
          </Group>
        );
      })}
    </Stack>
  );
}
