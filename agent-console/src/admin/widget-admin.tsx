/**
 * Admin → Widget & branding: the chat widget's colour, greeting, corner, pre-chat fields and the
 * queue messages left outside hours go to; and the status page's team name, logo and colour. Each
 * form shows a live preview of what customers will see.
 */
import {
  Alert,
  Box,
  Button,
  ColorInput,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { errorMessage } from "../api/client.ts";
import { send } from "./http.ts";
import { notifyError } from "./notify.ts";
import { useQueueOptions } from "./queries.ts";
import type { Branding, WidgetSettings } from "./types.ts";

type PreChatMode = WidgetSettings["preChat"]["name"];

const PRE_CHAT_OPTIONS: { value: PreChatMode; label: string }[] = [
  { value: "off", label: "Not asked" },
  { value: "optional", label: "Optional" },
  { value: "required", label: "Required" },
];

/** Reads one settings document and saves it whole, with a draft the form edits. */
function useSettings<T>(path: string, what: string) {
  const key = ["admin", path];
  const client = useQueryClient();
  const stored = useQuery({ queryKey: key, queryFn: () => send<T>("GET", path) });
  const save = useMutation({
    mutationFn: (draft: T) => send<T>("PUT", path, draft),
    onSuccess: (saved) => {
      client.setQueryData(key, saved);
      notifications.show({ color: "teal", message: `${what} saved.` });
    },
    onError: notifyError(`Could not save the ${what.toLowerCase()}`),
  });
  const [draft, setDraft] = useState<T | null>(null);
  useEffect(() => {
    if (stored.data) setDraft(stored.data);
  }, [stored.data]);
  const set = (change: Partial<T>) => setDraft((current) => (current ? { ...current, ...change } : current));
  return { stored, save, draft, set };
}

/** The widget's header and bubble in the chosen colour and corner, with the greeting. */
function WidgetPreview({ settings }: { settings: WidgetSettings }) {
  const left = settings.position === "left";
  return (
    <Paper withBorder p="sm" bg="gray.0" aria-label="Widget preview" data-testid="widget-preview">
      <Stack gap={8} align={left ? "flex-start" : "flex-end"}>
        <Box
          w={240}
          style={{ borderRadius: 12, overflow: "hidden", boxShadow: "0 4px 14px rgba(0,0,0,.12)" }}
        >
          <Box bg={settings.colour} c="white" px="sm" py={8}>
            <Text fw={650} fz="sm">
              Chat with us
            </Text>
            <Text fz="xs" opacity={0.9}>
              We usually reply in a few minutes
            </Text>
          </Box>
          <Box bg="white" px="sm" py="md">
            <Text fz="sm" c="dimmed" ta="center">
              {settings.greeting || "…"}
            </Text>
          </Box>
        </Box>
        <Box w={44} h={44} bg={settings.colour} style={{ borderRadius: "50%" }} aria-hidden />
      </Stack>
    </Paper>
  );
}

function WidgetForm() {
  const { stored, save, draft, set } = useSettings<WidgetSettings>("/api/admin/widget", "Widget settings");
  const queues = useQueueOptions();
  if (stored.error) return <Alert color="red">{errorMessage(stored.error)}</Alert>;
  if (!draft) return null;
  const preChat = (field: "name" | "email") => (
    <Select
      label={field === "name" ? "Pre-chat: name" : "Pre-chat: email"}
      data={PRE_CHAT_OPTIONS}
      allowDeselect={false}
      value={draft.preChat[field]}
      onChange={(value) => value && set({ preChat: { ...draft.preChat, [field]: value as PreChatMode } })}
    />
  );
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="sm">
        <ColorInput
          label="Colour"
          format="hex"
          value={draft.colour}
          onChange={(colour) => set({ colour })}
          swatches={["#4c6ef5", "#0b7285", "#2f9e44", "#e8590c", "#c2255c", "#212529"]}
        />
        <Textarea
          label="Greeting"
          description="Shown when the visitor opens the chat; up to 200 characters"
          maxLength={200}
          autosize
          value={draft.greeting}
          onChange={(event) => set({ greeting: event.currentTarget.value })}
        />
        <div>
          <Text fz="sm" fw={500} mb={4} id="widget-position">
            Corner
          </Text>
          <SegmentedControl
            aria-labelledby="widget-position"
            data={[
              { value: "right", label: "Bottom right" },
              { value: "left", label: "Bottom left" },
            ]}
            value={draft.position}
            onChange={(value) => set({ position: value as WidgetSettings["position"] })}
          />
        </div>
        <Group grow>
          {preChat("name")}
          {preChat("email")}
        </Group>
        <Select
          label="Messages left outside hours go to"
          description="When nobody can chat, visitors leave a message that becomes an email case. Assignment rules come first, as for a mailbox's queue."
          placeholder="The default queue"
          clearable
          data={queues.data}
          value={draft.leaveMessageQueueId ?? null}
          onChange={(value) => set({ leaveMessageQueueId: value })}
        />
        <Group>
          <Button onClick={() => save.mutate(draft)} loading={save.isPending}>
            Save widget
          </Button>
        </Group>
      </Stack>
      <WidgetPreview settings={draft} />
    </SimpleGrid>
  );
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return "?";
  }
};

function BrandingPreview({ branding }: { branding: Branding }) {
  return (
    <Paper withBorder p="md" aria-label="Status page preview" data-testid="branding-preview">
      <Group gap="sm" pb={8} mb="sm" style={{ borderBottom: `3px solid ${branding.colour}` }}>
        {branding.logoUrl && (
          // The console's Content-Security-Policy loads images from its own origin only: the logo
          // itself shows on the status page, which allows its host.
          <Text fz="xs" c="dimmed" px={6} py={2} style={{ border: "1px dashed var(--mantine-color-gray-4)" }}>
            logo from {hostOf(branding.logoUrl)}
          </Text>
        )}
        <Text fw={700}>{branding.teamName || "…"}</Text>
      </Group>
      <Box
        component="span"
        px={10}
        py={2}
        bg={branding.colour}
        c="white"
        fz="xs"
        fw={600}
        style={{ borderRadius: 99 }}
      >
        In progress
      </Box>
      <Text fw={600} mt="xs">
        Request #1042: My order has not arrived
      </Text>
    </Paper>
  );
}

function BrandingForm() {
  const { stored, save, draft, set } = useSettings<Branding>("/api/admin/branding", "Branding");
  if (stored.error) return <Alert color="red">{errorMessage(stored.error)}</Alert>;
  if (!draft) return null;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="sm">
        <TextInput
          label="Team name"
          maxLength={80}
          value={draft.teamName}
          onChange={(event) => set({ teamName: event.currentTarget.value })}
        />
        <TextInput
          label="Logo address"
          description="An https:// address of an image; leave empty for none"
          placeholder="https://www.example.com/logo.png"
          value={draft.logoUrl ?? ""}
          onChange={(event) => set({ logoUrl: event.currentTarget.value.trim() || null })}
        />
        <ColorInput label="Colour" format="hex" value={draft.colour} onChange={(colour) => set({ colour })} />
        <Group>
          <Button onClick={() => save.mutate(draft)} loading={save.isPending}>
            Save branding
          </Button>
        </Group>
      </Stack>
      <BrandingPreview branding={draft} />
    </SimpleGrid>
  );
}

export function WidgetAdmin() {
  return (
    <Stack gap="xl">
      <Stack gap="sm" component="section" aria-labelledby="widget-title">
        <Title order={3} id="widget-title">
          Chat widget
        </Title>
        <WidgetForm />
      </Stack>
      <Stack gap="sm" component="section" aria-labelledby="branding-title">
        <Title order={3} id="branding-title">
          Status page branding
        </Title>
        <Text fz="sm" c="dimmed">
          The page customers open from the link in every update. Its times show in the customer's own zone.
        </Text>
        <BrandingForm />
      </Stack>
    </Stack>
  );
}
