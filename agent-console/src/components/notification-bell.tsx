/**
 * The bell: mentions kept while the agent was away (or missed on screen), newest first, with the
 * unread count. Opening one goes to its case and marks it read; "Mark all read" clears the count.
 */
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import { queryKeys } from "../api/query-keys.ts";
import { formatAgo, formatDateTime } from "../lib/format.ts";
import { navigate } from "../lib/router.ts";
import { useNow } from "../lib/use-now.ts";

const NOTIFICATIONS_KEY = queryKeys.notifications;

interface AgentNotification {
  id: string;
  kind: "mention";
  caseId: string;
  caseNumber: number;
  by: { id: string; name: string } | null;
  excerpt: string;
  createdAt: string;
  readAt: string | null;
}

function useNotifications() {
  return useQuery({
    queryKey: NOTIFICATIONS_KEY,
    queryFn: () => api.get<{ items: AgentNotification[]; unread: number }>("/api/me/notifications?limit=30"),
    staleTime: 30_000,
    refetchInterval: 120_000,
  });
}

function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) => api.post("/api/me/notifications/read", ids ? { ids } : {}),
    onSuccess: () => void client.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
}

function BellGlyph() {
  return (
    <svg
      width="18"
      height="18"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** One notification: who mentioned the agent on which case, when, and what they wrote. */
function NotificationItem({ item, now, onOpen }: { item: AgentNotification; now: number; onOpen(): void }) {
  return (
    <UnstyledButton
      p={6}
      data-testid="notification-item"
      data-unread={item.readAt ? undefined : "true"}
      style={{
        borderRadius: 6,
        background: item.readAt ? undefined : "var(--mantine-color-indigo-0)",
      }}
      onClick={onOpen}
    >
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text fz="sm" fw={item.readAt ? 400 : 600}>
          {item.by?.name ?? "A colleague"} mentioned you on case #{item.caseNumber}
        </Text>
        <Text fz="xs" c="dimmed" title={formatDateTime(item.createdAt)} style={{ flexShrink: 0 }}>
          {formatAgo(item.createdAt, now)}
        </Text>
      </Group>
      <Text fz="xs" c="dimmed" lineClamp={2}>
        {item.excerpt}
      </Text>
      {!item.readAt && (
        <Badge size="xs" variant="light" mt={2}>
          new
        </Badge>
      )}
    </UnstyledButton>
  );
}

export function NotificationBell() {
  const list = useNotifications().data;
  const markRead = useMarkRead();
  const now = useNow(30_000);
  const unread = list?.unread ?? 0;
  return (
    <Popover position="bottom-end" width={360} shadow="md" withinPortal>
      <Popover.Target>
        <Indicator label={unread} size={16} disabled={unread === 0} color="red" offset={4}>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={unread ? `Notifications: ${unread} unread` : "Notifications"}
            data-testid="notification-bell"
          >
            <BellGlyph />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p="xs">
        <Group justify="space-between" mb={6}>
          <Text fw={700} fz="sm">
            Notifications
          </Text>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={!unread}
            onClick={() => markRead.mutate(undefined)}
          >
            Mark all read
          </Button>
        </Group>
        {!list?.items.length ? (
          <Text fz="sm" c="dimmed" py="sm">
            Nothing yet. When a colleague mentions you in a note, it shows here, also if you were away.
          </Text>
        ) : (
          <ScrollArea.Autosize mah={360}>
            <Stack gap={4}>
              {list.items.map((item) => (
                <NotificationItem
                  key={item.id}
                  item={item}
                  now={now}
                  onOpen={() => {
                    if (!item.readAt) markRead.mutate([item.id]);
                    navigate({ name: "case", caseId: item.caseId });
                  }}
                />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
