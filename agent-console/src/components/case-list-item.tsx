import { Badge, Group, Text, UnstyledButton } from "@mantine/core";
import type { MouseEvent } from "react";
import type { CaseSummary } from "../api/types.ts";
import { contactName, formatAgo, STATE_COLOR, STATE_LABEL } from "../lib/format.ts";
import { navigate, pathOf } from "../lib/router.ts";
import classes from "./case-list-item.module.css";
import { ChannelBadge } from "./channel-badge.tsx";

interface CaseListItemProps {
  summary: CaseSummary;
  selected: boolean;
  now: number;
}

export function CaseListItem({ summary, selected, now }: CaseListItemProps) {
  const route = { name: "case", caseId: summary.id } as const;

  function open(event: MouseEvent) {
    // Let the browser handle new-tab clicks; a plain click stays in the app.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(route);
  }

  return (
    <UnstyledButton
      component="a"
      href={pathOf(route)}
      onClick={open}
      className={classes.item}
      data-selected={selected || undefined}
      aria-current={selected ? "page" : undefined}
      data-testid="case-list-item"
    >
      <Group justify="space-between" wrap="nowrap" gap="xs" mb={2}>
        <Text fz="sm" fw={600} truncate>
          {contactName(summary.contact)}
        </Text>
        <Text fz="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {formatAgo(summary.updatedAt, now)}
        </Text>
      </Group>
      <Text fz="sm" c="gray.7" truncate mb={6}>
        {summary.subject || "(no subject)"}
      </Text>
      <Group gap={6} wrap="nowrap">
        <ChannelBadge channel={summary.channel} size="xs" />
        <Badge size="xs" variant="outline" color={STATE_COLOR[summary.state]} radius="sm">
          {STATE_LABEL[summary.state]}
        </Badge>
        {(summary.priority === "high" || summary.priority === "urgent") && (
          <Badge
            size="xs"
            variant="filled"
            color={summary.priority === "urgent" ? "red" : "orange"}
            radius="sm"
          >
            {summary.priority}
          </Badge>
        )}
        <Text fz="xs" c="dimmed" ml="auto">
          #{summary.number}
        </Text>
      </Group>
    </UnstyledButton>
  );
}
