/**
 * Admin → Security → Single sign-on: the OpenID Connect provider, the client, how a claim sets
 * roles, and just-in-time creation. The client secret is write-only; settings made by OIDC_*
 * environment variables are shown read-only.
 */
import {
  Alert,
  Button,
  Code,
  Group,
  PasswordInput,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import { send } from "./http.ts";
import { notifyError } from "./notify.ts";

type Role = "agent" | "supervisor" | "admin";
const ROLES: Role[] = ["agent", "supervisor", "admin"];

interface SsoSettings {
  source: "environment" | "settings" | "none";
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientSecretSet: boolean;
  roleClaim: string | null;
  roleMap: Record<string, Role>;
  createUsers: boolean;
  buttonLabel: string;
  callbackUrl: string;
}

interface Draft {
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  roleMap: string;
  createUsers: boolean;
  buttonLabel: string;
}

const KEY = ["settings", "sso"] as const;

const draftOf = (s: SsoSettings): Draft => ({
  enabled: s.enabled,
  issuer: s.issuer,
  clientId: s.clientId,
  clientSecret: "",
  roleClaim: s.roleClaim ?? "",
  roleMap: Object.entries(s.roleMap)
    .map(([value, role]) => `${value}=${role}`)
    .join("\n"),
  createUsers: s.createUsers,
  buttonLabel: s.buttonLabel,
});

/** "value=role" per line (or comma); throws naming the line that is not. */
function parseRoleMap(text: string): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const line of text.split(/[\n,]/).map((part) => part.trim())) {
    if (!line) continue;
    const at = line.lastIndexOf("=");
    const role = line.slice(at + 1).trim() as Role;
    if (at <= 0 || !ROLES.includes(role))
      throw new Error(`"${line}" is not value=role (role: agent, supervisor or admin).`);
    map[line.slice(0, at).trim()] = role;
  }
  return map;
}

function bodyOf(draft: Draft) {
  return {
    enabled: draft.enabled,
    issuer: draft.issuer.trim(),
    clientId: draft.clientId.trim(),
    ...(draft.clientSecret ? { clientSecret: draft.clientSecret } : {}),
    roleClaim: draft.roleClaim.trim() || null,
    roleMap: parseRoleMap(draft.roleMap),
    createUsers: draft.createUsers,
    buttonLabel: draft.buttonLabel.trim(),
  };
}

function useSsoSettings() {
  const client = useQueryClient();
  const settings = useQuery({ queryKey: KEY, queryFn: () => api.get<SsoSettings>("/api/admin/sso") });
  const save = useMutation({
    mutationFn: (draft: Draft) => send<SsoSettings>("PUT", "/api/admin/sso", bodyOf(draft)),
    onSuccess: (saved) => {
      client.setQueryData(KEY, saved);
      notifications.show({ color: "teal", message: "Single sign-on settings saved." });
    },
    onError: notifyError("Could not save"),
  });
  return { settings, save };
}

function SsoFields({
  draft,
  set,
  secretSet,
}: {
  draft: Draft;
  set: (d: Partial<Draft>) => void;
  secretSet: boolean;
}) {
  return (
    <>
      <Switch
        label="Single sign-on on"
        checked={draft.enabled}
        onChange={(e) => set({ enabled: e.currentTarget.checked })}
      />
      <TextInput
        label="Issuer URL"
        description="The provider's issuer, e.g. https://acme.okta.com"
        value={draft.issuer}
        onChange={(e) => set({ issuer: e.currentTarget.value })}
      />
      <Group grow align="flex-start">
        <TextInput
          label="Client ID"
          value={draft.clientId}
          onChange={(e) => set({ clientId: e.currentTarget.value })}
        />
        <PasswordInput
          label="Client secret"
          placeholder={secretSet ? "Stored; leave empty to keep it" : "From the provider"}
          autoComplete="new-password"
          value={draft.clientSecret}
          onChange={(e) => set({ clientSecret: e.currentTarget.value })}
        />
      </Group>
      <TextInput
        label="Role claim"
        description="The claim that sets the role at each sign-in, e.g. groups; empty: roles are set here only"
        value={draft.roleClaim}
        onChange={(e) => set({ roleClaim: e.currentTarget.value })}
      />
      <Textarea
        label="Role mapping"
        description="One claim value=role per line, e.g. sb-admins=admin. Empty: values that are role names count as they are. A claim that maps to nothing makes the person an agent."
        autosize
        minRows={2}
        value={draft.roleMap}
        onChange={(e) => set({ roleMap: e.currentTarget.value })}
      />
      <Switch
        label="Create accounts at first sign-in"
        description="People with a verified email and no account get one (role from the claim, else agent)"
        checked={draft.createUsers}
        onChange={(e) => set({ createUsers: e.currentTarget.checked })}
      />
      <TextInput
        label="Button label"
        value={draft.buttonLabel}
        onChange={(e) => set({ buttonLabel: e.currentTarget.value })}
      />
    </>
  );
}

export function SsoAdmin() {
  const { settings, save } = useSsoSettings();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (settings.data) setDraft(draftOf(settings.data));
  }, [settings.data]);
  const fromEnvironment = settings.data?.source === "environment";
  const submit = () => {
    if (!draft) return;
    try {
      parseRoleMap(draft.roleMap);
      setProblem(null);
      save.mutate(draft);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };

  return (
    <Stack gap="sm" component="section" aria-labelledby="sso-title">
      <Text fw={600} id="sso-title">
        Single sign-on (OpenID Connect)
      </Text>
      <Text fz="sm" c="dimmed">
        Register Switchboard at your identity provider with this redirect URI:{" "}
        <Code>{settings.data?.callbackUrl ?? "…"}</Code>. People who sign in this way are not asked for
        Switchboard's two-factor code: require multi-factor sign-in at the provider.
      </Text>
      {fromEnvironment && (
        <Alert color="blue">Set by the OIDC_* environment variables; change them there and restart.</Alert>
      )}
      {settings.error && <Alert color="red">{errorMessage(settings.error)}</Alert>}
      {problem && <Alert color="red">{problem}</Alert>}
      {draft && (
        <fieldset disabled={fromEnvironment} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack gap="sm">
            <SsoFields
              draft={draft}
              set={(change) => setDraft({ ...draft, ...change })}
              secretSet={settings.data?.clientSecretSet ?? false}
            />
          </Stack>
        </fieldset>
      )}
      {!fromEnvironment && (
        <Group>
          <Button onClick={submit} loading={save.isPending} disabled={!draft}>
            Save single sign-on
          </Button>
        </Group>
      )}
    </Stack>
  );
}
