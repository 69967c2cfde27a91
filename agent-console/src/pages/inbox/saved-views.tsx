/**
 * Saved views in the inbox header: a menu of the agent's own views and the shared ones (choosing
 * one opens its filters' URL), and "Save view" to keep the filters now in the URL.
 */
import { ActionIcon, Button, Checkbox, Group, Menu, Popover, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { type SavedView, useDeleteView, useSavedViews, useSaveView } from "../../api/inbox-queries.ts";
import { useMe } from "../../api/queries.ts";
import { navigateTo } from "../../lib/router.ts";

function ViewItems({ views, current }: { views: SavedView[]; current: string }) {
  const remove = useDeleteView();
  return views.map((view) => (
    <Menu.Item
      key={view.id}
      component="a"
      href={`/?${view.query}`}
      data-testid="saved-view"
      fw={view.query === current ? 700 : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigateTo(`/?${view.query}`);
      }}
      rightSection={
        view.canChange ? (
          <ActionIcon
            size="xs"
            variant="subtle"
            color="gray"
            aria-label={`Delete the view ${view.name}`}
            onClick={(event) => {
              event.preventDefault();
              event.stopPropagation();
              remove.mutate(view.id, {
                onError: (error) =>
                  notifications.show({
                    color: "red",
                    title: "View not deleted",
                    message: errorMessage(error),
                  }),
              });
            }}
          >
            ×
          </ActionIcon>
        ) : null
      }
    >
      {view.name}
    </Menu.Item>
  ));
}

/** The views menu: mine first, then the team's shared ones. */
export function ViewsMenu({ current }: { current: string }) {
  const views = useSavedViews().data ?? [];
  const mine = views.filter((view) => !view.shared);
  const shared = views.filter((view) => view.shared);
  return (
    <Menu position="bottom-end" width={260} closeOnItemClick>
      <Menu.Target>
        <Button size="xs" variant="default" data-testid="views-menu">
          Views{views.length ? ` (${views.length})` : ""}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>My views</Menu.Label>
        {mine.length ? (
          <ViewItems views={mine} current={current} />
        ) : (
          <Text fz="xs" c="dimmed" px="sm" pb={4}>
            None yet: set filters, then Save view.
          </Text>
        )}
        <Menu.Divider />
        <Menu.Label>Shared with the team</Menu.Label>
        {shared.length ? (
          <ViewItems views={shared} current={current} />
        ) : (
          <Text fz="xs" c="dimmed" px="sm" pb={4}>
            None yet: supervisors share views.
          </Text>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/** Saves the inbox's current filters (its URL query) under a name; supervisors may share it. */
export function SaveViewButton({ query }: { query: string }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = useSaveView();
  const mayShare = (useMe().data?.role ?? "agent") !== "agent";

  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    save.mutate(
      { name: name.trim(), query, shared: mayShare && shared },
      {
        onSuccess: (view) => {
          setOpen(false);
          setName("");
          setShared(false);
          notifications.show({
            color: "green",
            message: `Saved “${view.name}”${view.shared ? " for the team" : ""}.`,
          });
        },
        onError: (failure) => setError(errorMessage(failure)),
      },
    );
  }

  return (
    <Popover opened={open} onChange={setOpen} width={280} position="bottom-end" withArrow trapFocus>
      <Popover.Target>
        <Button size="xs" variant="light" onClick={() => setOpen((value) => !value)}>
          Save view
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <form onSubmit={submit} aria-label="Save view">
          <Stack gap="xs">
            <TextInput
              size="xs"
              label="View name"
              placeholder="e.g. Urgent chats"
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={error}
              maxLength={80}
              data-autofocus
            />
            {mayShare && (
              <Checkbox
                size="xs"
                label="Share with the team"
                checked={shared}
                onChange={(event) => setShared(event.currentTarget.checked)}
              />
            )}
            <Group justify="flex-end">
              <Button size="xs" type="submit" loading={save.isPending} disabled={!name.trim()}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}
