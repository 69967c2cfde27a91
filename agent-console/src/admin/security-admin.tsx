/** Security: which roles must sign in with a second factor (two-factor sign-in), and single sign-on. */
import { Alert, Button, Checkbox, Divider, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import { send } from "./http.ts";
import { notifyError } from "./notify.ts";
import { SsoAdmin } from "./sso-admin.tsx";

type Role = "agent" | "supervisor" | "admin";
const ROLES: { role: Role; label: string }[] = [
  { role: "agent", label: "Agents" },
  { role: "supervisor", label: "Supervisors" },
  { role: "admin", label: "Admins" },
];
const KEY = ["settings", "two-factor"] as const;

export function SecurityAdmin() {
  const client = useQueryClient();
  const setting = useQuery({
    queryKey: KEY,
    queryFn: () => api.get<{ requiredFor: Role[] }>("/api/settings/2fa"),
  });
  const [roles, setRoles] = useState<Role[]>([]);
  useEffect(() => {
    if (setting.data) setRoles(setting.data.requiredFor);
  }, [setting.data]);
  const save = useMutation({
    mutationFn: (requiredFor: Role[]) =>
      send<{ requiredFor: Role[] }>("PUT", "/api/settings/2fa", { requiredFor }),
    onSuccess: (saved) => {
      client.setQueryData(KEY, saved);
      notifications.show({ color: "teal", message: "Two-factor sign-in requirement saved." });
    },
    onError: notifyError("Could not save"),
  });

  return (
    <Stack gap="md" maw={640}>
      <Title order={2} fz="h3">
        Security
      </Title>
      <Stack gap="xs">
        <Text fw={600}>Require two-factor sign-in for</Text>
        <Text fz="sm" c="dimmed">
          From their next sign-in, people of these roles who have not set up an authenticator app must do so
          before they get into the console. Sessions already open go on.
        </Text>
        <Checkbox.Group value={roles} onChange={(value) => setRoles(value as Role[])}>
          <Group gap="lg" mt={4}>
            {ROLES.map(({ role, label }) => (
              <Checkbox key={role} value={role} label={label} />
            ))}
          </Group>
        </Checkbox.Group>
      </Stack>
      {setting.error && <Alert color="red">{errorMessage(setting.error)}</Alert>}
      <Group>
        <Button onClick={() => save.mutate(roles)} loading={save.isPending} disabled={!setting.data}>
          Save
        </Button>
      </Group>
      <Divider my="sm" />
      <SsoAdmin />
    </Stack>
  );
}
